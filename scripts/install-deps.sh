#!/usr/bin/env bash
# Installs what gffbase needs to build and test, from Debian and PyPI only.
#   system: a C++20 compiler, CMake, pkg-config, zlib, libdeflate, GoogleTest,
#           bedtools (for the tests of gffbase.pybedtools_integration), gffread (the
#           peer the sequence and protein tests compare with)
#   python: nanobind + scikit-build-core (build), the package's test extras
# Idempotent: packages already present are not reinstalled.
set -euo pipefail

apt_packages=(g++ cmake ninja-build pkg-config zlib1g-dev libdeflate-dev libgtest-dev tabix clang-14 libclang-rt-14-dev bedtools gffread)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: apt-get install ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check "scikit-build-core>=0.10" "nanobind>=2.0" 2>&1 \
  | grep -v -E "WARNING: (Location|Running pip)" || true
