#!/usr/bin/env bash
# Installs every Debian package that building, running and testing Kestrel needs.
# Idempotent: prints nothing and touches nothing when all packages are present.
# Usage: scripts/install-deps.sh [--gui]   (--gui adds what the screenshots need)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  libzstd-dev zlib1g-dev libcli11-dev
  libtraceevent-dev libtraceevent1-plugin
  # The tests' oracle: trace-cmd report, and libtracecmd loaded at run time.
  trace-cmd libtracecmd1
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libgl-dev libxkbcommon-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # The VM tests (tests/vm): qemu boots stock Debian kernels with an initramfs of
  # busybox-static, ktr and trace-cmd, packed with cpio.
  qemu-system-x86 busybox-static cpio
)
if [[ "${1:-}" == "--gui" ]]; then
  packages+=(xvfb xauth imagemagick kernelshark time xdotool)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}; run this script as root" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || true
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
