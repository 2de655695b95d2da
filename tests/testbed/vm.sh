# VM lifecycle: network namespace + overlay root + sshd + podman's Docker API. Sourced by up/down.
# shellcheck shell=bash

tb_ensure_keys() {
    local k="$TB_CACHE/keys"
    mkdir -p "$k" "$TB_STATE/keys"
    chmod 700 "$k" "$TB_STATE/keys"
    [ -f "$k/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C aio-testbed-ed25519 -f "$k/id_ed25519"
    [ -f "$k/id_rsa" ] || ssh-keygen -q -t rsa -b 3072 -N '' -C aio-testbed-rsa -f "$k/id_rsa"
    [ -f "$k/id_ecdsa" ] || ssh-keygen -q -t ecdsa -b 256 -N '' -C aio-testbed-ecdsa -f "$k/id_ecdsa"
    [ -f "$k/id_ed25519_enc" ] ||
        ssh-keygen -q -t ed25519 -N "$TB_KEY_PASSPHRASE" -C aio-testbed-ed25519-encrypted -f "$k/id_ed25519_enc"
    cp -p "$k"/id_* "$TB_STATE/keys/"
    cat "$k"/*.pub >"$TB_STATE/keys/authorized_keys"
}

tb_ensure_bridge() {
    if ! ip link show "$TB_BRIDGE" >/dev/null 2>&1; then
        # A fixed MAC: otherwise the bridge takes its ports' lowest MAC, which changes as VMs come and
        # go, and the VMs' ARP entries for 198.18.0.1 go stale (connections then hang for a while).
        ip link add "$TB_BRIDGE" address 02:a1:0b:00:00:01 type bridge
    fi
    local addrs
    addrs=$(ip -4 -o addr show dev "$TB_BRIDGE")
    case "$addrs" in *"inet $TB_HOST_IP/24"*) ;; *) ip addr add "$TB_HOST_IP/24" dev "$TB_BRIDGE" ;; esac
    ip link set "$TB_BRIDGE" up
}

tb_podman_env() {
    local name=$1
    echo "CONTAINERS_CONF=$TB_STATE/vms/$name/containers.conf" \
        "CONTAINERS_STORAGE_CONF=$TB_STATE/vms/$name/storage.conf" \
        "CONTAINERS_REGISTRIES_CONF=$TB_STATE/vms/$name/registries.conf"
}

# podman CLI against one VM's engine (same storage the service uses).
tb_vm_podman() {
    local name=$1
    shift
    # shellcheck disable=SC2046
    nsenter --net="/run/netns/$(tb_netns "$name")" env $(tb_podman_env "$name") podman "$@"
}

tb_write_podman_conf() {
    local name=$1 n=$2 d="$TB_STATE/vms/$1" l="$TB_LIB/vms/$1"
    mkdir -p "$d/libpod" "$d/storage-run" "$l/networks" "$l/storage"
    cat >"$d/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]

[network]
default_subnet = "198.19.$n.0/24"
default_subnet_pools = [{"base" = "198.19.128.0/17", "size" = 24}]
network_config_dir = "$l/networks"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$l/events.log"
tmp_dir = "$d/libpod"
EOF
    cat >"$d/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$l/storage"
runroot = "$d/storage-run"
EOF
    [ -d "$(tb_image_store_dir)" ] && printf '\n[storage.options]\nadditionalimagestores = ["%s"]\n' \
        "$(tb_image_store_dir)" >>"$d/storage.conf"
    # No registry is reachable; never try one by short name.
    cat >"$d/registries.conf" <<EOF
unqualified-search-registries = []
short-name-mode = "permissive"

# The stand-in image lives in the testbed's registry on the workstation side (plain http).
[[registry]]
prefix = "$TB_SANDBOX_REPO"
location = "$TB_HOST_IP:$TB_REGISTRY_PORT/${TB_SANDBOX_REPO#*/}"
insecure = true

[[registry]]
prefix = "$TB_SANDBOX_MIRROR_REPO"
location = "$TB_HOST_IP:$TB_REGISTRY_PORT/${TB_SANDBOX_MIRROR_REPO#*/}"
insecure = true
EOF
    return 0
}

tb_engine_answers() {
    [ "$(curl -s --max-time 2 --unix-socket "$(tb_vm_root "$1")/run/docker.sock" http://d/_ping)" = OK ]
}

