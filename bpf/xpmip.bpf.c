/* The xpmip XDP programs: IPv6-in-IPv6 tunnelling between MAG and LMA keyed by HNP (RFC 5213
 * §5.6, §6.10.5). Every program returns through verdict(), so every packet is counted exactly once
 * under the reason for what happened to it (counters in include/xpmip/maps.h). */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "fib.bpf.h"
#include "parse.bpf.h"
#include "ptb.bpf.h"
#include "tunnel.bpf.h"
#include "xpmip_maps.bpf.h"

char LICENSE[] SEC("license") = "GPL";

static __always_inline __u64 frame_len(const struct xdp_md* ctx) {
  return (__u64)(ctx->data_end - ctx->data);
}

/* The start every XDP program shares: nothing happens before the daemon wrote a configuration,
 * and only a complete IPv6 packet goes on. Returns the configuration with the packet's headers in
 * *f, or NULL with the verdict, already counted, in *action. */
static __always_inline const struct xpmip_config* enter_program(struct xdp_md* ctx, __u64 rx_bytes,
                                                                struct frame* f, int* action) {
  const struct xpmip_config* cfg = config_get();
  if (!cfg) {
    *action = verdict(XPMIP_CTR_PASS_NOT_CONFIGURED, rx_bytes, XDP_PASS);
    return 0;
  }
  enum parse_result parsed = parse_frame(ctx, f);
  if (parsed == PARSE_OK) return cfg;
  *action = parsed == PARSE_NOT_IPV6 ? verdict(XPMIP_CTR_PASS_NOT_IPV6, rx_bytes, XDP_PASS)
                                     : verdict(XPMIP_CTR_DROP_MALFORMED, rx_bytes, XDP_DROP);
  return 0;
}

/* The packet at the front of the frame did not fit into the tunnel (RFC 2473 §7.1, RFC 5213
 * §6.9.5). XDP cannot fragment, so a packet of at most 1280 bytes is dropped (counted); a larger
 * one is answered with Packet Too Big carrying the tunnel MTU, but never less than 1280. */
static __always_inline int tunnel_too_big(struct xdp_md* ctx, const struct xpmip_config* cfg,
                                          __u32 inner_len, __u32 route_mtu, __u64 rx_bytes) {
  if (inner_len <= IPV6_MIN_MTU) return verdict(XPMIP_CTR_DROP_TUNNEL_MTU, rx_bytes, XDP_DROP);
  if (!ptb_allowed(cfg)) return verdict(XPMIP_CTR_DROP_PTB_RATE_LIMITED, rx_bytes, XDP_DROP);
  __u32 tunnel_mtu = route_mtu > XPMIP_IPV6_HLEN ? route_mtu - XPMIP_IPV6_HLEN : 0;
  if (tunnel_mtu < IPV6_MIN_MTU) tunnel_mtu = IPV6_MIN_MTU;
  if (make_packet_too_big(ctx, cfg->self_addr, tunnel_mtu))
    return verdict(XPMIP_CTR_DROP_HEADROOM, rx_bytes, XDP_DROP);
  return verdict(XPMIP_CTR_TX_PACKET_TOO_BIG, rx_bytes, XDP_TX);
}

/* Tunnel entry (MAG towards the LMA, LMA towards a MAG). The caller has checked the binding and
 * that the inner hop limit allows forwarding. The route to the tunnel peer decides:
 *  - SUCCESS: encapsulate, rewrite MACs, redirect;
 *  - NO_NEIGH: XDP cannot resolve a neighbour, so the encapsulated packet goes to the kernel,
 *    whose forwarding path resolves it (queueing the packet meanwhile) and sends it; the outer hop
 *    limit is one higher because that forwarding step decrements it;
 *  - FRAG_NEEDED: Packet Too Big (tunnel_too_big);
 *  - no route / not forwardable: drop, counted. Passing it to the kernel would send the inner
 *    packet out untunnelled. */
