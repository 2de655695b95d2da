#!/usr/bin/env bash
# The README's run command: installs what is missing, builds the app (default preset) and starts it.
#   scripts/run.sh                 the app with your own inventory (~/.config/aio-sandbox-manager)
#   scripts/run.sh --demo          the app with a separate demo profile, so your inventory is never touched
#   scripts/run.sh [--demo] -- ARGS   passes ARGS to the app (e.g. -- targets list)
# Environment: AIO_DEMO_PROFILE (default ~/.local/share/aio-sandbox-manager-demo), AIO_BUILD_JOBS.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

demo=0
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --demo) demo=1 ;;
    --) shift; args+=("$@"); break ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$1") ;;
  esac
  shift
done

bash scripts/install-deps.sh
echo "== build (default preset)"
cmake --preset default -DAIO_BUILD_GUI=ON >/dev/null
cmake --build --preset default --target aio-sandbox-manager -j"${AIO_BUILD_JOBS:-$(nproc)}"
app="$root/build/default/app/aio-sandbox-manager"

profile_args=()
if [ "$demo" = 1 ]; then
  profile="${AIO_DEMO_PROFILE:-$HOME/.local/share/aio-sandbox-manager-demo}"
  mkdir -p "$profile"
  profile_args=(--profile "$profile")
  # As root, the demo starts the testbed (VM-like hosts in network namespaces, tests/testbed) and
  # adds its VMs to the demo profile, so every feature can be tried at once. AIO_DEMO_TESTBED=0 skips it.
  if [ "$(id -u)" = 0 ] && [ "${AIO_DEMO_TESTBED:-1}" = 1 ]; then
    echo "== testbed (tests/testbed/up)"
    tests/testbed/up
    "$app" --profile "$profile" targets import ssh-config /run/aio-testbed/ssh_config --group Testbed
  elif [ ! -e "$profile/config/inventory.json" ]; then
    # Without a testbed: sample targets from the test data, so every page has something to show.
    mkdir -p "$profile/kube"
    cp tests/data/kubeconfig "$profile/kube/config"
    "$app" --profile "$profile" targets import ssh-config tests/data/ssh_config --group-by-file >/dev/null 2>&1 || true
    "$app" --profile "$profile" targets import kubeconfig "$profile/kube/config" >/dev/null 2>&1 || true
  fi
  echo "== demo profile: $profile"
fi

# A command (e.g. "-- targets list") needs no display; the desktop app does.
if [ ${#args[@]} -eq 0 ] || [[ "${args[0]}" == -* ]]; then
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
    echo "No display: start scripts/run.sh from a desktop session (or ssh -X), or set QT_QPA_PLATFORM=offscreen" >&2
    echo "to check that the app starts. The command line works without a display: scripts/run.sh -- --help" >&2
    exit 1
  fi
fi
exec "$app" "${profile_args[@]}" "${args[@]}"