tb_start_engine() {
    local name=$1 n=$2 root
    root=$(tb_vm_root "$name")
    tb_write_podman_conf "$name" "$n"
    rm -f "$root/run/docker.sock"
    # shellcheck disable=SC2046
    nsenter --net="/run/netns/$(tb_netns "$name")" --uts="$TB_STATE/vms/$name/uts" env $(tb_podman_env "$name") \
        setsid podman system service --time=0 "unix://$root/run/docker.sock" \
        </dev/null >>"$TB_STATE/logs/$name-podman.log" 2>&1 9>&- &
    echo $! >"$TB_STATE/vms/$name/podman.pid"
}

tb_finish_engine() {
    local name=$1 root gid
    root=$(tb_vm_root "$name")
    tb_wait 60 "the Docker API of $name" tb_engine_answers "$name" || return 1
    gid=$(chroot "$root" getent group docker | cut -d: -f3)
    if [ -n "$gid" ]; then
        chgrp "$gid" "$root/run/docker.sock"
        chmod 660 "$root/run/docker.sock"
    fi
}

tb_start_sshd() {
    local name=$1 root
    root=$(tb_vm_root "$name")
    mkdir -p "$root/run/sshd"
    chmod 755 "$root/run/sshd"
    tb_vm_exec "$name" /usr/sbin/sshd -E /var/log/auth.log </dev/null >/dev/null 2>&1 9>&-
}

tb_hostkey_fpr() {
    ssh-keygen -l -E sha256 -f "$(tb_vm_root "$1")/etc/ssh/ssh_host_ed25519_key.pub" | awk '{ print $2 }'
}

# Is the VM up and answering? Prints why not. Slow answers under load get three tries.
tb_vm_healthy() {
    local name=$1 engine try
    engine=$(tb_vm_field "$name" 4)
    [ -e "/run/netns/$(tb_netns "$name")" ] || return 1
    tb_mounted "$(tb_vm_root "$name")" || { tb_log "$name: root not mounted"; return 1; }
    for try in 1 2 3; do
        if tb_ssh_answers "$(tb_vm_ip "$name")" && { [ "$engine" = no ] || tb_engine_answers "$name"; }; then
            return 0
        fi
        sleep 1
    done
    tb_log "$name: sshd or engine does not answer; recreating it"
    return 1
}

# Creates one VM and starts its sshd and engine (does not wait for them).
tb_vm_create() {
    local name=$1 n ip kind ns root lib lower hv vv
    n=$(tb_vm_field "$name" 1); ip=$(tb_vm_ip "$name"); kind=$(tb_vm_field "$name" 3)
    ns=$(tb_netns "$name"); root=$(tb_vm_root "$name"); lib="$TB_LIB/vms/$name"
    hv="aio-h$n"; vv="aio-v$n"
    tb_vm_destroy "$name" quiet
    mkdir -p "$lib/upper" "$lib/work" "$root" "$TB_STATE/vms/$name"
    lower=$(tb_base_dir)
    [ "$kind" = ready ] && lower="$(tb_ready_dir):$lower"
    mount -t overlay overlay -o "lowerdir=$lower,upperdir=$lib/upper,workdir=$lib/work" "$root"
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --make-rslave "$root/dev"
    # Network: veth from the bridge into the namespace; no default route (the VMs reach 198.18.0.0/24 only).
    ip netns add "$ns"
    # Its own host name: a persistent UTS namespace bound to a file (entered by tb_vm_exec).
    touch "$TB_STATE/vms/$name/uts"
    unshare --uts="$TB_STATE/vms/$name/uts" hostname "$name"
    ip link add "$hv" type veth peer name "$vv"
    ip link set "$vv" netns "$ns"
    ip link set "$hv" master "$TB_BRIDGE" up
    ip -n "$ns" link set lo up
    ip -n "$ns" link set "$vv" name eth0
    ip -n "$ns" addr add "$ip/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip neigh del "$ip" dev "$TB_BRIDGE" 2>/dev/null || true  # the previous incarnation's MAC
    # Identity: host name, hosts, host keys, authorized keys, the ACME test CA.
    echo "$name" >"$root/etc/hostname"
    {
        printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$name"
        printf '%s\tworkstation.test\n' "$TB_HOST_IP"
        local v
        for v in $TB_ALL_VMS; do printf '%s\t%s %s\n' "$(tb_vm_ip "$v")" "$(tb_vm_field "$v" 2)" "$v"; done
    } >"$root/etc/hosts"
    printf 'nameserver %s\n' "$TB_HOST_IP" >"$root/etc/resolv.conf"
    if [ -n "${TB_PRESET_HOSTKEYS:-}" ] && [ -f "$TB_PRESET_HOSTKEYS/ssh_host_ed25519_key" ]; then
        cp -p "$TB_PRESET_HOSTKEYS"/ssh_host_* "$root/etc/ssh/"
    fi
    chroot "$root" /usr/bin/ssh-keygen -A >/dev/null
    local u
    for u in deploy operator; do
        install -d -m 700 -o "$(chroot "$root" id -u "$u")" -g "$(chroot "$root" id -g "$u")" "$root/home/$u/.ssh"
        install -m 600 -o "$(chroot "$root" id -u "$u")" -g "$(chroot "$root" id -g "$u")" \
            "$TB_STATE/keys/authorized_keys" "$root/home/$u/.ssh/authorized_keys"
    done
    if [ -f "$TB_CACHE/pebble/pebble.minica.pem" ]; then
        install -D -m 644 "$TB_CACHE/pebble/pebble.minica.pem" "$root/usr/local/share/ca-certificates/aio-testbed-pebble.crt"
        cat "$TB_CACHE/pebble/pebble.minica.pem" >>"$root/etc/ssl/certs/ca-certificates.crt"
    fi
    tb_start_sshd "$name"
    [ "$(tb_vm_field "$name" 4)" = yes ] && tb_start_engine "$name" "$n"
    return 0
}