static __always_inline int tunnel_out(struct xdp_md* ctx, struct frame* f,
                                      const struct xpmip_config* cfg, const __u8 peer[16],
                                      enum xpmip_counter tx_counter, __u64 rx_bytes) {
  struct outer_header outer;
  outer_header_for(f, cfg->self_addr, peer, cfg->outer_hop_limit, &outer);
  __u32 inner_len = ipv6_l3_len(f->ip6);
  struct bpf_fib_lookup fib;
  long rc = fib_lookup_v6(ctx, ctx->ingress_ifindex, &fib, outer.src, outer.dst,
                          XPMIP_IPV6_HLEN + inner_len, XPMIP_IPPROTO_IPV6, outer.first_word);
  switch (rc) {
    case BPF_FIB_LKUP_RET_SUCCESS:
    case BPF_FIB_LKUP_RET_NO_NEIGH:
      break;
    case BPF_FIB_LKUP_RET_FRAG_NEEDED:
      return tunnel_too_big(ctx, cfg, inner_len, fib.mtu_result, rx_bytes);
    case BPF_FIB_LKUP_RET_BLACKHOLE:
    case BPF_FIB_LKUP_RET_UNREACHABLE:
    case BPF_FIB_LKUP_RET_PROHIBIT:
      return verdict(XPMIP_CTR_DROP_NO_ROUTE, rx_bytes, XDP_DROP);
    case BPF_FIB_LKUP_RET_NOT_FWDED:
    case BPF_FIB_LKUP_RET_FWD_DISABLED:
    case BPF_FIB_LKUP_RET_UNSUPP_LWT:
    default: /* negative: bad arguments to the helper */
      return verdict(XPMIP_CTR_DROP_FIB_NOT_FORWARDED, rx_bytes, XDP_DROP);
  }
  /* RFC 2473 §3.1 / RFC 5213 §6.10.5: the entry point forwards the inner packet one hop. */
  f->ip6->hop_limit -= 1;
  if (rc == BPF_FIB_LKUP_RET_NO_NEIGH) {
    if (outer.hop_limit < 255) outer.hop_limit += 1;
    if (push_outer_header(ctx, &outer)) return verdict(XPMIP_CTR_DROP_HEADROOM, rx_bytes, XDP_DROP);
    return verdict(XPMIP_CTR_PASS_ENCAP_NO_NEIGH, rx_bytes, XDP_PASS);
  }
  if (push_outer_header(ctx, &outer)) return verdict(XPMIP_CTR_DROP_HEADROOM, rx_bytes, XDP_DROP);
  return verdict(tx_counter, rx_bytes, forward_to_next_hop(ctx, &fib));
}

/* Addresses that only make sense on the access link: RS/RA, ND, MLD, DAD. The kernel (and the
 * daemon's RS listener) must see them; RFC 5213 §6.10.5 forbids forwarding link-local sources. */
static __always_inline bool is_link_scoped(const struct ipv6hdr* ip6) {
  return addr_is_unspecified(&ip6->saddr) || addr_is_link_local(&ip6->saddr) ||
         addr_is_link_local(&ip6->daddr) || addr_is_multicast(&ip6->daddr);
}

static __always_inline bool mac_eq(const unsigned char* a, const __u8* b) {
  return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3] && a[4] == b[4] &&
         a[5] == b[5];
}

/* MAG, access side: reverse-tunnel what attached mobile nodes send (RFC 5213 §6.10.5). */
SEC("xdp")
int xpmip_mag_access(struct xdp_md* ctx) {
  __u64 rx_bytes = frame_len(ctx);
  struct frame f;
  int action;
  const struct xpmip_config* cfg = enter_program(ctx, rx_bytes, &f, &action);
  if (!cfg) return action;
  if (is_link_scoped(f.ip6))
    return verdict(XPMIP_CTR_MAG_ACCESS_PASS_LINK_LOCAL, rx_bytes, XDP_PASS);

  /* Source validation (an implementation choice, not RFC text): only an attached MN may use its
   * HNP, from its own access link and its own MAC. */
  const struct xpmip_mag_binding* b = hnp_lookup(&mag_hnp64_v1, &mag_hnp_lpm_v1, &f.ip6->saddr);
  if (!b || b->ifindex != ctx->ingress_ifindex || !mac_eq(f.eth->h_source, b->mn_mac))
    return verdict(XPMIP_CTR_MAG_ACCESS_DROP_SRC_NOT_BOUND, rx_bytes, XDP_DROP);
  if (is_own_tunnel_packet(f.ip6, cfg))
    return verdict(XPMIP_CTR_DROP_TUNNEL_LOOP, rx_bytes, XDP_DROP);
  /* The kernel sends the ICMPv6 Time Exceeded. */
  if (f.ip6->hop_limit <= 1)
    return verdict(XPMIP_CTR_MAG_ACCESS_PASS_HOP_LIMIT, rx_bytes, XDP_PASS);
  return tunnel_out(ctx, &f, cfg, cfg->peer_addr, XPMIP_CTR_MAG_ACCESS_TX_ENCAP, rx_bytes);
}

