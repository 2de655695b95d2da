#!/bin/sh
# Run on a testbed VM (vm-scratch) by TestChecklistVm: deploys the sandbox by hand exactly as the
# deployment guide's own samples write it (V1's docker run, V3's nginx site), without this app.
# Only the certificate is the test's: a CA made here, its leaf placed at the Let's Encrypt paths
# that V3 names. Prints the CA certificate at the end, for the workstation to trust.
set -e
host=sandbox-scratch.test
mkdir -p /root/guide-ca "/etc/letsencrypt/live/$host"
cd /root/guide-ca
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 30 -subj "/CN=Guide Test CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj "/CN=$host" 2>/dev/null
printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n' "$host" >leaf.ext
openssl x509 -req -in leaf.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -out leaf.crt \
    -extfile leaf.ext 2>/dev/null
cp leaf.crt "/etc/letsencrypt/live/$host/fullchain.pem"
cp leaf.key "/etc/letsencrypt/live/$host/privkey.pem"

# V1, as the guide writes it.
docker run --security-opt seccomp=unconfined --restart unless-stopped --name aio-sandbox -d \
    -p 127.0.0.1:8080:8080 ghcr.io/agent-infra/sandbox:latest >/dev/null

# V3, as the guide writes it.
printf '%s\n' 'map $http_upgrade $connection_upgrade { default upgrade; '"''"' close; }' \
    >/etc/nginx/conf.d/guide-upgrade-map.conf
cat >/etc/nginx/sites-available/sandbox <<SITE
server {
    listen 80;
    server_name $host;
    return 301 https://\$host\$request_uri;
}
server {
    listen 443 ssl http2;
    server_name $host;
    ssl_certificate /etc/letsencrypt/live/$host/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/$host/privkey.pem;
    location / {
        proxy_pass http://127.0.0.1:8080;
        proxy_http_version 1.1;
        proxy_set_header Host \$host;
        proxy_set_header Upgrade \$http_upgrade;
        proxy_set_header Connection \$connection_upgrade;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto \$scheme;
    }
}
SITE
rm -f /etc/nginx/sites-enabled/default
ln -sf ../sites-available/sandbox /etc/nginx/sites-enabled/sandbox
nginx -t 2>/dev/null
if [ -s /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; then nginx -s reload; else nginx; fi

i=0
until [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/v1/ping)" = 200 ]; do
    i=$((i + 1))
    [ "$i" -lt 60 ] || { echo 'the sandbox did not answer on 127.0.0.1:8080'; exit 1; }
    sleep 0.5
done
cat /root/guide-ca/ca.crt
