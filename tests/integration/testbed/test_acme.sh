#!/usr/bin/env bash
# certbot inside a VM gets a real certificate from pebble through HTTP-01 on port 80.
source "$(dirname "$0")/common.sh"
T="$AIO_TB_USER@$AIO_TB_VM_SCRATCH_IP"
N=$AIO_TB_VM_SCRATCH_NAME
trap '"$AIO_TB_DIR/reset" vm-scratch >"$WORK/reset.log" 2>&1 || { echo "FAIL: reset vm-scratch"; cat "$WORK/reset.log"; }; rm -rf "$WORK"' EXIT
expect "pebble directory (trusting AIO_TB_ACME_CA_BUNDLE)" curl -sf --max-time 5 --cacert "$AIO_TB_ACME_CA_BUNDLE" -o /dev/null "$AIO_TB_ACME_DIRECTORY"
expect "DNS maps $N to the VM" bash -c "python3 - <<'PY'
import socket, struct, os
host, port = os.environ['AIO_TB_DNS'].split(':')
q = struct.pack('!HHHHHH', 0x1234, 0x0100, 1, 0, 0, 0) + b''.join(bytes([len(p)]) + p.encode() for p in os.environ['AIO_TB_VM_SCRATCH_NAME'].split('.')) + b'\0' + struct.pack('!HH', 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5); s.sendto(q, (host, int(port)))
r = s.recv(512)
assert socket.inet_aton(os.environ['AIO_TB_VM_SCRATCH_IP']) in r[len(q):], r
PY"
expect "certbot certonly (HTTP-01, standalone)" ssh_key "$AIO_TB_KEY" "$T" \
    "sudo certbot certonly --standalone --server '$AIO_TB_ACME_DIRECTORY' -d '$N' --agree-tos \
     --register-unsafely-without-email --non-interactive >/dev/null 2>&1"
issuer=$(ssh_key "$AIO_TB_KEY" "$T" "sudo openssl x509 -in /etc/letsencrypt/live/$N/cert.pem -noout -issuer")
expect "issued by pebble ($issuer)" grep -q 'Pebble Intermediate CA' <<<"$issuer"
finish