# Kills every process of a VM: those in its network namespace, those chrooted into its root,
# and its containers (root under its podman storage). Bounded.
tb_vm_pids() {
    local name=$1 ns root lib p r
    ns=$(tb_netns "$name"); root=$(tb_vm_root "$name"); lib="$TB_LIB/vms/$name"
    {
        [ -e "/run/netns/$ns" ] && ip netns pids "$ns" 2>/dev/null
        for p in /proc/[0-9]*; do
            r=$(readlink "$p/root" 2>/dev/null) || continue
            case "$r" in "$root" | "$root"/* | "$lib"/*) echo "${p#/proc/}" ;; esac
        done
        [ -f "$TB_STATE/vms/$name/podman.pid" ] && cat "$TB_STATE/vms/$name/podman.pid"
    } | sort -un | while read -r p; do
        if [ -d "/proc/$p" ] && [ "$p" != $$ ] && [ "$p" != "$BASHPID" ]; then echo "$p"; fi
    done
    return 0
}

tb_kill_pids() {
    local pids i
    pids=$("$@" || true)
    [ -z "$pids" ] && return 0
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    for i in $(seq 1 25); do
        pids=$("$@" || true)
        [ -z "$pids" ] && return 0
        sleep 0.2
    done
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    for i in $(seq 1 25); do
        pids=$("$@" || true)
        [ -z "$pids" ] && return 0
        sleep 0.2
    done
    echo "[testbed] warning: processes left: $pids" >&2
}

tb_vm_destroy() {
    local name=$1 quiet=${2:-} n ns root lib
    n=$(tb_vm_field "$name" 1); ns=$(tb_netns "$name"); root=$(tb_vm_root "$name"); lib="$TB_LIB/vms/$name"
    # Containers first, through podman itself, so it releases its mounts and network namespaces.
    if [ -f "$TB_STATE/vms/$name/containers.conf" ] && [ -e "/run/netns/$ns" ]; then
        # shellcheck disable=SC2046
        timeout 60 nsenter --net="/run/netns/$ns" env $(tb_podman_env "$name") podman rm -a -f -t 0 \
            >/dev/null 2>&1 || true
    fi
    tb_kill_pids tb_vm_pids "$name"
    tb_umount_under "$root"
    tb_umount_under "$lib"
    tb_umount_under "$TB_STATE/vms/$name"
    ip link del "aio-h$n" 2>/dev/null || true
    [ -e "/run/netns/$ns" ] && ip netns del "$ns" 2>/dev/null
    rm -rf "$lib" "$TB_STATE/vms/$name"
    [ -n "$quiet" ] || tb_log "removed $name"
    return 0
}