enum tunnel_check { TUNNEL_OURS, TUNNEL_NOT_OURS, TUNNEL_EXT_HEADER, TUNNEL_MALFORMED };

/* Is this IPv6-in-IPv6 addressed to us (and, when `from` is given, sent by `from`)? On TUNNEL_OURS
 * `inner` points at the inner IPv6 header, fully inside the frame. */
static __always_inline enum tunnel_check classify_tunnel(const struct frame* f,
                                                         const struct xpmip_config* cfg,
                                                         const __u8* from, struct ipv6hdr** inner) {
  const struct ipv6hdr* outer = f->ip6;
  if (!addr_eq(&outer->daddr, cfg->self_addr)) return TUNNEL_NOT_OURS;
  if (from && !addr_eq(&outer->saddr, from)) return TUNNEL_NOT_OURS;
  /* RFC 2473 §5.1: a Tunnel Encapsulation Limit travels in a Destination Options header. Rare:
   * the kernel gets these. */
  if (outer->nexthdr == XPMIP_IPPROTO_DSTOPTS) return TUNNEL_EXT_HEADER;
  if (outer->nexthdr != XPMIP_IPPROTO_IPV6) return TUNNEL_NOT_OURS;
  struct ipv6hdr* in = (void*)(f->ip6 + 1);
  if ((void*)(in + 1) > f->data_end || in->version != 6) return TUNNEL_MALFORMED;
  if (ipv6_l3_len(in) != ipv6_l3_len(outer) - XPMIP_IPV6_HLEN) return TUNNEL_MALFORMED;
  *inner = in;
  return TUNNEL_OURS;
}

/* Shared verdicts of the two tunnel exits for what classify_tunnel() rejected. */
static __always_inline int not_ours_verdict(enum tunnel_check check, __u64 rx_bytes) {
  switch (check) {
    case TUNNEL_EXT_HEADER:
      return verdict(XPMIP_CTR_PASS_TUNNEL_EXT_HEADER, rx_bytes, XDP_PASS);
    case TUNNEL_MALFORMED:
      return verdict(XPMIP_CTR_DROP_MALFORMED, rx_bytes, XDP_DROP);
    case TUNNEL_OURS:
    case TUNNEL_NOT_OURS:
    default:
      return verdict(XPMIP_CTR_PASS_NOT_OUR_TUNNEL, rx_bytes, XDP_PASS);
  }
}

/* MAG, core side: tunnelled packets from our LMA to our proxy-CoA go to the MN that owns the inner
 * destination (RFC 5213 §6.10.5 "arriving from the tunnel"); everything else is the kernel's. */
