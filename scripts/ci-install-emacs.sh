#!/usr/bin/env bash
# Installs Emacs with eglot and yaml-mode (Debian packages emacs-nox, elpa-eglot, elpa-yaml-mode)
# for test/editors/emacs.test.ts, unless they are already there. Idempotent; needs root (or sudo)
# only when it has something to install.
set -euo pipefail
source "$(dirname "$0")/apt-install.sh"
have() {
  command -v emacs >/dev/null 2>&1 &&
    [ -n "$(ls -d /usr/share/emacs/site-lisp/elpa/eglot-* /usr/share/emacs/site-lisp/elpa/yaml-mode-* 2>/dev/null | wc -l | grep -x 2)" ]
}
if ! have; then apt_install emacs-nox elpa-eglot elpa-yaml-mode; fi
emacs --version | head -n 1
