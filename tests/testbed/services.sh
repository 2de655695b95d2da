# Workstation-side services on 198.18.0.1 only: the local apt mirror, pebble and its DNS.
# shellcheck shell=bash

# Starts a daemon detached from our stdout (ctest waits for the pipe to close otherwise).
tb_daemon() {
    local id=$1
    shift
    mkdir -p "$TB_STATE/pids" "$TB_STATE/logs"
    setsid "$@" </dev/null >>"$TB_STATE/logs/$id.log" 2>&1 9>&- &
    echo $! >"$TB_STATE/pids/$id.pid"
}

tb_daemon_alive() {
    local f="$TB_STATE/pids/$1.pid"
    [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}

tb_http_answers() { curl -s -o /dev/null --max-time 2 "$@"; }

tb_ensure_mirror_server() {
    tb_daemon_alive mirror && return 0
    tb_daemon mirror /usr/bin/python3 -m http.server "$TB_MIRROR_PORT" --bind "$TB_HOST_IP" --directory "$(tb_mirror_dir)"
    tb_wait 20 "the apt mirror" tb_http_answers "http://$TB_HOST_IP:$TB_MIRROR_PORT/debian/dists/$TB_SUITE/Release"
}

# pebble's own TLS certificate, made once: a small CA ("minica") and a leaf for 198.18.0.1.
tb_ensure_pebble_certs() {
    local d="$TB_CACHE/pebble"
    [ -f "$d/cert.pem" ] && [ -f "$d/pebble.minica.pem" ] && return 0
    rm -rf "$d.build"
    mkdir -p "$d.build"
    (
        cd "$d.build" &&
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=aio-testbed pebble minica" \
            -keyout minica.key -out pebble.minica.pem &&
        openssl req -newkey rsa:2048 -nodes -subj "/CN=$TB_HOST_IP" -keyout key.pem -out leaf.csr &&
        printf 'subjectAltName=IP:%s,DNS:localhost,DNS:workstation.test\nextendedKeyUsage=serverAuth\n' \
            "$TB_HOST_IP" >leaf.ext &&
        openssl x509 -req -in leaf.csr -CA pebble.minica.pem -CAkey minica.key -CAcreateserial -days 3650 \
            -extfile leaf.ext -out cert.pem
    ) >>"$TB_STATE/logs/cache.log" 2>&1 || tb_die "making pebble's certificate failed"
    rm -rf "$d" && mv "$d.build" "$d"
}

tb_ensure_pebble() {
    local d="$TB_STATE/pebble" v
    tb_ensure_pebble_certs
    mkdir -p "$d"
    cp "$TB_CACHE/pebble/pebble.minica.pem" "$d/pebble.minica.pem"
    if ! tb_daemon_alive challtestsrv; then
        tb_daemon challtestsrv pebble-challtestsrv -management "$TB_HOST_IP:$TB_CHALL_MGMT_PORT" \
            -dns01 "$TB_HOST_IP:$TB_DNS_PORT" -http01 "" -https01 "" -tlsalpn01 "" -defaultIPv6 "" \
            -defaultIPv4 "$(tb_vm_ip vm-ready)"
        tb_wait 20 "pebble-challtestsrv" tb_http_answers -X POST -d '{"host":"probe.test.","addresses":["198.18.0.2"]}' \
            "http://$TB_HOST_IP:$TB_CHALL_MGMT_PORT/add-a"
        for v in $TB_ALL_VMS; do
            curl -s --max-time 5 -X POST -d "{\"host\":\"$(tb_vm_field "$v" 2).\",\"addresses\":[\"$(tb_vm_ip "$v")\"]}" \
                "http://$TB_HOST_IP:$TB_CHALL_MGMT_PORT/add-a" >/dev/null
        done
    fi
    if ! tb_daemon_alive pebble; then
        cat >"$d/pebble-config.json" <<EOF
{
  "pebble": {
    "listenAddress": "$TB_HOST_IP:$TB_PEBBLE_PORT",
    "managementListenAddress": "$TB_HOST_IP:$TB_PEBBLE_MGMT_PORT",
    "certificate": "$TB_CACHE/pebble/cert.pem",
    "privateKey": "$TB_CACHE/pebble/key.pem",
    "httpPort": 80,
    "tlsPort": 443,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false
  }
}
EOF
        PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 \
            tb_daemon pebble pebble -config "$d/pebble-config.json" -dnsserver "$TB_HOST_IP:$TB_DNS_PORT"
        tb_wait 20 "pebble" tb_http_answers --cacert "$d/pebble.minica.pem" "https://$TB_HOST_IP:$TB_PEBBLE_PORT/dir"
    fi
}

tb_stop_daemons() {
    local f pid
    for f in "$TB_STATE"/pids/*.pid; do
        [ -f "$f" ] || continue
        pid=$(cat "$f")
        kill -TERM "$pid" 2>/dev/null || true
    done
    for _ in $(seq 1 25); do
        local alive=0
        for f in "$TB_STATE"/pids/*.pid; do
            [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && alive=1
        done
        [ $alive -eq 0 ] && break
        sleep 0.2
    done
    for f in "$TB_STATE"/pids/*.pid; do
        [ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null
        rm -f "$f"
    done
    return 0
}

# A local registry on 198.18.0.1:5000 holding the stand-in image, so `docker pull` of the real names
# works in the VMs (their registries.conf maps ghcr.io/… and the cn mirror to it). Data cached per image.
tb_registry_dir() { echo "$TB_CACHE/registry-$(tb_image_key)"; }

tb_start_registry() {
    local root=$1 d="$TB_STATE/registry"
    if tb_daemon_alive registry; then
        grep -qx "    rootdirectory: $root" "$d/config.yml" 2>/dev/null && return 0
        kill "$(cat "$TB_STATE/pids/registry.pid")" 2>/dev/null
        for _ in $(seq 1 25); do tb_daemon_alive registry || break; sleep 0.2; done
    fi
    mkdir -p "$d"
    cat >"$d/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $root
  delete:
    enabled: false
http:
  addr: $TB_HOST_IP:$TB_REGISTRY_PORT
EOF
    tb_daemon registry docker-registry serve "$d/config.yml"
    tb_wait 20 "the registry" tb_http_answers "http://$TB_HOST_IP:$TB_REGISTRY_PORT/v2/"
}

tb_ensure_registry() {
    local data store t p
    data=$(tb_registry_dir); store=$(tb_image_store_dir)
    [ -d "$store" ] || return 0
    command -v docker-registry >/dev/null || { tb_log "warning: docker-registry missing: docker pull will fail"; return 0; }
    if [ -f "$data/.complete" ]; then
        tb_start_registry "$data"
        return
    fi
    tb_log "pushing the stand-in image into the local registry (once)"
    rm -rf "$data.build"
    mkdir -p "$data.build"
    tb_start_registry "$data.build"
    # libpod's database of a store built elsewhere names the old path; only the image data matters.
    rm -rf "$store/libpod"
    p=(podman --root "$store" --runroot "$TB_STATE/imgpush-run" --storage-driver overlay)
    for t in $TB_SANDBOX_TAGS; do
        "${p[@]}" push --tls-verify=false "$TB_SANDBOX_REPO:$t" \
            "docker://$TB_HOST_IP:$TB_REGISTRY_PORT/${TB_SANDBOX_REPO#*/}:$t" >>"$TB_STATE/logs/cache.log" 2>&1 &&
        "${p[@]}" push --tls-verify=false "$TB_SANDBOX_MIRROR_REPO:$t" \
            "docker://$TB_HOST_IP:$TB_REGISTRY_PORT/${TB_SANDBOX_MIRROR_REPO#*/}:$t" >>"$TB_STATE/logs/cache.log" 2>&1 ||
            { tb_umount_under "$store"; tb_log "warning: pushing to the local registry failed; see logs/cache.log"; return 0; }
    done
    tb_umount_under "$store"
    rm -rf "$TB_STATE/imgpush-run" "$store/libpod"
    touch "$data.build/.complete"
    rm -rf "$data" && mv "$data.build" "$data"
    tb_start_registry "$data"
}