SEC("xdp")
int xpmip_mag_core(struct xdp_md* ctx) {
  __u64 rx_bytes = frame_len(ctx);
  struct frame f;
  int action;
  const struct xpmip_config* cfg = enter_program(ctx, rx_bytes, &f, &action);
  if (!cfg) return action;
  struct ipv6hdr* inner = 0;
  enum tunnel_check check = classify_tunnel(&f, cfg, cfg->peer_addr, &inner);
  if (check != TUNNEL_OURS || !inner) return not_ours_verdict(check, rx_bytes);

  /* "If there is no such interface, drop it silently" (RFC 5213 §6.10.5) — silently for the
   * sender, counted for us. */
  const struct xpmip_mag_binding* b = hnp_lookup(&mag_hnp64_v1, &mag_hnp_lpm_v1, &inner->daddr);
  if (!b) return verdict(XPMIP_CTR_MAG_CORE_DROP_DST_NOT_BOUND, rx_bytes, XDP_DROP);
  if (is_own_tunnel_packet(inner, cfg))
    return verdict(XPMIP_CTR_DROP_TUNNEL_LOOP, rx_bytes, XDP_DROP);
  if (apply_outer_ecn(f.ip6, inner) == ECN_DECAP_DROP)
    return verdict(XPMIP_CTR_DROP_ECN_CE_NOT_ECT, rx_bytes, XDP_DROP);

  /* Decapsulated packets are forwarded normally (RFC 2473 §3.1): at hop limit 1 the kernel gets
   * the inner packet and answers Time Exceeded. */
  bool expired = inner->hop_limit <= 1;
  if (!expired) inner->hop_limit -= 1;
  __u32 ifindex = b->ifindex;
  __u8 mn_mac[6];
  __builtin_memcpy(mn_mac, b->mn_mac, sizeof(mn_mac));
  if (pop_outer_header(ctx)) return verdict(XPMIP_CTR_DROP_HEADROOM, rx_bytes, XDP_DROP);
  if (expired) return verdict(XPMIP_CTR_MAG_CORE_PASS_HOP_LIMIT, rx_bytes, XDP_PASS);

  void* data = (void*)(long)ctx->data;
  struct ethhdr* eth = data;
  if ((void*)(eth + 1) > (void*)(long)ctx->data_end)
    return verdict(XPMIP_CTR_DROP_HEADROOM, rx_bytes, XDP_DROP);
  __builtin_memcpy(eth->h_dest, mn_mac, sizeof(eth->h_dest));
  __builtin_memcpy(eth->h_source, cfg->access_mac, sizeof(eth->h_source));
  return verdict(XPMIP_CTR_MAG_CORE_TX_DECAP, rx_bytes, (int)bpf_redirect(ifindex, 0));
}

/* LMA, core side: reverse-tunnelled packets from a MAG (RFC 5213 §5.6.2). The inner source must
 * lie in an HNP bound to exactly the proxy-CoA that sent the tunnel packet. */
SEC("xdp")
int xpmip_lma_core(struct xdp_md* ctx) {
  __u64 rx_bytes = frame_len(ctx);
  struct frame f;
  int action;
  const struct xpmip_config* cfg = enter_program(ctx, rx_bytes, &f, &action);
  if (!cfg) return action;
  struct ipv6hdr* inner = 0;
  enum tunnel_check check = classify_tunnel(&f, cfg, 0, &inner);
  if (check != TUNNEL_OURS || !inner) return not_ours_verdict(check, rx_bytes);

  const struct xpmip_lma_binding* b = hnp_lookup(&lma_hnp64_v1, &lma_hnp_lpm_v1, &inner->saddr);
  if (!b || !addr_eq(&f.ip6->saddr, b->proxy_coa))
    return verdict(XPMIP_CTR_LMA_CORE_DROP_SPOOFED_SRC, rx_bytes, XDP_DROP);
  if (is_own_tunnel_packet(inner, cfg))
    return verdict(XPMIP_CTR_DROP_TUNNEL_LOOP, rx_bytes, XDP_DROP);
  if (apply_outer_ecn(f.ip6, inner) == ECN_DECAP_DROP)
    return verdict(XPMIP_CTR_DROP_ECN_CE_NOT_ECT, rx_bytes, XDP_DROP);

  if (inner->hop_limit <= 1) {
    if (pop_outer_header(ctx)) return verdict(XPMIP_CTR_DROP_HEADROOM, rx_bytes, XDP_DROP);
    return verdict(XPMIP_CTR_LMA_CORE_PASS_HOP_LIMIT, rx_bytes, XDP_PASS);
  }
  /* Mobile node to mobile node through the LMA: the packet leaves through another tunnel. */
  const struct xpmip_lma_binding* to_mn = hnp_lookup(&lma_hnp64_v1, &lma_hnp_lpm_v1, &inner->daddr);
  if (to_mn) {
    __u8 proxy_coa[16];
    __builtin_memcpy(proxy_coa, to_mn->proxy_coa, sizeof(proxy_coa));
    if (pop_outer_header(ctx)) return verdict(XPMIP_CTR_DROP_HEADROOM, rx_bytes, XDP_DROP);
    if (parse_frame(ctx, &f) != PARSE_OK)
      return verdict(XPMIP_CTR_DROP_MALFORMED, rx_bytes, XDP_DROP);
    return tunnel_out(ctx, &f, cfg, proxy_coa, XPMIP_CTR_LMA_CORE_TX_HAIRPIN, rx_bytes);
  }
  struct bpf_fib_lookup fib;
  long rc = fib_lookup_v6(ctx, ctx->ingress_ifindex, &fib, &inner->saddr, &inner->daddr,
                          ipv6_l3_len(inner), inner->nexthdr, ipv6_first_word(inner));
  enum xpmip_counter counter;
  switch (rc) {
    case BPF_FIB_LKUP_RET_SUCCESS:
      inner->hop_limit -= 1;
      if (pop_outer_header(ctx)) return verdict(XPMIP_CTR_DROP_HEADROOM, rx_bytes, XDP_DROP);
      return verdict(XPMIP_CTR_LMA_CORE_TX_DECAP, rx_bytes, forward_to_next_hop(ctx, &fib));
    case BPF_FIB_LKUP_RET_NO_NEIGH:
      counter = XPMIP_CTR_LMA_CORE_PASS_NO_NEIGH;
      break;
    /* The kernel forwards the decapsulated packet as any router would, which answers each of
     * these correctly: Packet Too Big, Destination Unreachable, or local delivery (NOT_FWDED). */
    case BPF_FIB_LKUP_RET_FRAG_NEEDED:
    case BPF_FIB_LKUP_RET_BLACKHOLE:
    case BPF_FIB_LKUP_RET_UNREACHABLE:
    case BPF_FIB_LKUP_RET_PROHIBIT:
    case BPF_FIB_LKUP_RET_NOT_FWDED:
    case BPF_FIB_LKUP_RET_FWD_DISABLED:
    case BPF_FIB_LKUP_RET_UNSUPP_LWT:
    default:
      counter = XPMIP_CTR_LMA_CORE_PASS_FIB_ERROR;
      break;
  }
  /* The kernel's forwarding step decrements the inner hop limit itself. */
  if (pop_outer_header(ctx)) return verdict(XPMIP_CTR_DROP_HEADROOM, rx_bytes, XDP_DROP);
  return verdict(counter, rx_bytes, XDP_PASS);
}

