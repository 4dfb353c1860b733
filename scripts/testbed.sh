#!/usr/bin/env bash
# xpmip namespace testbed: one LMA, two MAGs, a correspondent node and one mobile node, each in
# its own network namespace, with xpmipd running in the three router namespaces.
#
#   scripts/testbed.sh up [--no-daemons]       build the namespaces, start lma, mag1 and mag2
#   scripts/testbed.sh handover [mag1|mag2]    move the MN's radio link there (default: the other)
#   scripts/testbed.sh detach                  take the MN off the air (no MAG serves it)
#   scripts/testbed.sh status [--json]         addresses, attachment, daemons
#   scripts/testbed.sh restart lma|mag1|mag2   SIGTERM one daemon and start it again
#   scripts/testbed.sh down                    remove everything (idempotent, also after a crash)
#
#   [cn] eth0 -- ext0 [lma] core0 -- lma [net] br0 mag1 -- core0 [mag1] acc1 -- mag1 [air] br0
#                                                  mag2 -- core0 [mag2] acc1 -- mag2
#                                                                                 mn -- eth0 [mn]
#   CN 2001:db8:cafe::2, LMA ext0 2001:db8:cafe::1/64; transport 2001:db8:ffff::/48 (MTU 1540):
#   LMA 2001:db8:ffff::1, proxy-CoAs 2001:db8:ffff:1::1 (mag1) and 2001:db8:ffff:2::1 (mag2);
#   MN MAC 02:00:00:00:01:01, HNPs from 2001:db8:100::/48. Only one of air's mag1/mag2 is a port.
#
# "net" is the transport network (a bridge, so the LMA has one core interface for both MAGs as a
# real deployment would); "air" is the radio: its bridge has the MN's port and the port towards
# the MAG that currently serves the MN. A handover takes the old port down (the old MAG sees
# carrier loss, RFC 5213 §6.9.1.2 detach), enslaves the new one and bounces the MN's interface so
# it solicits a router at once; keep_addr_on_down=1 lets it keep its address across the bounce.
#
# Environment: XP_PREFIX (namespace prefix, default xp; instances are lma/mag1/mag2 for "xp",
# <prefix>-lma/... otherwise), XP_BIN_DIR (default <repo>/build/bin), XP_RUN_DIR (configs, logs,
# pid files; default /run/xpmip/testbed-<prefix>), XP_LOG_LEVEL (info), XP_LIFETIME_S (binding
# lifetime the MAGs request, 300), XP_MIN_DELAY_MS (LMA MinDelayBeforeBCEDelete, 10000),
# XP_XDP_MODE (native-or-generic), XP_CORE_MTU (1540).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix=${XP_PREFIX:-xp}
bin_dir=${XP_BIN_DIR:-$repo/build/bin}
run_dir=${XP_RUN_DIR:-/run/xpmip/testbed-$prefix}
log_level=${XP_LOG_LEVEL:-info}
lifetime_s=${XP_LIFETIME_S:-300}
min_delay_ms=${XP_MIN_DELAY_MS:-10000}
xdp_mode=${XP_XDP_MODE:-native-or-generic}
core_mtu=${XP_CORE_MTU:-1540}
pin_root=/sys/fs/bpf/xpmip
socket_dir=/run/xpmip

readonly lma_address=2001:db8:ffff::1
readonly transport_len=48
readonly cn_address=2001:db8:cafe::2
readonly lma_external_address=2001:db8:cafe::1
readonly mn_mac=02:00:00:00:01:01
readonly routers=(lma mag1 mag2)
readonly mags=(mag1 mag2)

# Node name -> namespace / instance name.
ns() { echo "$prefix-$1"; }
instance() { if [[ $prefix == xp ]]; then echo "$1"; else echo "$prefix-$1"; fi; }
proxy_coa() { case $1 in mag1) echo 2001:db8:ffff:1::1 ;; mag2) echo 2001:db8:ffff:2::1 ;; esac; }
socket_of() { echo "$socket_dir/$(instance "$1").sock"; }

