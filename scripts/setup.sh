#!/usr/bin/env bash
# Installs every build and test dependency of xpmip from Debian 12's archive.
# Idempotent: packages already present are skipped, so a second run is quick.
set -euo pipefail

if [[ $EUID -ne 0 ]]; then
  echo "setup.sh: must run as root (it installs packages with apt-get)" >&2
  exit 1
fi

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  clang llvm libclang-rt-14-dev clang-format
  # BPF
  libbpf-dev bpftool libelf-dev zlib1g-dev linux-libc-dev
  # daemon libraries
  libnl-3-dev libnl-route-3-dev libcli11-dev libspdlog-dev libfmt-dev
  libtomlplusplus-dev nlohmann-json3-dev libssl-dev libexpected-dev
  # tests
  libgtest-dev libgmock-dev tshark tcpdump iproute2 iputils-ping ethtool procps
  python3
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # wireshark-common asks whether non-root users may capture; answer "no" up front.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup.sh: all ${#packages[@]} packages present"
fi

# bpffs is where xpmip pins its maps and links; some machines boot without it.
if ! mountpoint -q /sys/fs/bpf; then
  mount -t bpf bpf /sys/fs/bpf
fi
