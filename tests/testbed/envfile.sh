# Writes /run/aio-testbed/testbed.env (KEY=value lines) and testbed.json, and known_hosts.
# shellcheck shell=bash

tb_write_env() {
    local env="$TB_STATE/testbed.env" tmp="$TB_STATE/testbed.env.tmp" kh="$TB_STATE/known_hosts" v e root
    : >"$kh.tmp"
    {
        echo "# Written by tests/testbed/up; test-only secrets. Shell KEY=value lines."
        echo "AIO_TB_WORKSTATION_IP=$TB_HOST_IP"
        for v in $TB_ALL_VMS; do
            e=$(tb_vm_envname "$v")
            echo "AIO_TB_${e}_IP=$(tb_vm_ip "$v")"
            echo "AIO_TB_${e}_NAME=$(tb_vm_field "$v" 2)"
            echo "AIO_TB_${e}_NETNS=$(tb_netns "$v")"
            root=$(tb_vm_root "$v")
            if [ -f "$root/etc/ssh/ssh_host_ed25519_key.pub" ] && tb_mounted "$root"; then
                echo "AIO_TB_${e}_UP=1"
                echo "AIO_TB_${e}_HOSTKEY_SHA256=$(tb_hostkey_fpr "$v")"
                local t
                for t in ed25519 ecdsa rsa; do
                    printf '%s %s\n' "$(tb_vm_ip "$v")" "$(cut -d' ' -f1,2 "$root/etc/ssh/ssh_host_${t}_key.pub")" >>"$kh.tmp"
                    printf '%s %s\n' "$(tb_vm_field "$v" 2)" "$(cut -d' ' -f1,2 "$root/etc/ssh/ssh_host_${t}_key.pub")" >>"$kh.tmp"
                done
            else
                echo "AIO_TB_${e}_UP=0"
            fi
        done
        echo "AIO_TB_SSH_PORT=22"
        echo "AIO_TB_USER=deploy"
        echo "AIO_TB_PASSWORD=$TB_PASSWORD"
        echo "AIO_TB_SUDOPW_USER=operator"
        echo "AIO_TB_SUDOPW_PASSWORD=$TB_SUDOPW_PASSWORD"
        echo "AIO_TB_KEY=$TB_STATE/keys/id_ed25519"
        echo "AIO_TB_KEY_RSA=$TB_STATE/keys/id_rsa"
        echo "AIO_TB_KEY_ECDSA=$TB_STATE/keys/id_ecdsa"
        echo "AIO_TB_KEY_ENCRYPTED=$TB_STATE/keys/id_ed25519_enc"
        echo "AIO_TB_KEY_PASSPHRASE=$TB_KEY_PASSPHRASE"
        echo "AIO_TB_KNOWN_HOSTS=$kh"
        echo "AIO_TB_SANDBOX_IMAGE=$TB_SANDBOX_REPO:${TB_SANDBOX_TAGS%% *}"
        echo "AIO_TB_SANDBOX_MIRROR_IMAGE=$TB_SANDBOX_MIRROR_REPO:${TB_SANDBOX_TAGS%% *}"
        echo "AIO_TB_SANDBOX_TAGS=\"$TB_SANDBOX_TAGS\""
        echo "AIO_TB_APT_MIRROR=http://$TB_HOST_IP:$TB_MIRROR_PORT/debian"
        echo "AIO_TB_ACME_DIRECTORY=https://$TB_HOST_IP:$TB_PEBBLE_PORT/dir"
        echo "AIO_TB_ACME_CA_BUNDLE=$TB_STATE/pebble/pebble.minica.pem"
        echo "AIO_TB_ACME_ROOTS_URL=https://$TB_HOST_IP:$TB_PEBBLE_MGMT_PORT/roots/0"
        echo "AIO_TB_DNS=$TB_HOST_IP:$TB_DNS_PORT"
        echo "AIO_TB_SSH_CONFIG=$TB_STATE/ssh_config"
        echo "AIO_TB_VM_EXEC=$TB_DIR/vm-exec"
        echo "AIO_TB_ROTATE_HOSTKEY=$TB_DIR/rotate-hostkey"
    } >"$tmp"
    mv "$kh.tmp" "$kh"
    # An OpenSSH client config for every VM (ssh -F …, or the app's "targets import ssh-config").
    {
        echo "# Written by tests/testbed/up: the testbed's VMs. Test-only keys."
        for v in $TB_ALL_VMS; do
            printf 'Host %s
    HostName %s
    User deploy
    IdentityFile %s
    IdentitiesOnly yes
' \
                "$v" "$(tb_vm_ip "$v")" "$TB_STATE/keys/id_ed25519"
            printf '    UserKnownHostsFile %s
    StrictHostKeyChecking yes
' "$kh"
        done
        printf 'Host vm-ready-via-bastion
    HostName %s
    User deploy
    IdentityFile %s
    IdentitiesOnly yes
' \
            "$(tb_vm_ip vm-ready)" "$TB_STATE/keys/id_ed25519"
        printf '    UserKnownHostsFile %s
    StrictHostKeyChecking yes
    ProxyJump bastion
' "$kh"
    } >"$TB_STATE/ssh_config"
    chmod 644 "$TB_STATE/ssh_config"
    mv "$tmp" "$env"
    chmod 644 "$env" "$kh"
    python3 - "$env" "$TB_STATE/testbed.json" "$TB_ALL_VMS" <<'PY'
import json, sys
env = {}
for line in open(sys.argv[1]):
    line = line.strip()
    if line and not line.startswith("#") and "=" in line:
        k, v = line.split("=", 1)
        env[k] = v.strip('"')
vms = {}
for name in sys.argv[3].split():
    e = "AIO_TB_" + name.upper().replace("-", "_")
    vms[name] = {"ip": env[e + "_IP"], "name": env[e + "_NAME"], "netns": env[e + "_NETNS"],
                 "up": env[e + "_UP"] == "1", "ssh_port": 22,
                 "hostkey_sha256": env.get(e + "_HOSTKEY_SHA256")}
doc = {"workstation_ip": env["AIO_TB_WORKSTATION_IP"], "vms": vms,
       "users": {"deploy": {"password": env["AIO_TB_PASSWORD"], "sudo": "nopasswd"},
                 "operator": {"password": env["AIO_TB_SUDOPW_PASSWORD"], "sudo": "password"}},
       "keys": {"ed25519": env["AIO_TB_KEY"], "rsa": env["AIO_TB_KEY_RSA"], "ecdsa": env["AIO_TB_KEY_ECDSA"],
                "ed25519_encrypted": env["AIO_TB_KEY_ENCRYPTED"], "passphrase": env["AIO_TB_KEY_PASSPHRASE"]},
       "env": env}
with open(sys.argv[2] + ".tmp", "w") as f:
    json.dump(doc, f, indent=2)
import os
os.replace(sys.argv[2] + ".tmp", sys.argv[2])
PY
}
