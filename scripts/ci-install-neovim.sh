#!/usr/bin/env bash
# Installs Neovim (Debian package `neovim`) for test/editors/neovim.test.ts, unless `nvim` is
# already on PATH. Idempotent; needs root (or sudo) only when it has something to install.
set -euo pipefail
source "$(dirname "$0")/apt-install.sh"
if command -v nvim >/dev/null 2>&1; then
  nvim --version | head -n 1
  exit 0
fi
apt_install neovim
nvim --version | head -n 1