# For commands that only need the namespace's network view (sysctl, ethtool, ping).
in_ns() {
  local node=$1
  shift
  nsenter --net="/run/netns/$(ns "$node")" -- "$@"
}
ipn() {
  local node=$1
  shift
  ip -n "$(ns "$node")" "$@"
}
# Runs a command as if on a host of its own: the node's network namespace, a sysfs showing that
# namespace's interfaces (xpmipd reads /sys/class/net/<if>/...) and the host's bpffs, so pins
# outlive the process and bpftool on the host sees them. Neither `ip netns exec` (its fresh /sys
# hides /sys/fs/bpf, dataplane-notes §11) nor plain nsenter (the host's /sys shows the host's
# interfaces) gives both. The mount namespace is private to the command and dies with it.
exec_in_node_view() {
  local node=$1
  shift
  mkdir -p "$run_dir/bpffs"
  # exec all the way down (nsenter, unshare and sh neither fork), so that a background
  # `exec_in_node_view … &` leaves $! = the command's own pid. Replaces the calling shell.
  exec nsenter --net="/run/netns/$(ns "$node")" -- unshare --mount --propagation slave sh -c '
    mount --bind /sys/fs/bpf "$0" && mount -t sysfs sysfs /sys && mount --bind "$0" /sys/fs/bpf &&
    umount "$0" && exec "$@"' "$run_dir/bpffs" "$@"
}
sysctl_in() {
  local node=$1
  shift
  local kv
  for kv in "$@"; do in_ns "$node" sysctl -qw "$kv" >/dev/null; done
}

say() { echo "testbed: $*"; }
die() {
  echo "testbed: error: $*" >&2
  exit 1
}

need_root() { [[ $EUID -eq 0 ]] || die "must run as root (network namespaces, BPF)"; }

# ---------------------------------------------------------------------------------------------
# Network

# A veth pair whose ends live in two namespaces from the start.
veth() {
  local node_a=$1 dev_a=$2 node_b=$3 dev_b=$4
  ip link add "$dev_a" netns "$(ns "$node_a")" type veth peer name "$dev_b" netns "$(ns "$node_b")"
}

