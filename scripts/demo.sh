#!/usr/bin/env bash
# xpmip in two minutes: builds the daemon, starts an LMA and two MAGs in network namespaces,
# attaches a stock Linux mobile node at MAG1, pings a correspondent node, hands the MN over to
# MAG2 and pings again with the same address. Leaves the testbed up for exploring.
# Usage: sudo scripts/demo.sh        (tear down with: sudo scripts/testbed.sh down)
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $EUID -ne 0 ]]; then
  echo "demo.sh: run as root (sudo scripts/demo.sh): it installs packages and builds namespaces" >&2
  exit 1
fi

build_dir=${XPMIP_BUILD_DIR:-build}
bin=$build_dir/bin
# XP_PREFIX lets the test suite run the demo beside a developer's own testbed.
prefix=${XP_PREFIX:-xp}
export XP_PREFIX=$prefix XP_BIN_DIR=$(realpath -m "$bin")
# testbed.sh names the daemons lma/mag1/mag2 for the default prefix, <prefix>-lma... otherwise.
instance() { if [[ $prefix == xp ]]; then echo "$1"; else echo "$prefix-$1"; fi; }
ctl() { "$bin/xpmipctl" "$@"; }
in_mn() { nsenter --net=/run/netns/$prefix-mn -- "$@"; }
in_cn() { nsenter --net=/run/netns/$prefix-cn -- "$@"; }

bold=$'\e[1m' plain=$'\e[0m'
[[ -t 1 ]] || bold="" plain=""
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }
show() {
  printf '$ %s\n' "$*"
  "$@"
}

# Polls until `$@` succeeds; fails with `what` after `seconds`.
wait_until() {
  local seconds=$1 what=$2 _
  shift 2
  for _ in $(seq $((seconds * 10))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "demo.sh: timed out waiting for $what; logs: /run/xpmip/testbed-$prefix/*.log" >&2
  exit 1
}

mn_address() {
  in_mn ip -6 -o addr show dev eth0 scope global -tentative | awk '{print $4}' | cut -d/ -f1 |
    head -n 1
}
has_address() { [[ -n $(mn_address) ]]; }
lma_binds_via() {
  ctl --instance "$(instance lma)" --json bindings | python3 -c '
import json, sys
bindings = json.load(sys.stdin)
sys.exit(0 if any(b["proxy_coa"] == sys.argv[1] and b["state"] == "bound" for b in bindings) else 1)
' "$1"
}

step "Installing missing packages (scripts/setup.sh)"
scripts/setup.sh

step "Building xpmipd and xpmipctl into $build_dir/ (same configuration as scripts/test.sh)"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target xpmipd xpmipctl

step "Starting the testbed: namespaces $prefix-*, xpmipd as lma, mag1 and mag2 (scripts/testbed.sh up)"
scripts/testbed.sh down >/dev/null
scripts/testbed.sh up
cat <<'EOF'
    CN                   LMA                     MAG1 2001:db8:ffff:1::1 \
    2001:db8:cafe::2 --- 2001:db8:ffff::1 --+--- (proxy-CoA)              ~~ radio ~~ MN
                                            +--- MAG2 2001:db8:ffff:2::1 /    02:00:00:00:01:01
EOF

step "Attaching the MN at MAG1: MAG1 sees it arrive and registers it with the LMA (PBU/PBA)"
scripts/testbed.sh handover mag1
wait_until 20 "the MN's address" has_address
address=$(mn_address)
echo "The MN formed $address by SLAAC from MAG1's Router Advertisement:"
echo "its home network prefix, assigned by the LMA from the pool 2001:db8:100::/48."
show in_mn ip -6 route show default

step "MN -> CN through the tunnel MAG1 <-> LMA"
show in_mn ping -6 -c 5 -i 0.2 2001:db8:cafe::2

step "Handover: the MN's radio link moves to MAG2"
scripts/testbed.sh handover mag2
wait_until 20 "the LMA binding via MAG2" lma_binds_via 2001:db8:ffff:2::1
wait_until 10 "the MN's address after the handover" has_address
echo "The MN still has $(mn_address) (before: $address)."

step "MN -> CN again, now through MAG2; and CN -> MN"
show in_mn ping -6 -c 5 -i 0.2 2001:db8:cafe::2
show in_cn ping -6 -c 3 -i 0.2 "$address"

step "Bindings"
show ctl --instance "$(instance lma)" bindings
show ctl --instance "$(instance mag2)" bindings
show ctl --instance "$(instance mag1)" bindings

step "XDP counters: every packet our programs saw, by decision (non-zero ones)"
for instance in lma mag1 mag2; do
  echo "$instance:"
  ctl --instance "$(instance "$instance")" --json stats | python3 -c '
import json, sys
for name, value in sorted(json.load(sys.stdin)["dataplane"].items()):
    packets, octets = value["packets"], value["bytes"]
    if packets:
        print(f"  {name:30} {packets:>6} packets {octets:>8} bytes")
'
done
echo "(all counters and the signalling ones: $bin/xpmipctl --instance lma stats)"

step "The testbed is still up. Explore it:"
cat <<'EOF'
  scripts/testbed.sh status                  addresses, attachment, daemons (--json for scripts)
  build/bin/xpmipctl --instance lma status   also: bindings, stats; instances lma, mag1, mag2
  scripts/testbed.sh handover                move the MN to the other MAG
  scripts/testbed.sh detach                  take the MN off the air (MAG de-registers it)
  nsenter --net=/run/netns/xp-mn ping 2001:db8:cafe::2
  nsenter --net=/run/netns/xp-net tcpdump -ni lma ip6     PBU/PBA and the IPv6-in-IPv6 tunnel
  nsenter --net=/run/netns/xp-lma bpftool net show     XDP links and TC filters of the LMA
  bpftool map dump pinned /sys/fs/bpf/xpmip/lma/lma_hnp64_v1   the LMA's HNP -> proxy-CoA map
  less /run/xpmip/testbed-xp/lma.log         daemon logs (also mag1.log, mag2.log)
  docs/quickstart.md explains what you just saw; docs/operation.md how to run xpmipd for real.
Tear it down with:  sudo scripts/testbed.sh down
EOF