/* LMA, external side: traffic for a bound HNP enters the tunnel to the MAG that serves it
 * (RFC 5213 §5.6.2); everything else is routed by the kernel. */
SEC("xdp")
int xpmip_lma_external(struct xdp_md* ctx) {
  __u64 rx_bytes = frame_len(ctx);
  struct frame f;
  int action;
  const struct xpmip_config* cfg = enter_program(ctx, rx_bytes, &f, &action);
  if (!cfg) return action;
  const struct xpmip_lma_binding* b = hnp_lookup(&lma_hnp64_v1, &lma_hnp_lpm_v1, &f.ip6->daddr);
  if (!b) return verdict(XPMIP_CTR_LMA_EXT_PASS_NOT_BOUND, rx_bytes, XDP_PASS);
  if (is_own_tunnel_packet(f.ip6, cfg))
    return verdict(XPMIP_CTR_DROP_TUNNEL_LOOP, rx_bytes, XDP_DROP);
  if (f.ip6->hop_limit <= 1) return verdict(XPMIP_CTR_LMA_EXT_PASS_HOP_LIMIT, rx_bytes, XDP_PASS);
  __u8 proxy_coa[16];
  __builtin_memcpy(proxy_coa, b->proxy_coa, sizeof(proxy_coa));
  return tunnel_out(ctx, &f, cfg, proxy_coa, XPMIP_CTR_LMA_EXT_TX_ENCAP, rx_bytes);
}

#define TC_ACT_OK 0
#define TC_ACT_SHOT 2

/* LMA, traffic the host itself sends towards an HNP (ICMPv6 errors it generates for mobile nodes,
 * its own connections): XDP never sees locally generated packets, so this TC egress program on the
 * interface the HNP routes point at tunnels them. The kernel resolves the next hop
 * (bpf_redirect_neigh), so the first packet to a new MAG is queued, not lost. */
