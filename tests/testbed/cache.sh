# Builds the cached trees under /var/cache/aio-testbed. Sourced by up (after lib.sh).
# Every cached thing lives in a directory named after the hash of its recipe (the text of the
# function that builds it plus its inputs), so changing a recipe rebuilds exactly what changed.
# shellcheck shell=bash disable=SC2086

tb_hash() { sha256sum | cut -c1-16; }

tb_base_key() {
    { declare -f tb_build_base; echo "$TB_SUITE $(tb_debian_mirror) $TB_BASE_PACKAGES"; } | tb_hash
}
tb_ready_key() {
    { tb_base_key; declare -f tb_build_ready; echo "$TB_READY_PACKAGES $TB_MIRROR_PACKAGES";
      sha256sum "$(tb_docker_cli)" 2>/dev/null; } | tb_hash
}
tb_image_rootfs_key() {
    { declare -f tb_build_image_rootfs; echo "$TB_SUITE $(tb_debian_mirror) $TB_IMAGE_PACKAGES"; } | tb_hash
}
tb_image_key() {
    { tb_image_rootfs_key; declare -f tb_build_image_store; echo "$TB_SANDBOX_TAGS";
      (cd "$TB_SRC/tests/fakes/sandbox" 2>/dev/null && find . -name '*.py' -not -path './tests/*' | sort | xargs sha256sum); } | tb_hash
}
tb_base_dir() { echo "$TB_CACHE/base-$(tb_base_key)"; }
tb_ready_dir() { echo "$TB_CACHE/ready-$(tb_ready_key)"; }
tb_mirror_dir() { echo "$TB_CACHE/mirror-$(tb_ready_key)"; }
tb_image_rootfs_dir() { echo "$TB_CACHE/imgroot-$(tb_image_rootfs_key)"; }
tb_image_store_dir() { echo "$TB_CACHE/images-$(tb_image_key)"; }

# The docker CLI the ready VMs get: the workstation's own client, else Debian's docker.io client.
tb_docker_cli() {
    if [ -x /usr/local/bin/docker ]; then echo /usr/local/bin/docker; else command -v docker || true; fi
}

