#!/usr/bin/env bash
# Installs the Debian packages chimera's tests and experiments use (see ../shared/NUMERICS.md): a C/C++
# toolchain for the native bridge (node-gyp),
# the real BLAS libraries the native bridge loads, Eigen's headers, Intel MKL from non-free, and the
# official Fashion-MNIST files, and libgomp1 (GNU OpenMP, preloaded for MKL's GNU threading layer).
# Idempotent: packages already present are skipped quickly.
# Run as root (or with sudo). Set CHIMERA_SKIP_MKL=1 to skip MKL (about 1.8 GB installed), and
# CHIMERA_SKIP_TORCH=1 to skip Debian's PyTorch 1.13 and torchvision 0.14 (python3-torch, python3-torchvision, about
# 200 MB with their dependencies; `chimera verify` and the PyTorch-oracle tests use them with Debian's /usr/bin/python3), and
# CHIMERA_SKIP_CHROMIUM=1 to skip Debian's chromium (about 300 MB; the dashboard test drives it headless).
set -euo pipefail

pkgs=(g++ make libopenblas0-pthread libopenblas0-openmp libopenblas0-serial libopenblas-dev
      libblis4-pthread libblis4-openmp libblis4-serial libblis-dev
      libatlas3-base libatlas-base-dev libblas3 libblas-dev libeigen3-dev libgomp1 dataset-fashion-mnist)
[ "${CHIMERA_SKIP_MKL:-0}" = 1 ] || pkgs+=(libmkl-rt)
[ "${CHIMERA_SKIP_TORCH:-0}" = 1 ] || pkgs+=(python3-torch python3-torchvision)
[ "${CHIMERA_SKIP_CHROMIUM:-0}" = 1 ] || pkgs+=(chromium)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-debian-deps: all ${#pkgs[@]} packages present"
  exit 0
fi
echo "install-debian-deps: installing ${missing[*]}"

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
# MKL lives in Debian's non-free component: enable it on the deb822 entries (bookworm's layout).
src=/etc/apt/sources.list.d/debian.sources
if [ -f "$src" ] && grep -q '^Components: main$' "$src"; then
  $SUDO sed -i 's/^Components: main$/Components: main non-free/' "$src"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-debian-deps: done"
