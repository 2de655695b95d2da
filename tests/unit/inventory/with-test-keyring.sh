#!/usr/bin/env bash
# Runs "$@" inside a private D-Bus session with an unlocked GNOME Keyring (Secret Service), so
# keychain tests use a real keychain without touching the user's. Everything lives in a fresh
# temporary HOME that is removed afterwards. Used as the CTest WRAPPER of keychain tests.
set -euo pipefail

if [ -z "${AIO_IN_TEST_SESSION:-}" ]; then
    tmp=$(mktemp -d -t aio-keyring.XXXXXX)
    trap 'rm -rf "$tmp"' EXIT
    mkdir -m 700 "$tmp/run"
    export AIO_IN_TEST_SESSION=1 HOME="$tmp" XDG_RUNTIME_DIR="$tmp/run" XDG_DATA_HOME="$tmp/.local/share" \
        XDG_CONFIG_HOME="$tmp/.config" XDG_CACHE_HOME="$tmp/.cache"
    unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
    # The bus (and the keyring, which leaves with it) lasts as long as the test.
    set +e
    dbus-run-session -- "$0" "$@"
    rc=$?
    exit $rc
fi

# Inside the session: start the keyring in the foreground (so we know its pid), unlocked with a
# test password, and wait (bounded) until it owns the Secret Service name.
printf 'aio-test-keyring-password' | gnome-keyring-daemon --foreground --unlock --components=secrets \
    >"$HOME/keyring.log" 2>&1 &
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
set +e
"$@"
rc=$?
exit $rc
