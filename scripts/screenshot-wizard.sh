#!/usr/bin/env bash
# Takes the deployment wizard's screenshots (docs/screenshots/) from the real main window under
# Xvfb:
#  - wizard-*.png at 1280x800: the answers page, a step's preview with its file diff, and, when
#    the testbed is up (tests/testbed/up), the preflight step applied on vm-ready with its checks;
#  - first-deploy-*.png at 1920x1080, when the testbed is up: the first deployment as a newcomer
#    makes it (the GUI test TestFirstDeploymentGui, which deploys on vm-ready and puts it back):
#    the answers page, the finished deployment, and the "how to reach it" panel;
#  - sidebar-groups-search.png at 1280x640: the sidebar with groups, tags and a search, a group
#    selected (the GUI test TestMainWindow takes it);
#  - checklist-page.png and checklist-fleet.png at 1280x800: a VM's checklist and a group's fleet
#    view, from a recorded audit (the GUI test TestChecklistGui takes them);
#  - logs-merged-search.png and logs-access-table.png at 1280x800: the Logs tab on two local files,
#    merged with a search, and the access table with its histogram (the GUI test TestLogsPage).
#   scripts/screenshot-wizard.sh            (AIO_BUILD_DIR=build/default by default)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${AIO_BUILD_DIR:-build/default}
tool="$build/tests/gui/deploy/wizard-screenshots"
out="$root/docs/screenshots"

command -v xvfb-run >/dev/null 2>&1 || bash scripts/install-deps.sh
if [ ! -d "$build" ]; then
  if [ "$build" = build/default ]; then
    cmake --preset default >/dev/null
  else
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
fi
# The GUI tests take the pictures: built even where scripts/test.sh left them out of this build.
cmake -S . -B "$build" -DAIO_BUILD_UNIT_TESTS=ON >/dev/null
cmake --build "$build" --target wizard-screenshots TestMainWindow TestChecklistGui TestLogsPage -j"$(nproc)"
if [ -e /run/aio-testbed/testbed.env ]; then
  cmake --build "$build" --target TestFirstDeploymentGui aio-sandbox-manager -j"$(nproc)"
fi

mkdir -p "$out"
# No keychain (never yours: no session bus can be found): the app keeps secrets in memory and the
# sandbox's keys in files of the temporary profile.
run_dir=$(mktemp -d)
trap 'rm -rf "$run_dir"' EXIT
env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR="$run_dir" timeout 600 \
  xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "$tool" "$out"
mkdir -p "$run_dir/grab"
env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR="$run_dir" AIO_GUI_GRAB_DIR="$run_dir/grab" timeout 300 \
  xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "$build/tests/gui/main/TestMainWindow" \
  groupsFolderTheSidebarAndABulkSelectionActsOnAll >/dev/null
cp "$run_dir/grab/sidebar-groups-search.png" "$out/"
# The checklist page and the fleet view, from a recorded audit of the testbed's vm-exposed.
env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR="$run_dir" AIO_GUI_GRAB_DIR="$run_dir/grab" timeout 300 \
  xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "$build/tests/gui/checklist/TestChecklistGui" \
  recordedAuditOfTheExposedVmReadsLikeTheCli >/dev/null
cp "$run_dir/grab/checklist-page.png" "$run_dir/grab/checklist-fleet.png" "$out/"
env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR="$run_dir" AIO_GUI_GRAB_DIR="$run_dir/grab" timeout 300 \
  xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "$build/tests/gui/logs/TestLogsPage" \
  mergedSearchedFilteredFollowedAndSaved >/dev/null
cp "$run_dir/grab/logs-merged-search.png" "$run_dir/grab/logs-access-table.png" "$out/"
if [ -e /run/aio-testbed/testbed.env ]; then
  env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR="$run_dir" AIO_SCREENSHOT_DIR="$out" timeout 900 \
    xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" "$build/tests/integration/deploy/TestFirstDeploymentGui"
fi
