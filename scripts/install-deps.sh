#!/usr/bin/env bash
# Installs the Debian packages Mercato builds, tests and benchmarks with; idempotent, and runs
# `apt-get update` only when something is missing.
set -euo pipefail

packages=(
  cmake ninja-build g++ make ccache lld pkg-config
  libboost1.81-dev libsoci-dev libsqlite3-dev libpq-dev
  nlohmann-json3-dev libfmt-dev libspdlog-dev libtomlplusplus-dev
  libssl-dev zlib1g-dev doctest-dev libsodium-dev libcurl4-openssl-dev libxapian-dev
  postgresql-15 wrk python3-aiosmtpd sqlmap
  clang libclang-rt-14-dev
)
# scripts/api-check.sh lints the OpenAPI document with npm tools. A NodeSource nodejs bundles npm and
# conflicts with Debian's npm package, so a node and npm already on the PATH are enough.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
