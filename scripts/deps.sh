#!/usr/bin/env bash
# Installs the Debian packages liminal needs to build, test and benchmark.
# Skips apt entirely when every package is already installed, so a second
# `make run` / `make test` never touches the package manager.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config python3
  clang libclang-rt-14-dev lld ccache clang-format
  libboost-dev libboost-context-dev
  libabsl-dev
  libgtest-dev libgmock-dev librapidcheck-dev
  libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev
  nlohmann-json3-dev libvalijson-dev libssl-dev openssl
  libjemalloc-dev
  libnats-dev libhiredis-dev nats-server redis-server
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "liminal: installing missing packages: ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
