#!/usr/bin/env bash
# down leaves no process, network namespace, mount, veth, bridge or state directory behind,
# even with containers and nginx running in the VMs.
set -uo pipefail
TB=${AIO_TB_DIR:-$(cd "$(dirname "$0")/../../testbed" && pwd)}
failures=0
check() { if eval "$2"; then echo "PASS: $1"; else echo "FAIL: $1"; failures=$((failures + 1)); fi; }
before=$(ls /run/netns 2>/dev/null | grep -c '^netns-' || true)
timeout 600 "$TB/up" vm-ready vm-exposed || { echo "FAIL: up"; exit 1; }
timeout 60 "$TB/vm-exec" vm-ready docker run -d -p 127.0.0.1:8080:8080 ghcr.io/agent-infra/sandbox:1.11.0 >/dev/null ||
    { echo "FAIL: docker run"; failures=$((failures + 1)); }
check "something to tear down" '[ -n "$(ip netns pids aio-vm-ready)" ]'
timeout 300 "$TB/down" || { echo "FAIL: down exit code"; failures=$((failures + 1)); }
check "no aio network namespace" '! ip netns list | grep -q "^aio-"'
check "no container network namespace left" '[ "$(ls /run/netns 2>/dev/null | grep -c "^netns-" || true)" -le "$before" ]'
check "no veth or bridge" '! ip -o link show | grep -qE ": aio-(h|v)[0-9]+|: aio-br0"'
check "no mount under the testbed dirs" '! grep -qE " (/run/aio-testbed|/var/lib/aio-testbed|/var/cache/aio-testbed)[/ ]" /proc/self/mountinfo'
left=""
for p in /proc/[0-9]*; do
    r=$(readlink "$p/root" 2>/dev/null) || continue
    case "$r" in /run/aio-testbed/* | /var/lib/aio-testbed/*) left="$left ${p#/proc/}" ;; esac
    tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q -e '/run/aio-testbed/' -e '/var/cache/aio-testbed/' -e '/var/lib/aio-testbed/' && left="$left ${p#/proc/}"
done
check "no process of the testbed ($left)" '[ -z "$left" ]'
check "no state directories" '[ ! -e /run/aio-testbed ] && [ ! -e /var/lib/aio-testbed ]'
check "nothing listens on 198.18.0.1" '! ss -Hltn | grep -q "198.18.0.1:"'
[ $failures -eq 0 ] && echo "all passed" || { echo "$failures failed"; exit 1; }
