#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test: the
# integration tests against the testbed and the fuzz smoke runs (default preset), then the unit
# and GUI tests (offscreen) under ASan + UBSan. With AIO_SKIP_ASAN=1 the unit and GUI tests run in
# the default preset instead. Exit code 0 only when all pass.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
jobs=$(nproc)

echo "== format check"
bash scripts/check-format.sh
bash scripts/check-unique-types.sh

# The testbed comes up while the app builds (its ctest fixture then finds it healthy, or waits
# on the same lock and says why it failed).
testbed_log=$(mktemp)
testbed_pid=""
# A failed build must not leave the bring-up running (it holds the testbed's lock) or its log.
cleanup() {
  if [ -n "$testbed_pid" ]; then wait "$testbed_pid" 2>/dev/null || true; fi
  rm -f "$testbed_log"
}
trap cleanup EXIT
if [ "$(id -u)" -eq 0 ] && [ "${AIO_SKIP_TESTBED_PREP:-0}" != 1 ]; then
  bash tests/testbed/up >"$testbed_log" 2>&1 &
  testbed_pid=$!
fi

# The unit and GUI tests are built and run once, under ASan+UBSan (below); the default build has
# the app, the integration tests, the fuzz targets and the benchmarks.
unit_in_default=ON
if [ "${AIO_SKIP_ASAN:-0}" != 1 ]; then unit_in_default=OFF; fi

echo "== build (default preset)"
cmake --preset default -DAIO_BUILD_UNIT_TESTS=$unit_in_default >/dev/null
cmake --build --preset default -j"$jobs"

if [ -n "$testbed_pid" ]; then
  echo "== testbed (started during the build)"
  wait "$testbed_pid" || echo "testbed: bringing it up failed; the testbed.up test repeats it and reports why"
  tail -n 3 "$testbed_log"
  testbed_pid=""
fi

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