# The bridges' namespaces are pure layer 2: no addresses, no RS/DAD/MLD of their own in captures.
layer2_only() {
  local node=$1
  sysctl_in "$node" net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# Redirect targets need NAPI on their peer (dataplane-notes §6 R1/R2): a veth only accepts
# XDP_REDIRECTed frames when the other end has an XDP program or GRO on; otherwise they vanish
# without a counter. Every interface our XDP programs redirect into (LMA ext0 and core0, MAG core0
# and acc1) has its peer here: the CN's eth0 and the bridge ports in "net" and "air".
# Found here (6.18): the kernel marks the redirect target as able to receive only when GRO is
# switched on while the peer is UP; switched on while down, GRO is on but redirected frames are
# still dropped. Hence up first, and off/on again whenever the device was down in between.
# XDP_TX would need an XDP program on the peer instead (R4): the LMA's MN-to-MN hairpin and a
# Packet Too Big back to an MN; with one MN and a 1540-byte transport MTU neither happens here.
napi_on_peer() {
  local node=$1 dev=$2
  ipn "$node" link set "$dev" up
  in_ns "$node" ethtool -K "$dev" gro off >/dev/null
  in_ns "$node" ethtool -K "$dev" gro on >/dev/null
}

bridge() {
  local node=$1
  # No STP, no forward delay, no multicast snooping: ports forward at once and RS/NS (multicast)
  # reach every port, as on a radio link.
  ipn "$node" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
  ipn "$node" link set br0 up
}

port() {
  local node=$1 dev=$2
  ipn "$node" link set "$dev" master br0
  ipn "$node" link set "$dev" up
}

addr() {
  local node=$1 dev=$2 address=$3
  # nodad: the daemons bind their sockets to these addresses right away (EADDRNOTAVAIL while
  # tentative), and every address here is unique by construction.
  ipn "$node" -6 addr add "$address" dev "$dev" nodad
}

build_network() {
  local node
  for node in cn lma mag1 mag2 mn net air; do
    ip netns add "$(ns "$node")"
    ipn "$node" link set lo up
  done
  layer2_only net
  layer2_only air

  # CN <-> LMA external link.
  veth cn eth0 lma ext0
  addr cn eth0 "$cn_address/64"
  addr lma ext0 "$lma_external_address/64"
  ipn lma link set ext0 up
  napi_on_peer cn eth0
  ipn cn -6 route add default via "$lma_external_address"

  # Transport: LMA and both MAGs on one bridge. MTU 1540 so a 1500-byte packet still fits after
  # the 40-byte outer header (veth drops longer XDP frames, §6 R6); MNs and the CN keep 1500.
  bridge net
  veth lma core0 net lma
  addr lma core0 "$lma_address/$transport_len"
  for node in "${mags[@]}"; do
    veth "$node" core0 net "$node"
    addr "$node" core0 "$(proxy_coa "$node")/$transport_len"
  done
  for node in lma "${mags[@]}"; do
    ipn net link set "$node" mtu "$core_mtu"
    ipn "$node" link set core0 mtu "$core_mtu" up
    port net "$node"
    napi_on_peer net "$node"
  done

  # Access: each MAG's acc1 ends in a port of the air bridge; the MN's single interface too.
  bridge air
  for node in "${mags[@]}"; do
    veth "$node" acc1 air "$node"
    ipn "$node" link set acc1 up
  done
  veth mn eth0 air mn
  port air mn

  # Routers forward (the XDP programs' FIB lookups return FWD_DISABLED otherwise).
  for node in "${routers[@]}"; do
    sysctl_in "$node" net.ipv6.conf.all.forwarding=1
  done

  # The MN is a stock host: SLAAC with EUI-64 (its address is predictable from its MAC), no
  # privacy addresses, addresses kept while the link is down during a handover, and an RS as soon
  # as its link comes up: no solicitation delay and no DAD, which would hold the RS back until
  # the link-local address is no longer tentative (1 s; optimistic DAD does not cover that case).
  local conf
  for conf in default eth0; do
    [[ $conf == eth0 ]] && ipn mn link set eth0 address "$mn_mac"
    sysctl_in mn "net.ipv6.conf.$conf.addr_gen_mode=0" "net.ipv6.conf.$conf.use_tempaddr=0" \
      "net.ipv6.conf.$conf.keep_addr_on_down=1" "net.ipv6.conf.$conf.router_solicitation_delay=0" \
      "net.ipv6.conf.$conf.dad_transmits=0" "net.ipv6.conf.$conf.accept_ra=1"
  done
}

# Which MAG's port is on the air bridge ("" when the MN is detached).
serving_mag() {
  local node
  for node in "${mags[@]}"; do
    if ipn air -o link show "$node" 2>/dev/null | grep -q "master br0"; then
      echo "$node"
      return
    fi
  done
}

radio_off() {
  local node
  for node in "${mags[@]}"; do
    ipn air link set "$node" nomaster
    ipn air link set "$node" down
  done
}

# Break before make: the old MAG loses carrier first, then the MN "re-associates" with the new
# one and bounces its interface, which sends an RS at once.
attach_to() {
  local target=$1
  radio_off
  ipn mn link set eth0 down
  port air "$target"
  napi_on_peer air "$target"
  ipn mn link set eth0 up
}

# ---------------------------------------------------------------------------------------------
# Daemon configuration and processes

# The daemons run the shipped examples (configs/*.toml, written for this addressing), copied to
# the run directory with the few keys a testbed must own replaced: instance names, sockets and
# the state file (so testbeds with other prefixes never collide), and the tunable timers.
set_key() {
  local file=$1 key=$2 value=$3
  sed -i "s|^$key = .*|$key = $value|" "$file"
  grep -qx "$key = $value" "$file" || die "cannot set $key in $file: configs/ changed layout?"
}

write_configs() {
  local node file
  cp "$repo/configs/policy.toml" "$run_dir/policy.toml"
  for node in "${routers[@]}"; do
    file=$run_dir/$node.toml
    cp "$repo/configs/$node.toml" "$file"
    set_key "$file" instance "\"$(instance "$node")\""
    set_key "$file" level "\"$log_level\""
    set_key "$file" xdp_mode "\"$xdp_mode\""
    set_key "$file" socket "\"$(socket_of "$node")\""
  done
  set_key "$run_dir/lma.toml" state_file "\"$run_dir/lma-bindings.json\""
  set_key "$run_dir/lma.toml" min_delay_before_bce_delete_ms "$min_delay_ms"
  set_key "$run_dir/mag1.toml" lifetime_s "$lifetime_s"
  set_key "$run_dir/mag2.toml" lifetime_s "$lifetime_s"
}

role_of() { [[ $1 == lma ]] && echo lma || echo mag; }
pid_file() { echo "$run_dir/$1.pid"; }
alive() {
  local pid
  pid=$(cat "$(pid_file "$1")" 2>/dev/null) || return 1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

need_binaries() {
  [[ -x $bin_dir/xpmipd && -x $bin_dir/xpmipctl ]] ||
    die "no $bin_dir/xpmipd or xpmipctl: build them (scripts/demo.sh does) or use 'up --no-daemons'"
}

start_daemon() {
  local node=$1
  need_binaries
  local log="$run_dir/$node.log"
  exec_in_node_view "$node" "$bin_dir/xpmipd" --role "$(role_of "$node")" \
    --config "$run_dir/$node.toml" --instance "$(instance "$node")" --log-level "$log_level" \
    </dev/null >>"$log" 2>&1 &
  echo $! >"$(pid_file "$node")"
  local _
  for _ in $(seq 100); do
    if ! alive "$node"; then
      tail -n 20 "$log" >&2
      die "xpmipd $node exited during start (log: $log)"
    fi
    if "$bin_dir/xpmipctl" --socket "$(socket_of "$node")" status >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  die "xpmipd $node did not answer on $(socket_of "$node") within 10 s (log: $log)"
}

stop_daemon() {
  local node=$1 pid _
  pid=$(cat "$(pid_file "$node")" 2>/dev/null) || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    # A MAG de-registers on SIGTERM and waits up to 1 s for the PBAs.
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$(pid_file "$node")"
}

# ---------------------------------------------------------------------------------------------
# Commands

cmd_up() {
  local daemons=1
  [[ ${1:-} == --no-daemons ]] && daemons=0
  need_root
  if ip netns list | grep -qw "$(ns lma)"; then
    die "testbed '$prefix' is already up (scripts/testbed.sh down first)"
  fi
  ((daemons)) && need_binaries
  mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
  mkdir -p "$run_dir" "$socket_dir"
  chmod 0755 "$socket_dir"
  trap 'echo "testbed: up failed, tearing down" >&2; cmd_down >/dev/null 2>&1 || true' ERR
  build_network
  write_configs
  if ((daemons)); then
    local node
    for node in "${routers[@]}"; do start_daemon "$node"; done
  fi
  trap - ERR
  say "up: namespaces $(ns cn) $(ns lma) $(ns mag1) $(ns mag2) $(ns mn) (+ $(ns net), $(ns air));" \
    "MN detached (scripts/testbed.sh handover mag1 attaches it); files in $run_dir"
}

cmd_down() {
  need_root
  local node pid
  for node in "${routers[@]}"; do stop_daemon "$node"; done
  # Anything else still running inside our namespaces (pings, captures, a daemon whose pid file
  # was lost in a crash) was started for this testbed.
  for node in cn lma mag1 mag2 mn net air; do
    if [[ -e /run/netns/$(ns "$node") ]]; then
      for pid in $(ip netns pids "$(ns "$node")" 2>/dev/null); do
        kill -KILL "$pid" 2>/dev/null || true
      done
    fi
  done
  for node in cn lma mag1 mag2 mn net air; do
    ip netns del "$(ns "$node")" 2>/dev/null || true
  done
  # Pinned maps and links outlive processes and namespaces; remove this testbed's instances only.
  for node in "${routers[@]}"; do
    rm -rf "${pin_root:?}/$(instance "$node")"
    rm -f "$(socket_of "$node")"
  done
  rm -rf "$run_dir"
  say "down: testbed '$prefix' removed"
}

cmd_handover() {
  need_root
  local target=${1:-}
  if [[ -z $target ]]; then
    case $(serving_mag) in mag1) target=mag2 ;; *) target=mag1 ;; esac
  fi
  [[ $target == mag1 || $target == mag2 ]] || die "handover: expected mag1 or mag2, got '$target'"
  attach_to "$target"
  say "MN ($mn_mac) now on the access link of $target"
}

