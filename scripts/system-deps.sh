#!/usr/bin/env bash
# Debian packages Taizhang needs beside its Python wheels, installed when missing.
#   scripts/system-deps.sh          what the dashboard needs (make run)
#   scripts/system-deps.sh --test   and what the test suite needs (.ci/run)
# As root with apt-get it installs what is missing; otherwise it names the
# packages to install and goes on (the dashboard works, the exports say what is missing).
set -euo pipefail

need=()
command -v python3.11 >/dev/null || need+=(python3.11 python3.11-venv)
# Charts as PNG (kaleido drives this Chromium); the browser tests use it too.
[ -x /usr/bin/chromium ] || need+=(chromium)
# The 通报 PDF embeds Noto Serif and Sans CJK SC from these files (reports/fonts.py).
[ -f /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
if [ "${1:-}" = "--test" ]; then
  command -v pdftotext >/dev/null || need+=(poppler-utils)
  # A real PostgreSQL for the DuckLake catalog tests (started by the suite itself).
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
fi
((${#need[@]})) || exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
else
  echo "Taizhang: please install these Debian packages: ${need[*]}" >&2
  echo "          (sudo apt-get install ${need[*]})" >&2
  [ "${1:-}" = "--test" ] && exit 1
fi
