# What makes each variant different once its sshd and engine answer. Sourced by up.
# shellcheck shell=bash

tb_variant_setup() {
    local name=$1
    case "$name" in
        vm-exposed)
            if [ -d "$(tb_image_store_dir)" ]; then tb_setup_exposed; else tb_log "warning: no sandbox image, vm-exposed has nothing deployed"; fi ;;
        vm-scratch) tb_setup_german_locale vm-scratch ;;
        *) return 0 ;;
    esac
}

# vm-exposed: a hand-made bad deployment. The sandbox on 0.0.0.0:8080 with :latest, no auth, no limits,
# and nginx as a plain-http proxy on port 80 in front of it.
tb_setup_exposed() {
    local root
    root=$(tb_vm_root vm-exposed)
    tb_vm_exec vm-exposed docker run -d --name sandbox --restart always -p 8080:8080 \
        "$TB_SANDBOX_REPO:latest" >>"$TB_STATE/logs/vm-exposed-setup.log" 2>&1 || return 1
    cat >"$root/etc/nginx/sites-available/sandbox" <<'NGINX'
server {
    listen 80 default_server;
    server_name _;
    location / {
        proxy_pass http://127.0.0.1:8080;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
    }
}
NGINX
    rm -f "$root/etc/nginx/sites-enabled/default"
    ln -sf ../sites-available/sandbox "$root/etc/nginx/sites-enabled/sandbox"
    tb_vm_exec vm-exposed service nginx start >>"$TB_STATE/logs/vm-exposed-setup.log" 2>&1 || return 1
    tb_wait 30 "the exposed sandbox" tb_http_answers "http://$(tb_vm_ip vm-exposed):8080/v1/ping"
}

# vm-scratch speaks German: a login (sshd's PAM reads /etc/default/locale) gets LANG=de_DE.UTF-8, so
# sudo, df and friends answer in German unless the app fixes the locale of what it runs.
tb_setup_german_locale() {
    local root
    root=$(tb_vm_root "$1")
    printf 'LANG=de_DE.UTF-8\nLANGUAGE=de_DE:de\n' >"$root/etc/default/locale"
}