cmd_detach() {
  need_root
  radio_off
  say "MN detached from every MAG"
}

cmd_restart() {
  need_root
  local node=${1:-}
  [[ $node == lma || $node == mag1 || $node == mag2 ]] || die "restart: expected lma, mag1 or mag2"
  stop_daemon "$node"
  start_daemon "$node"
  say "xpmipd $node restarted (pid $(cat "$(pid_file "$node")"))"
}

# `status`: the facts below go to a small Python formatter as one JSON document; it adds each
# namespace's addresses (`ip -j`) and the MN's address and prefix, then prints text or JSON.
status_facts() {
  local node sep=""
  printf '{"prefix":"%s","run_dir":"%s","lma_address":"%s","serving_mag":"%s","mn_mac":"%s",' \
    "$prefix" "$run_dir" "$lma_address" "$(serving_mag)" "$mn_mac"
  printf '"proxy_coas":{"mag1":"%s","mag2":"%s"},"namespaces":{' \
    "$(proxy_coa mag1)" "$(proxy_coa mag2)"
  for node in cn lma mag1 mag2 mn net air; do
    printf '%s"%s":"%s"' "$sep" "$node" "$(ns "$node")"
    sep=,
  done
  printf '},"daemons":{'
  sep=""
  for node in "${routers[@]}"; do
    local pid=null
    alive "$node" && pid=$(cat "$(pid_file "$node")")
    printf '%s"%s":{"instance":"%s","role":"%s","pid":%s,"socket":"%s","log":"%s","config":"%s"}' \
      "$sep" "$node" "$(instance "$node")" "$(role_of "$node")" "$pid" "$(socket_of "$node")" \
      "$run_dir/$node.log" "$run_dir/$node.toml"
    sep=,
  done
  printf '}}\n'
}

