#!/usr/bin/env bash
# Installs Neovim (Debian package `neovim`) for test/editors/neovim.test.ts, unless `nvim` is
# already on PATH. Idempotent; needs root (or sudo) only when it has something to install.
set -euo pipefail
if command -v nvim >/dev/null 2>&1; then
  nvim --version | head -n 1
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends neovim
nvim --version | head -n 1
