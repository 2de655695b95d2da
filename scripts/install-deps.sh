#!/usr/bin/env bash
# Installs every Debian 12 package the app, its tests and its testbed need. Idempotent; quiet
# when everything is already there. Needs root (or sudo).
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config clang-format
  qt6-base-dev qt6-base-dev-tools qt6-websockets-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-svg-dev
  qtkeychain-qt6-dev libssh-dev libssl-dev libyaml-cpp-dev libpcre2-dev libgl-dev
  # fuzzing (scripts/fuzz.sh): clang with libFuzzer
  clang libclang-rt-dev
  # GUI tests, screenshots, a keychain for tests
  xvfb xauth x11-utils imagemagick dbus-x11 dbus-daemon dbus-bin gnome-keyring libsecret-tools
  # testbed: VM-like hosts with sshd, a Docker-compatible engine, nginx, ACME
  openssh-server openssh-client iproute2 nftables curl debootstrap podman runc uidmap
  nginx certbot pebble python3 python3-cryptography
  # the tunnels' browser test (headless Chromium through a one-time link)
  chromium
  apt-utils iptables netavark conmon openssl docker-registry
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# The docker CLI: Debian's docker.io package where the machine has no docker client already.
command -v docker >/dev/null 2>&1 || missing+=(docker.io)
command -v kubectl >/dev/null 2>&1 || echo "note: kubectl is not installed; Kubernetes tests that need it are skipped" >&2

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts nginx on install; the host's own nginx is not ours to run.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now nginx >/dev/null 2>&1 || true
  $SUDO systemctl disable --now docker-registry >/dev/null 2>&1 || true
else
  $SUDO pkill -x nginx 2>/dev/null || true
fi
