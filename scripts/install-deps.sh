#!/usr/bin/env bash
# Install every build, test and run dependency of tlsviz from Debian 12 packages.
# Idempotent and non-interactive; works as root or through sudo.
set -euo pipefail

PKGS=(
  # build
  build-essential cmake pkg-config
  libwolfssl-dev libpcap-dev libncurses-dev libjansson-dev
  libgcrypt20-dev   # record decryption with hardware AES (wolfCrypt is the fallback)
  zlib1g-dev libbrotli-dev libzstd-dev   # RFC 8879 certificate decompression
  # tests and oracles
  libcmocka-dev tshark tmux openssl curl iproute2 util-linux procps time jq xxd
  # synthetic ECH / compressed-certificate captures (scripts/gen-synthetic.py)
  python3 python3-cryptography brotli zstd
  # bench/aead_speed.c measures OpenSSL's AEAD speed too (the hardware limit)
  libssl-dev
  # the HTML report, rendered in a real browser and validated (tests/e2e/test_report.sh)
  chromium tidy python3-pil
  # hardening (fuzzers, sanitizer runtimes, leak checks)
  clang libclang-rt-14-dev valgrind
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-deps: must run as root or with sudo available" >&2; exit 1
  fi
fi

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages already installed"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# wireshark-common asks whether non-root users may capture; answer without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -q
${SUDO:+$SUDO -E} apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
