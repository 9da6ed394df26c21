#!/usr/bin/env bash
# Installs the Debian packages nonlin's tests, benchmarks and examples need,
# if any is missing. Safe to re-run; does nothing when all are present.
# Needs root (or sudo) only when something has to be installed.
set -euo pipefail

packages=(cmake g++ clang clang-16 libclang-rt-14-dev valgrind make ninja-build libgtest-dev libgmock-dev libbenchmark-dev libxsimd-dev
          g++-aarch64-linux-gnu qemu-user python3-mpmath)
for arg in "$@"; do packages+=("$arg"); done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "nonlin setup: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
