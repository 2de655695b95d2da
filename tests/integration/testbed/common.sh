# Shared by the testbed's integration scripts: loads testbed.env, runs ssh the way a user would.
# shellcheck shell=bash
set -euo pipefail
AIO_TESTBED_ENV=${AIO_TESTBED_ENV:-/run/aio-testbed/testbed.env}
[ -f "$AIO_TESTBED_ENV" ] || { echo "FAIL: $AIO_TESTBED_ENV missing (is the testbed up?)"; exit 1; }
set -a
# shellcheck disable=SC1090
source "$AIO_TESTBED_ENV"
set +a
AIO_TB_DIR=${AIO_TB_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../testbed" && pwd)}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# expect DESCRIPTION CMD… : the command must succeed.
expect() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
# expect_not DESCRIPTION CMD… : the command must fail.
expect_not() { local d=$1; shift; if "$@"; then fail "$d"; else pass "$d"; fi; }
finish() { if [ "$failures" -eq 0 ]; then echo "all passed"; exit 0; else echo "$failures failed"; exit 1; fi; }

SSH_OPTS=(-o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$AIO_TB_KNOWN_HOSTS"
          -o ConnectTimeout=10 -o ServerAliveInterval=5 -o ServerAliveCountMax=3 -o LogLevel=ERROR)
# ssh_key KEY USER@HOST CMD…
# One retry when ssh itself fails (255: connection-level), as a user would; the retry is reported.
ssh_key() {
    local k=$1 t=$2 rc=0; shift 2
    timeout 120 ssh "${SSH_OPTS[@]}" -o IdentitiesOnly=yes -i "$k" "$t" "$@" || rc=$?
    if [ $rc -eq 255 ]; then
        echo "note: ssh to $t failed at connection level; retrying once" >&2
        sleep 1
        rc=0
        timeout 120 ssh "${SSH_OPTS[@]}" -o IdentitiesOnly=yes -i "$k" "$t" "$@" || rc=$?
    fi
    return $rc
}
# ssh_pw PASSWORD USER@HOST CMD… : password / keyboard-interactive only, through SSH_ASKPASS.
ssh_pw() {
    local pw=$1 t=$2; shift 2
    printf '#!/bin/sh\nprintf "%%s\\n" "$AIO_ASKPASS_PW"\n' >"$WORK/askpass"
    chmod 700 "$WORK/askpass"
    AIO_ASKPASS_PW="$pw" SSH_ASKPASS="$WORK/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=:0 \
        timeout 120 setsid -w ssh -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$AIO_TB_KNOWN_HOSTS" \
        -o ConnectTimeout=10 -o LogLevel=ERROR -o PubkeyAuthentication=no -o NumberOfPasswordPrompts=1 \
        -o PreferredAuthentications="${AIO_PREFERRED_AUTH:-password}" "$t" "$@" </dev/null
}
