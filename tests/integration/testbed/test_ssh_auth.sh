#!/usr/bin/env bash
# Authentication as the app meets it on a cloud VM: every key type, password and
# keyboard-interactive login, sudo without and with a password, host keys matching testbed.env.
source "$(dirname "$0")/common.sh"
IP=$AIO_TB_VM_SCRATCH_IP
for k in "$AIO_TB_KEY" "$AIO_TB_KEY_RSA" "$AIO_TB_KEY_ECDSA"; do
    expect "key login $(basename "$k")" test "$(ssh_key "$k" "deploy@$IP" whoami)" = deploy
done
# The encrypted key: ssh-keygen proves the passphrase; ssh uses it through SSH_ASKPASS.
expect "encrypted key needs its passphrase" ssh-keygen -y -P "$AIO_TB_KEY_PASSPHRASE" -f "$AIO_TB_KEY_ENCRYPTED"
expect_not "encrypted key refuses a wrong passphrase" ssh-keygen -y -P wrong -f "$AIO_TB_KEY_ENCRYPTED"
printf '#!/bin/sh\necho "$AIO_ASKPASS_PW"\n' >"$WORK/kp"; chmod 700 "$WORK/kp"
out=$(AIO_ASKPASS_PW="$AIO_TB_KEY_PASSPHRASE" SSH_ASKPASS="$WORK/kp" SSH_ASKPASS_REQUIRE=force DISPLAY=:0 \
    timeout 60 setsid -w ssh -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$AIO_TB_KNOWN_HOSTS" \
    -o IdentitiesOnly=yes -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no -i "$AIO_TB_KEY_ENCRYPTED" \
    "deploy@$IP" whoami </dev/null || true)
expect "encrypted key login" test "$out" = deploy
expect "password login" test "$(ssh_pw "$AIO_TB_PASSWORD" "deploy@$IP" whoami)" = deploy
expect "keyboard-interactive login" test "$(AIO_PREFERRED_AUTH=keyboard-interactive ssh_pw "$AIO_TB_PASSWORD" "deploy@$IP" whoami)" = deploy
expect_not "wrong password refused" ssh_pw "not-the-password" "deploy@$IP" true
expect "deploy: sudo without a password" test "$(ssh_key "$AIO_TB_KEY" "deploy@$IP" sudo -n id -u)" = 0
expect_not "operator: sudo -n refused" ssh_key "$AIO_TB_KEY" "$AIO_TB_SUDOPW_USER@$IP" sudo -n true
out=$(printf '%s\n' "$AIO_TB_SUDOPW_PASSWORD" | ssh_key "$AIO_TB_KEY" "$AIO_TB_SUDOPW_USER@$IP" "sudo -S -p '' id -u" || true)
expect "operator: sudo with the password" test "$out" = 0
expect_not "operator: sudo with a wrong password" bash -c "printf 'wrong\n' | timeout 60 ssh ${SSH_OPTS[*]} -i $AIO_TB_KEY $AIO_TB_SUDOPW_USER@$IP \"sudo -S -p '' true\""
fp=$( (ssh-keyscan -t ed25519 -T 5 "$IP" 2>/dev/null | ssh-keygen -l -E sha256 -f - | awk '{ print $2 }') || true)
expect "served host key matches testbed.env ($fp)" test "$fp" = "$AIO_TB_VM_SCRATCH_HOSTKEY_SHA256"
other=$(ssh-keyscan -t ed25519 -T 5 "$AIO_TB_VM_READY_IP" 2>/dev/null | ssh-keygen -l -E sha256 -f - | awk '{ print $2 }')
expect "each VM has its own host key" test "$fp" != "$other"
# Host-key rotation: a changed key is refused by strict checking, then restored.
new=$("$AIO_TB_DIR/rotate-hostkey" vm-scratch || true)
expect "rotate-hostkey gives a new key" test -n "$new" -a "$new" != "$AIO_TB_VM_SCRATCH_HOSTKEY_SHA256"
expect_not "strict host key checking refuses the rotated key" ssh_key "$AIO_TB_KEY" "deploy@$IP" true
"$AIO_TB_DIR/rotate-hostkey" vm-scratch --restore >/dev/null
expect "restored key accepted again" ssh_key "$AIO_TB_KEY" "deploy@$IP" true
expect "bastion forwards to vm-ready (ProxyJump)" test "$(timeout 60 ssh "${SSH_OPTS[@]}" -i "$AIO_TB_KEY" \
    -o ProxyCommand="ssh ${SSH_OPTS[*]} -i $AIO_TB_KEY -W %h:%p deploy@$AIO_TB_BASTION_IP" "deploy@$AIO_TB_VM_READY_IP" hostname)" = vm-ready
finish