# Mounts proc/dev into a build chroot; tb_umount_under cleans up.
tb_chroot_mounts() {
    local root=$1
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --make-rslave "$root/dev"
}
tb_chroot() {
    local root=$1
    shift
    chroot "$root" /usr/bin/env -i PATH="$TB_PATH" HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# Base tree: Debian minbase with sshd, sudo, the test users. Host keys are made per VM.
tb_build_base() {
    local dir=$1 log=$2
    mkdir -p "$TB_CACHE/debs"
    debootstrap --variant=minbase --include="$TB_BASE_PACKAGES" --cache-dir="$TB_CACHE/debs" \
        "$TB_SUITE" "$dir" "$(tb_debian_mirror)" >>"$log" 2>&1 || return 1
    rm -f "$dir"/etc/ssh/ssh_host_*
    rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/archives/*.deb
    rm -f "$dir"/etc/apt/sources.list.d/*
    echo "deb [trusted=yes] http://$TB_HOST_IP:$TB_MIRROR_PORT/debian $TB_SUITE main" >"$dir/etc/apt/sources.list"
    # Services must not start while packages are installed into a chroot; a real VM would start
    # nginx on install, so everything but the Docker daemon (podman already answers) may start.
    printf '#!/bin/sh\ncase "$1" in docker|containerd) exit 101 ;; esac\nexit 0\n' >"$dir/usr/sbin/policy-rc.d"
    chmod 755 "$dir/usr/sbin/policy-rc.d"
    tb_chroot "$dir" useradd -m -s /bin/bash deploy
    tb_chroot "$dir" useradd -m -s /bin/bash -g operator -G sudo operator
    printf 'deploy:%s\noperator:%s\n' "$TB_PASSWORD" "$TB_SUDOPW_PASSWORD" | tb_chroot "$dir" chpasswd
    echo 'deploy ALL=(ALL) NOPASSWD: ALL' >"$dir/etc/sudoers.d/90-deploy"
    chmod 440 "$dir/etc/sudoers.d/90-deploy"
    cat >"$dir/etc/ssh/sshd_config.d/10-aio-testbed.conf" <<EOF
PasswordAuthentication yes
KbdInteractiveAuthentication yes
PubkeyAuthentication yes
PermitRootLogin no
AllowTcpForwarding yes
UsePAM yes
EOF
    # No systemd here: the sshd and loginuid PAM steps that need it are optional.
    sed -i 's/^session\s\+required\s\+pam_loginuid.so/session optional pam_loginuid.so/' "$dir/etc/pam.d/sshd"
    : >"$dir/etc/machine-id"
}

# The "ready" layer (overlay upper on the base): nginx, certbot, the docker CLI. While it is built,
# the .debs of everything a deployment installs are collected into the local apt mirror.
tb_build_ready() {
    local base=$1 dir=$2 mirror=$3 log=$4
    local tmp="$dir.build"
    rm -rf "$tmp"
    mkdir -p "$tmp/upper" "$tmp/work" "$tmp/merged"
    mount -t overlay overlay -o "lowerdir=$base,upperdir=$tmp/upper,workdir=$tmp/work" "$tmp/merged" || return 1
    local m="$tmp/merged" rc=0
    tb_chroot_mounts "$m"
    cp /etc/resolv.conf "$m/etc/resolv.conf.aio-build"
    mount --bind "$m/etc/resolv.conf.aio-build" "$m/etc/resolv.conf" 2>/dev/null ||
        cp /etc/resolv.conf "$m/etc/resolv.conf"
    echo "deb $(tb_debian_mirror) $TB_SUITE main" >"$m/tmp/aio-build.list"
    # No service may start while the layer is built: it would run on this workstation (its network,
    # its PID namespace) and its pid file would be baked into every ready VM. The VMs get the
    # base's policy-rc.d back afterwards (nginx starts on install there, as on a real VM).
    cp -p "$m/usr/sbin/policy-rc.d" "$tmp/policy-rc.d.base"
    printf '#!/bin/sh\nexit 101\n' >"$m/usr/sbin/policy-rc.d"
    local aptopts=(-o Dir::Etc::SourceList=/tmp/aio-build.list -o Dir::Etc::SourceParts=/nonexistent -q -y)
    {
        tb_chroot "$m" apt-get "${aptopts[@]}" update &&
        tb_chroot "$m" apt-get "${aptopts[@]}" install --download-only $TB_MIRROR_PACKAGES &&
        mkdir -p "$mirror.build/debian/pool/main" &&
        cp "$m"/var/cache/apt/archives/*.deb "$mirror.build/debian/pool/main/" &&
        tb_chroot "$m" apt-get "${aptopts[@]}" install --no-install-recommends $TB_READY_PACKAGES &&
        tb_chroot "$m" localedef -i de_DE -c -f UTF-8 de_DE.UTF-8 &&
        tb_chroot "$m" apt-get clean
    } >>"$log" 2>&1 || rc=1
    cp -p "$tmp/policy-rc.d.base" "$m/usr/sbin/policy-rc.d"
    rm -f "$m/run/nginx.pid"
    if [ $rc -eq 0 ]; then
        install -m 755 "$(tb_docker_cli)" "$m/usr/bin/docker"
        tb_chroot "$m" groupadd -f docker
        tb_chroot "$m" usermod -aG docker deploy
        # nginx is started per VM by up (vm-exposed) or by the app; no default site on port 80 conflicts.
        rm -rf "$m"/var/lib/apt/lists/* "$m/tmp/aio-build.list" "$m"/var/log/apt/* "$m"/var/cache/debconf/*-old
    fi
    tb_umount_under "$m/etc/resolv.conf"
    rm -f "$m/etc/resolv.conf.aio-build"
    tb_umount_under "$m"
    [ $rc -eq 0 ] || return 1
    # The apt mirror: a normal dists/ layout, indexed with apt-ftparchive, unsigned ([trusted=yes]).
    (
        cd "$mirror.build/debian" &&
        mkdir -p "dists/$TB_SUITE/main/binary-amd64" &&
        apt-ftparchive packages pool >"dists/$TB_SUITE/main/binary-amd64/Packages" &&
        gzip -9kf "dists/$TB_SUITE/main/binary-amd64/Packages" &&
        apt-ftparchive -o "APT::FTPArchive::Release::Suite=$TB_SUITE" -o "APT::FTPArchive::Release::Codename=$TB_SUITE" \
            -o APT::FTPArchive::Release::Components=main -o APT::FTPArchive::Release::Architectures=amd64 \
            -o APT::FTPArchive::Release::Origin=aio-testbed release "dists/$TB_SUITE" >"$TB_CACHE/Release.tmp" &&
        mv "$TB_CACHE/Release.tmp" "dists/$TB_SUITE/Release"
    ) >>"$log" 2>&1 || return 1
    rm -rf "$mirror" && mv "$mirror.build" "$mirror"
    mv "$tmp/upper" "$dir.new" && rm -rf "$tmp" && mv "$dir.new" "$dir"
}

# Root file system of the sandbox stand-in image: minbase + python3 + python3-cryptography.
tb_build_image_rootfs() {
    local dir=$1 log=$2
    mkdir -p "$TB_CACHE/debs"
    debootstrap --variant=minbase --include="$TB_IMAGE_PACKAGES" --cache-dir="$TB_CACHE/debs" \
        "$TB_SUITE" "$dir" "$(tb_debian_mirror)" >>"$log" 2>&1 || return 1
    rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/archives/*.deb "$dir"/usr/share/doc/* "$dir"/usr/share/man/*
    : >"$dir/etc/machine-id"
}

# The shared read-only image store: the stand-in imported once under every real name.
tb_build_image_store() {
    local rootfs=$1 dir=$2 log=$3
    local tmp="$dir.build" run="$TB_STATE/imgbuild-run"
    rm -rf "$tmp" "$run"
    mkdir -p "$tmp" "$run" "$rootfs/opt/aio-sandbox" "$rootfs/home/gem" "$rootfs/var/log/gem"
    rm -rf "${rootfs:?}/opt/aio-sandbox/"*
    (cd "$TB_SRC/tests/fakes/sandbox" && find . -name '*.py' -not -path './tests/*' -exec cp --parents {} "$rootfs/opt/aio-sandbox/" \;)
    local first="$TB_SANDBOX_REPO:${TB_SANDBOX_TAGS%% *}" p=(podman --root "$tmp" --runroot "$run" --storage-driver overlay)
    local rc=0
    {
        tar -C "$rootfs" --numeric-owner -cf - . |
            "${p[@]}" import \
                --change 'CMD ["python3", "-u", "/opt/aio-sandbox/server.py"]' \
                --change 'EXPOSE 8080' --change 'WORKDIR /home/gem' --change 'ENV HOME=/home/gem' --change 'ENV AIO_FAKE_LOG_DIR=/var/log/gem' \
                --message 'AIO Sandbox stand-in (aio-testbed)' - "$first" &&
        for t in $TB_SANDBOX_TAGS; do
            "${p[@]}" tag "$first" "$TB_SANDBOX_REPO:$t" "$TB_SANDBOX_MIRROR_REPO:$t" || exit 1
        done
    } >>"$log" 2>&1 || rc=1
    tb_umount_under "$tmp"
    rm -rf "$run"
    [ $rc -eq 0 ] || return 1
    rm -rf "$tmp/libpod"  # libpod's database remembers the build path; only the image data is needed
    mv "$tmp" "$dir"
}

# Removes cached trees of older recipes; only when no VM is up (they may be overlay lower dirs).
tb_prune_cache() {
    local keep d
    case " $(ip netns list 2>/dev/null | awk '{ print $1 }' | tr '\n' ' ')" in *" aio-"*) return 0 ;; esac
    keep=" $(tb_base_dir) $(tb_ready_dir) $(tb_mirror_dir) $(tb_image_rootfs_dir) $(tb_image_store_dir) "
    keep="$keep$(tb_image_store_dir | sed 's|/images-|/registry-|') "
    for d in "$TB_CACHE"/base-* "$TB_CACHE"/ready-* "$TB_CACHE"/mirror-* "$TB_CACHE"/imgroot-* "$TB_CACHE"/images-* \
        "$TB_CACHE"/registry-*; do
        [ -d "$d" ] || continue
        case "$keep" in *" $d "*) ;; *) tb_umount_under "$d"; rm -rf "$d" ;; esac
    done
    return 0
}

# Makes sure every cached tree exists. Prints progress; logs to $TB_STATE/logs/cache.log.
tb_ensure_caches() {
    local log="$TB_STATE/logs/cache.log" base ready mirror imgroot store pid_img="" rc
    mkdir -p "$TB_CACHE" "$TB_STATE/logs"
    base=$(tb_base_dir); ready=$(tb_ready_dir); mirror=$(tb_mirror_dir)
    imgroot=$(tb_image_rootfs_dir); store=$(tb_image_store_dir)
    if [ ! -d "$base" ]; then
        tb_log "building the Debian base tree (debootstrap, cached once; log: $log)"
        rm -rf "$base.build"
        tb_build_base "$base.build" "$log" || tb_die "debootstrap of the base tree failed; see $log"
        mv "$base.build" "$base"
    fi
    # The image root shares debootstrap's package cache with the base, so it starts after the base.
    if [ ! -d "$imgroot" ]; then
        tb_log "building the sandbox image root (debootstrap, cached once) in the background"
        ( rm -rf "$imgroot.build" && tb_build_image_rootfs "$imgroot.build" "$log.img" && mv "$imgroot.build" "$imgroot" ) &
        pid_img=$!
    fi
    if [ ! -d "$ready" ] || [ ! -d "$mirror" ]; then
        tb_log "building the ready layer (nginx, certbot, docker CLI) and the local apt mirror"
        rm -rf "$ready" "$mirror.build"
        tb_build_ready "$base" "$ready" "$mirror" "$log" || tb_die "building the ready layer failed; see $log"
    fi
    if [ -n "$pid_img" ]; then
        rc=0; wait "$pid_img" || rc=$?
        cat "$log.img" >>"$log" 2>/dev/null; rm -f "$log.img"
        [ $rc -eq 0 ] || tb_die "debootstrap of the image root failed; see $log"
    fi
    if [ ! -f "$TB_SRC/tests/fakes/sandbox/server.py" ]; then
        tb_log "warning: tests/fakes/sandbox/server.py missing: no sandbox image"
    elif [ ! -d "$store" ]; then
        tb_log "importing the sandbox stand-in image"
        tb_build_image_store "$imgroot" "$store" "$log" || tb_die "image import failed; see $log"
    fi
}
