#!/usr/bin/env bash
# vm-fresh has sshd only; apt installs nginx, docker.io and certbot from the local mirror, the
# installed docker CLI talks to the VM's engine, nginx starts with service. Then vm-fresh is reset.
source "$(dirname "$0")/common.sh"
T="$AIO_TB_USER@$AIO_TB_VM_FRESH_IP"
trap '"$AIO_TB_DIR/reset" vm-fresh >"$WORK/reset.log" 2>&1 || { echo "FAIL: reset vm-fresh"; cat "$WORK/reset.log"; }; rm -rf "$WORK"' EXIT
expect "no docker CLI" ssh_key "$AIO_TB_KEY" "$T" '! command -v docker'
expect "no nginx" ssh_key "$AIO_TB_KEY" "$T" '! test -x /usr/sbin/nginx'
expect "apt points at the local mirror" ssh_key "$AIO_TB_KEY" "$T" "grep -q '$AIO_TB_APT_MIRROR' /etc/apt/sources.list"
expect "apt-get install nginx docker.io certbot" ssh_key "$AIO_TB_KEY" "$T" \
    'sudo DEBIAN_FRONTEND=noninteractive apt-get -q update >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get -y -q install nginx docker.io certbot >/dev/null'
expect "docker reaches the engine" ssh_key "$AIO_TB_KEY" "$T" "sudo docker image inspect $AIO_TB_SANDBOX_IMAGE >/dev/null"
expect "service nginx start" ssh_key "$AIO_TB_KEY" "$T" 'sudo service nginx start >/dev/null && sudo service nginx status'
expect "nginx answers on the VM" curl -sf --max-time 5 -o /dev/null "http://$AIO_TB_VM_FRESH_IP/"
finish
