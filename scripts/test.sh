#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test — unit,
# GUI (offscreen), integration against the testbed, fuzz smoke runs — then the unit and GUI
# tests again under ASan + UBSan. Exit code 0 only when all pass.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
jobs=$(nproc)

echo "== format check"
bash scripts/check-format.sh

echo "== build (default preset)"
cmake --preset default >/dev/null
cmake --build --preset default -j"$jobs"

echo "== tests (default preset)"
ctest --preset default -j"$jobs"

if [ "${AIO_SKIP_ASAN:-0}" != 1 ]; then
  echo "== build (asan preset)"
  cmake --preset asan >/dev/null
  cmake --build --preset asan -j"$jobs"
  echo "== tests (asan preset: unit and GUI)"
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --preset asan -j"$jobs"
fi
