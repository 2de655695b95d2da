#!/usr/bin/env bash
# Runs "$@" inside a private D-Bus session with a real GNOME Keyring (Secret Service), so
# keychain tests use a real keychain without touching the user's. Everything lives in a fresh
# temporary HOME that is removed afterwards. Used as the CTest WRAPPER of keychain tests.
#
# AIO_TEST_KEYRING picks the keychain the test meets (the test reads the same variable):
#   unlocked  (default) an unlocked default keyring;
#   locked    the default keyring is locked, and the keyring's own prompt can open (on a private
#             Xvfb, as on a desktop): a call that needs it waits for the admin;
#   refusing  the default keyring is locked and its prompt cannot open (no display), so the
#             keyring refuses at once;
#   nokeyring the service runs but has no default keyring yet (the first store would ask for a
#             new keyring's password; its prompt cannot open here);
#   none      no D-Bus session at all, but an X display (Xvfb) where a D-Bus autolaunch, and the
#             keyring it starts, could open a stray window: the test checks that none does.
set -euo pipefail
mode=${AIO_TEST_KEYRING:-unlocked}

# Starts a private Xvfb and exports DISPLAY for it.
start_xvfb() {
    exec 9< <(Xvfb -displayfd 1 -nolisten tcp -screen 0 1024x768x24 2>"$HOME/xvfb.log" & echo "pid $!"; wait)
    read -r _ xvfb_pid <&9
    read -r display <&9
    export DISPLAY=":$display" AIO_TEST_XVFB_PID=$xvfb_pid
}

# Stops it and waits (at most 5 s) until it is gone. An Xvfb still exiting when the next test
# starts its own could remove the new one's socket under it: that test's clients (the keyring's
# prompt) then find no display.
stop_xvfb() {
    kill "$AIO_TEST_XVFB_PID" 2>/dev/null || return 0
    for _ in $(seq 50); do
        kill -0 "$AIO_TEST_XVFB_PID" 2>/dev/null || return 0
        sleep 0.1
    done
}

if [ -z "${AIO_IN_TEST_SESSION:-}" ]; then
    tmp=$(mktemp -d -t aio-keyring.XXXXXX)
    trap 'rm -rf "$tmp"' EXIT
    mkdir -m 700 "$tmp/run"
    export AIO_IN_TEST_SESSION=1 HOME="$tmp" XDG_RUNTIME_DIR="$tmp/run" XDG_DATA_HOME="$tmp/.local/share" \
        XDG_CONFIG_HOME="$tmp/.config" XDG_CACHE_HOME="$tmp/.cache"
    unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL SSH_AUTH_SOCK DISPLAY
    if [ "$mode" = none ]; then
        start_xvfb
        trap 'stop_xvfb; rm -rf "$tmp"' EXIT
        set +e
        "$@"
        rc=$?
        exit $rc
    fi
    # The bus (and the keyring, which leaves with it) lasts as long as the test.
    set +e
    dbus-run-session -- "$0" "$@"
    rc=$?
    exit $rc
fi

# Inside the session: start the keyring in the foreground (so we know its pid), unlocked with a
# test password, and wait (bounded) until it owns the Secret Service name.
if [ "$mode" = nokeyring ]; then
    gnome-keyring-daemon --foreground --components=secrets >"$HOME/keyring.log" 2>&1 &
else
    printf 'aio-test-keyring-password' | gnome-keyring-daemon --foreground --unlock --components=secrets \
        >"$HOME/keyring.log" 2>&1 &
fi
keyring=$!
trap 'kill "$keyring" 2>/dev/null; wait "$keyring" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
        break
    fi
    sleep 0.1
done
if ! dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
    echo "with-test-keyring: gnome-keyring-daemon did not start:" >&2
    cat "$HOME/keyring.log" >&2
    exit 1
fi
case "$mode" in
locked | refusing)
    # The keyring's own prompt (gcr-prompter, started by D-Bus) opens where DISPLAY points: a
    # private Xvfb for "locked", nowhere for "refusing".
    if [ "$mode" = locked ]; then
        start_xvfb
        trap 'kill "$keyring" 2>/dev/null; wait "$keyring" 2>/dev/null || true; stop_xvfb' EXIT
        dbus-update-activation-environment DISPLAY="$DISPLAY"
    fi
    dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
        org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null
    ;;
esac
set +e
"$@"
rc=$?
exit $rc
