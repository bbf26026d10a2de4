#!/usr/bin/env bash
# Installs the openssl CLI (Debian package `openssl`) for test/cluster/, which makes a CA and
# certificates for its local fake apiserver at test time, unless `openssl` is already on PATH.
# Idempotent; needs root (or sudo) only when it has something to install.
set -euo pipefail
if command -v openssl >/dev/null 2>&1; then
  openssl version
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends openssl
openssl version
