/* The one definition of every BPF map layout and counter, shared by the BPF programs (bpf/) and
 * the C++ loader (userspace/dataplane/). A layout change here is a compile error on both sides;
 * a layout change that reaches a pinned map also needs a new map name (the _v1 suffix), because
 * libbpf refuses to reuse a pinned map whose key or value size differs.
 *
 * Plain C on purpose: clang -target bpf and clang++ both include it. Addresses and prefixes are
 * byte arrays in network order so that neither side depends on its own in6_addr definition and
 * `bpftool map dump` prints them byte by byte. */
#ifndef XPMIP_MAPS_H
#define XPMIP_MAPS_H

#ifndef __VMLINUX_H__ /* the BPF side gets these types from vmlinux.h */
#include <linux/types.h>
#endif

/* Pinned map names (also the BTF map names in bpf/xpmip_maps.bpf.h). */
#define XPMIP_MAP_CONFIG "xpmip_cfg_v1"
#define XPMIP_MAP_STATS "xpmip_stats_v1"
#define XPMIP_MAP_MAG_HNP64 "mag_hnp64_v1"
#define XPMIP_MAP_MAG_HNP_LPM "mag_hnp_lpm_v1"
#define XPMIP_MAP_LMA_HNP64 "lma_hnp64_v1"
#define XPMIP_MAP_LMA_HNP_LPM "lma_hnp_lpm_v1"

#define XPMIP_DEFAULT_MAX_BINDINGS (1u << 20)
/* The LPM tries hold only prefixes that are not /64, which are rare; they get a smaller default. */
#define XPMIP_DEFAULT_MAX_LPM_BINDINGS (1u << 16)

/* Fast-path key: the upper 64 bits of an address, i.e. a /64 HNP (the usual RFC 5213 case). */
struct xpmip_hnp64_key {
  __u8 prefix[8];
};

/* LPM trie key for HNPs of any other length (layout required by BPF_MAP_TYPE_LPM_TRIE). */
struct xpmip_hnp_lpm_key {
  __u32 prefixlen;
  __u8 addr[16];
};

/* LMA: HNP -> the proxy-CoA of the MAG that registered it (RFC 5213 §5.1 BCE). A handoff is one
 * update of this value. */
struct xpmip_lma_binding {
  __u8 proxy_coa[16];
};

/* MAG: HNP -> where the mobile node is attached (RFC 5213 §6.1 BUL access-link fields). */
struct xpmip_mag_binding {
  __u32 ifindex;  /* access interface */
  __u8 mn_mac[6]; /* the MN's link-layer address, destination of decapsulated packets */
  __u8 pad[2];
};

/* Runtime configuration: one element of a pinned ARRAY map, so a daemon restart keeps it. */
struct xpmip_config {
  /* MAG: its proxy-CoA. LMA: the LMA address (LMAA). Outer source of encapsulated packets and
   * source of generated Packet Too Big messages. */
  __u8 self_addr[16];
  /* MAG: the LMA address (outer destination; the only accepted tunnel source). LMA: unused. */
  __u8 peer_addr[16];
  /* MAG: source MAC of packets delivered to MNs (RFC 6543 00:00:5e:00:52:13 by default). */
  __u8 access_mac[6];
  __u8 outer_hop_limit; /* RFC 2473 §6.3: tunnel hop limit, 64 for routers */
  __u8 enabled;         /* 0 until the daemon has written a configuration: everything passes */
  /* RFC 4443 §2.4(f) rate limit for generated Packet Too Big messages, per CPU. */
  __u32 ptb_per_second;
  __u32 ptb_burst;
};

struct xpmip_counter_value {
  __u64 packets;
  __u64 bytes;
};

/* Every outcome of every program; each packet is counted exactly once, under the reason for its
 * verdict, with its length as received. X(enum suffix, name shown by tools). */
