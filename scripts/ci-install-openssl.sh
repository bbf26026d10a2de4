#!/usr/bin/env bash
# Installs the openssl CLI (Debian package `openssl`) for test/cluster/, which makes a CA and
# certificates for its local fake apiserver at test time, unless `openssl` is already on PATH.
# Idempotent; needs root (or sudo) only when it has something to install.
set -euo pipefail
source "$(dirname "$0")/apt-install.sh"
if command -v openssl >/dev/null 2>&1; then
  openssl version
  exit 0
fi
apt_install openssl
openssl version
