#!/usr/bin/env bash
# Takes the README's screenshots from the real app under Xvfb: builds it if needed, seeds a
# temporary profile with a few targets through the CLI, starts the GUI on a 1280x800 and a
# 1920x1080 screen and saves docs/screenshots/main-window.png and main-window-1920.png.
#   scripts/screenshot.sh            (AIO_BUILD_DIR=build/default by default)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${AIO_BUILD_DIR:-build/default}
app="$build/app/aio-sandbox-manager"
out="$root/docs/screenshots"

for tool in xvfb-run import xwininfo; do
  command -v "$tool" >/dev/null 2>&1 || bash scripts/install-deps.sh
done
if [ ! -x "$app" ]; then
  if [ "$build" = build/default ]; then
    cmake --preset default >/dev/null
  else
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  cmake --build "$build" --target aio-sandbox-manager -j"$(nproc)"
fi

work=$(mktemp -d /tmp/aio-screenshot.XXXXXX)
trap 'rm -rf "$work"' EXIT
profile="$work/profile"
mkdir -p "$profile" "$work/kube"
cp tests/data/kubeconfig "$work/kube/config"

cli() { "$app" --profile "$profile" "$@" >/dev/null; }
cli targets add vm prod-web --host web-1.example.com --user deploy --sudo --public-host sandbox.example.com \
  --notes "Production sandbox for the data team. Change window: Tuesdays 18:00-20:00 UTC."
cli targets add vm staging-vm --host 198.18.0.10 --port 2222 --user ubuntu --auth key \
  --key /home/ops/.ssh/id_ed25519 --public-host staging.sandbox.example.com
cli targets add vm research-lab --host lab.internal.example.com --user ops --jump ops@bastion.example.com:2200
cli targets add cluster prod-cluster --kubeconfig "$work/kube/config" --context prod --namespace aio-sandbox \
  --ingress-host sandbox.k8s.example.com
cli targets add cluster staging-cluster --kubeconfig "$work/kube/config" --context staging

# shoot_once WIDTH HEIGHT FILE DISPLAY_NUMBER: one screenshot of the app filling a WIDTHxHEIGHT screen.
shoot_once() {
  local width=$1 height=$2 file=$3 number=$4
  rm -f "$profile/config/window.ini" # a fresh window, placed by the geometry below
  WIDTH=$width HEIGHT=$height FILE=$file APP=$app PROFILE=$profile \
    xvfb-run -n "$number" -s "-screen 0 ${width}x${height}x24 -nolisten tcp" bash -c '
      set -euo pipefail
      unset DBUS_SESSION_BUS_ADDRESS
      "$APP" --profile "$PROFILE" -qwindowgeometry "${WIDTH}x${HEIGHT}+0+0" &
      pid=$!
      shown=0
      for _ in $(seq 1 100); do   # at most 20 s
        if xwininfo -root -tree 2>/dev/null | grep -q "AIO Sandbox Manager"; then shown=1; break; fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
      done
      if [ "$shown" != 1 ]; then echo "the window did not appear" >&2; kill "$pid" 2>/dev/null || true; exit 1; fi
      sleep 1.5                    # let it finish its first paint
      import -window root "$FILE"
      kill -TERM "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    '
}

# shoot WIDTH HEIGHT FILE: tries a few display numbers no other X server holds (other GUI tests
# may run Xvfb at the same time).
shoot() {
  local attempt number
  for attempt in 1 2 3; do
    number=$((200 + RANDOM % 500))
    [ -e "/tmp/.X${number}-lock" ] && continue
    if shoot_once "$1" "$2" "$3" "$number"; then
      echo "wrote $3"
      return 0
    fi
    echo "attempt $attempt failed; trying another display" >&2
  done
  echo "could not take $3" >&2
  return 1
}

mkdir -p "$out"
shoot 1280 800 "$out/main-window.png"
shoot 1920 1080 "$out/main-window-1920.png"