#define XPMIP_COUNTERS(X)                                           \
  /* MAG access side (XDP on the MN-facing interface) */            \
  X(MAG_ACCESS_TX_ENCAP, "mag_access_tx_encap")                     \
  X(MAG_ACCESS_PASS_LINK_LOCAL, "mag_access_pass_link_local")       \
  X(MAG_ACCESS_PASS_HOP_LIMIT, "mag_access_pass_hop_limit")         \
  X(MAG_ACCESS_DROP_SRC_NOT_BOUND, "mag_access_drop_src_not_bound") \
  /* MAG core side (XDP on the LMA-facing interface) */             \
  X(MAG_CORE_TX_DECAP, "mag_core_tx_decap")                         \
  X(MAG_CORE_PASS_HOP_LIMIT, "mag_core_pass_hop_limit")             \
  X(MAG_CORE_DROP_DST_NOT_BOUND, "mag_core_drop_dst_not_bound")     \
  /* LMA core side (XDP on the MAG-facing interface) */             \
  X(LMA_CORE_TX_DECAP, "lma_core_tx_decap")                         \
  X(LMA_CORE_PASS_HOP_LIMIT, "lma_core_pass_hop_limit")             \
  X(LMA_CORE_PASS_NO_NEIGH, "lma_core_pass_no_neigh")               \
  X(LMA_CORE_PASS_FIB_ERROR, "lma_core_pass_fib_error")             \
  X(LMA_CORE_DROP_SPOOFED_SRC, "lma_core_drop_spoofed_src")         \
  X(LMA_CORE_TX_HAIRPIN, "lma_core_tx_hairpin")                     \
  /* LMA external side (XDP on the Internet-facing interface) */    \
  X(LMA_EXT_TX_ENCAP, "lma_ext_tx_encap")                           \
  X(LMA_EXT_PASS_HOP_LIMIT, "lma_ext_pass_hop_limit")               \
  X(LMA_EXT_PASS_NOT_BOUND, "lma_ext_pass_not_bound")               \
  /* LMA, traffic the host itself sends (TC egress) */              \
  X(LMA_LOCAL_TX_ENCAP, "lma_local_tx_encap")                       \
  X(LMA_LOCAL_PASS_NOT_BOUND, "lma_local_pass_not_bound")           \
  /* shared by the programs */                                      \
  X(PASS_NOT_CONFIGURED, "pass_not_configured")                     \
  X(PASS_NOT_IPV6, "pass_not_ipv6")                                 \
  X(PASS_NOT_OUR_TUNNEL, "pass_not_our_tunnel")                     \
  X(PASS_TUNNEL_EXT_HEADER, "pass_tunnel_ext_header")               \
  X(PASS_ENCAP_NO_NEIGH, "pass_encap_no_neigh")                     \
  X(TX_PACKET_TOO_BIG, "tx_packet_too_big")                         \
  X(DROP_MALFORMED, "drop_malformed")                               \
  X(DROP_TUNNEL_LOOP, "drop_tunnel_loop")                           \
  X(DROP_ECN_CE_NOT_ECT, "drop_ecn_ce_not_ect")                     \
  X(DROP_PTB_RATE_LIMITED, "drop_ptb_rate_limited")                 \
  X(DROP_TUNNEL_MTU, "drop_tunnel_mtu")                             \
  X(DROP_NO_ROUTE, "drop_no_route")                                 \
  X(DROP_FIB_NOT_FORWARDED, "drop_fib_not_forwarded")               \
  X(DROP_HEADROOM, "drop_headroom")

#define XPMIP_COUNTER_ENUM_ENTRY(id, name) XPMIP_CTR_##id,
enum xpmip_counter { XPMIP_COUNTERS(XPMIP_COUNTER_ENUM_ENTRY) XPMIP_CTR_COUNT };
#undef XPMIP_COUNTER_ENUM_ENTRY

#ifndef __bpf__
/* Names indexed by enum xpmip_counter, for `xpmipctl stats` and metrics. */
#define XPMIP_COUNTER_NAME_ENTRY(id, name) name,
static const char* const xpmip_counter_names[XPMIP_CTR_COUNT] = {
    XPMIP_COUNTERS(XPMIP_COUNTER_NAME_ENTRY)};
#undef XPMIP_COUNTER_NAME_ENTRY
#endif

#endif /* XPMIP_MAPS_H */