SEC("tc")
int xpmip_lma_local_out(struct __sk_buff* skb) {
  __u64 rx_bytes = skb->len;
  const struct xpmip_config* cfg = config_get();
  if (!cfg) return verdict(XPMIP_CTR_PASS_NOT_CONFIGURED, rx_bytes, TC_ACT_OK);
  const __u32 headers = sizeof(struct ethhdr) + XPMIP_IPV6_HLEN;
  /* The flow label hash reads the ports right after the header when they are there. */
  const __u32 wanted = headers + sizeof(__u32);
  if (skb->protocol != bpf_htons(XPMIP_ETH_P_IPV6) || skb->len < headers ||
      bpf_skb_pull_data(skb, skb->len < wanted ? headers : wanted))
    return verdict(XPMIP_CTR_PASS_NOT_IPV6, rx_bytes, TC_ACT_OK);

  struct frame f = {.eth = (void*)(long)skb->data, .data_end = (void*)(long)skb->data_end};
  f.ip6 = (void*)(f.eth + 1);
  if ((void*)(f.ip6 + 1) > f.data_end) return verdict(XPMIP_CTR_PASS_NOT_IPV6, rx_bytes, TC_ACT_OK);
  const struct xpmip_lma_binding* b = hnp_lookup(&lma_hnp64_v1, &lma_hnp_lpm_v1, &f.ip6->daddr);
  if (!b) return verdict(XPMIP_CTR_LMA_LOCAL_PASS_NOT_BOUND, rx_bytes, TC_ACT_OK);
  if (is_own_tunnel_packet(f.ip6, cfg))
    return verdict(XPMIP_CTR_DROP_TUNNEL_LOOP, rx_bytes, TC_ACT_SHOT);
  /* payload_len 0 is a jumbogram (BIG TCP): its length does not fit an outer payload_len. */
  if (f.ip6->payload_len == 0) return verdict(XPMIP_CTR_DROP_MALFORMED, rx_bytes, TC_ACT_SHOT);

  struct outer_header outer;
  outer_header_for(&f, cfg->self_addr, b->proxy_coa, cfg->outer_hop_limit, &outer);
  struct ipv6hdr hdr = {.nexthdr = XPMIP_IPPROTO_IPV6, .hop_limit = outer.hop_limit};
  ipv6_set_first_word(&hdr, outer.first_word);
  hdr.payload_len = bpf_htons(outer.payload_len);
  __builtin_memcpy(&hdr.saddr, outer.src, 16);
  __builtin_memcpy(&hdr.daddr, outer.dst, 16);
  /* ENCAP_L3_IPV6 tells GSO and checksum offload that an IPv6 tunnel header was added. */
  if (bpf_skb_adjust_room(skb, XPMIP_IPV6_HLEN, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV6) ||
      bpf_skb_store_bytes(skb, sizeof(struct ethhdr), &hdr, sizeof(hdr), 0))
    return verdict(XPMIP_CTR_DROP_HEADROOM, rx_bytes, TC_ACT_SHOT);

  struct bpf_fib_lookup fib;
  long rc = fib_lookup_v6(skb, skb->ifindex, &fib, outer.src, outer.dst, 0, XPMIP_IPPROTO_IPV6,
                          outer.first_word);
  switch (rc) {
    case BPF_FIB_LKUP_RET_SUCCESS:
    case BPF_FIB_LKUP_RET_NO_NEIGH: {
      struct bpf_redir_neigh nh = {.nh_family = XPMIP_AF_INET6};
      __builtin_memcpy(nh.ipv6_nh, fib.ipv6_dst, sizeof(nh.ipv6_nh));
      return verdict(XPMIP_CTR_LMA_LOCAL_TX_ENCAP, rx_bytes,
                     (int)bpf_redirect_neigh(fib.ifindex, &nh, sizeof(nh), 0));
    }
    case BPF_FIB_LKUP_RET_FRAG_NEEDED:
      /* The daemon gives HNP routes the tunnel MTU, so local senders size packets to fit. */
      return verdict(XPMIP_CTR_DROP_TUNNEL_MTU, rx_bytes, TC_ACT_SHOT);
    case BPF_FIB_LKUP_RET_BLACKHOLE:
    case BPF_FIB_LKUP_RET_UNREACHABLE:
    case BPF_FIB_LKUP_RET_PROHIBIT:
      return verdict(XPMIP_CTR_DROP_NO_ROUTE, rx_bytes, TC_ACT_SHOT);
    case BPF_FIB_LKUP_RET_NOT_FWDED:
    case BPF_FIB_LKUP_RET_FWD_DISABLED:
    case BPF_FIB_LKUP_RET_UNSUPP_LWT:
    default:
      return verdict(XPMIP_CTR_DROP_FIB_NOT_FORWARDED, rx_bytes, TC_ACT_SHOT);
  }
}