read -r -d '' status_formatter <<'PYTHON' || true
import ipaddress, json, subprocess, sys

facts = json.load(sys.stdin)

def addresses(namespace):
    out = subprocess.run(["ip", "-n", namespace, "-j", "addr", "show"], capture_output=True,
                         text=True, check=True).stdout
    return {link["ifname"]: [{"address": a["local"], "prefixlen": a["prefixlen"],
                              "scope": a.get("scope"), "tentative": bool(a.get("tentative"))}
                             for a in link.get("addr_info", [])
                             if a.get("family") in ("inet", "inet6")]
            for link in json.loads(out)}

facts["addresses"] = {node: addresses(name) for node, name in facts["namespaces"].items()
                      if node not in ("net", "air")}
# The MN's address is the global one SLAAC formed from a MAG's Router Advertisement.
mn_global = [a for a in facts["addresses"]["mn"].get("eth0", []) if a["scope"] == "global"]
first = mn_global[0] if mn_global else None
facts["mn"] = {
    "interface": "eth0", "mac": facts.pop("mn_mac"),
    "address": first["address"] if first else None,
    "prefix": str(ipaddress.ip_interface(f"{first['address']}/{first['prefixlen']}").network)
    if first else None,
    "tentative": first["tentative"] if first else None}
for daemon in facts["daemons"].values():
    daemon["running"] = daemon["pid"] is not None

if sys.argv[1] == "json":
    json.dump(facts, sys.stdout, indent=2)
    print()
    sys.exit(0)

print(f"testbed '{facts['prefix']}' (configs and logs in {facts['run_dir']})")
print(f"  LMA address      {facts['lma_address']}")
for mag, coa in facts["proxy_coas"].items():
    print(f"  {mag} proxy-CoA   {coa}")
mn = facts["mn"]
tentative = " (tentative)" if mn["tentative"] else ""
print(f"  MN {mn['mac']} at {facts['serving_mag'] or 'no MAG (detached)'}: address "
      f"{mn['address'] or '-'}{tentative}, prefix {mn['prefix'] or '-'}")
print("  daemons")
for node, d in facts["daemons"].items():
    state = f"pid {d['pid']}" if d["running"] else "not running"
    print(f"    {node:5} {state:12} {d['socket']}  log {d['log']}")
print("  addresses")
for node, links in facts["addresses"].items():
    shown = [f"{ifname} {a['address']}/{a['prefixlen']}" for ifname, addrs in links.items()
             for a in addrs if a["scope"] != "host"]
    print(f"    {facts['namespaces'][node]:9} " + ("; ".join(shown) or "-"))
PYTHON

cmd_status() {
  ip netns list | grep -qw "$(ns lma)" || die "testbed '$prefix' is not up"
  local format=text
  [[ ${1:-} == --json ]] && format=json
  status_facts | python3 -c "$status_formatter" "$format"
}

usage() {
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
}

case ${1:-} in
  up) cmd_up "${@:2}" ;;
  down) cmd_down ;;
  status) cmd_status "${@:2}" ;;
  handover | attach) cmd_handover "${@:2}" ;;
  detach) cmd_detach ;;
  restart) cmd_restart "${@:2}" ;;
  *) usage ;;
esac
