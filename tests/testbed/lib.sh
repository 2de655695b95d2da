# Shared by tests/testbed/up, down, vm-exec, rotate-hostkey. Sourced, not run.
# Layout (see README.md):
#   /var/cache/aio-testbed/   debootstrap trees, the "ready" overlay layer, the apt mirror, the image store (cached)
#   /var/lib/aio-testbed/     per-VM overlay upper/work dirs and podman storage (deleted by down)
#   /run/aio-testbed/         testbed.env, testbed.json, keys, known_hosts, logs, pids, VM roots (deleted by down)
# shellcheck shell=bash

TB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TB_SRC="$(cd "$TB_DIR/../.." && pwd)"
TB_CACHE=/var/cache/aio-testbed
TB_LIB=/var/lib/aio-testbed
TB_STATE=/run/aio-testbed
TB_BRIDGE=aio-br0
TB_HOST_IP=198.18.0.1
TB_SUITE=bookworm
TB_MIRROR_PORT=8000
TB_REGISTRY_PORT=5000
TB_PEBBLE_PORT=14000
TB_PEBBLE_MGMT_PORT=15000
TB_DNS_PORT=8053
TB_CHALL_MGMT_PORT=8055
TB_PASSWORD='aio-deploy-Test-pw1'
TB_SUDOPW_PASSWORD='aio-operator-Test-pw1'
TB_KEY_PASSPHRASE='aio-key-Test-pass1'
TB_SANDBOX_REPO=ghcr.io/agent-infra/sandbox
TB_SANDBOX_MIRROR_REPO=enterprise-public-cn-beijing.cr.volces.com/vefaas-public/all-in-one-sandbox
TB_SANDBOX_TAGS="1.11.0 1.10.0 latest"
TB_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# name  ip-suffix  public-name  kind (base: sshd only; ready: + docker CLI, nginx, certbot)  engine (yes/no)
TB_VMS_TABLE="
vm-ready 2 sandbox-ready.test ready yes
vm-fresh 3 sandbox-fresh.test base yes
vm-exposed 4 sandbox-exposed.test ready yes
bastion 5 bastion.test base no
vm-scratch 6 sandbox-scratch.test ready yes
"
TB_ALL_VMS="vm-ready vm-fresh vm-exposed bastion vm-scratch"

# Packages of the base tree (every VM) and of the "ready" layer (vm-ready, vm-exposed, vm-scratch).
TB_BASE_PACKAGES="openssh-server,sudo,curl,ca-certificates,nftables,iproute2,procps,less,python3,netcat-openbsd,iputils-ping,openssl,sysvinit-utils,init-system-helpers"
TB_READY_PACKAGES="nginx certbot python3-certbot-nginx locales"
# What the local apt mirror offers to vm-fresh (and everyone): what a deployment installs.
TB_MIRROR_PACKAGES="nginx docker.io certbot python3-certbot-nginx ufw"
TB_IMAGE_PACKAGES="python3,python3-cryptography,python3-cffi-backend"

tb_log() { printf '[testbed %5ss] %s\n' "$SECONDS" "$*"; }
tb_die() { printf '[testbed] error: %s\n' "$*" >&2; exit 1; }

tb_require_root() { [ "$(id -u)" -eq 0 ] || tb_die "must run as root"; }

# vm_field NAME FIELD(1=ip suffix 2=public name 3=kind 4=engine)
tb_vm_field() {
    local name=$1 idx=$2
    awk -v n="$name" -v i="$idx" '$1 == n { print $(i + 1) }' <<<"$TB_VMS_TABLE"
}
tb_vm_ip() { echo "198.18.0.$(tb_vm_field "$1" 1)"; }
tb_vm_known() { [ -n "$(tb_vm_field "$1" 1)" ]; }
tb_netns() { echo "aio-$1"; }
tb_vm_root() { echo "$TB_STATE/vms/$1/root"; }
# VM_READY style name for env keys.
tb_vm_envname() { echo "$1" | tr 'a-z-' 'A-Z_'; }

# Debian mirror: the one apt on this machine uses.
tb_debian_mirror() {
    local m=""
    if [ -n "${AIO_TB_DEBIAN_MIRROR:-}" ]; then echo "$AIO_TB_DEBIAN_MIRROR"; return; fi
    if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
        m=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' \
            /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
    fi
    if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
        m=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:.*\/debian\/?$/) { print $i; exit } }' \
            /etc/apt/sources.list | head -n1)
    fi
    echo "${m:-http://deb.debian.org/debian}"
}

# Runs a command inside a VM: its network namespace and its root.
tb_vm_exec() {
    local name=$1
    shift
    nsenter --net="/run/netns/$(tb_netns "$name")" --uts="$TB_STATE/vms/$name/uts" chroot "$(tb_vm_root "$name")" \
        /usr/bin/env -i PATH="$TB_PATH" HOME=/root LANG=C.UTF-8 TERM=dumb "$@" 9>&-
}

# Bounded wait: tb_wait SECONDS DESCRIPTION CMD… (polls every 0.2 s)
tb_wait() {
    local limit=$1 what=$2
    shift 2
    local deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || { echo "[testbed] timed out after ${limit}s waiting for $what" >&2; return 1; }
        sleep 0.2
    done
}

# Is an SSH server answering (banner) at IP:22?
tb_ssh_answers() {
    [ "$(timeout 3 bash -c "exec 3<>/dev/tcp/$1/22 && head -c 4 <&3" 2>/dev/null)" = SSH- ]
}

tb_mounted() { findmnt -n "$1" >/dev/null 2>&1; }

# Unmounts every mount point at or under DIR, deepest first. Bounded.
tb_umount_under() {
    local dir=$1 tries=0 m
    [ -e "$dir" ] || return 0
    while [ $tries -lt 5 ]; do
        mapfile -t mps < <(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
        [ ${#mps[@]} -eq 0 ] && return 0
        for m in "${mps[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
        tries=$((tries + 1))
    done
    awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo &&
        echo "[testbed] warning: mounts left under $dir" >&2
    return 0
}
