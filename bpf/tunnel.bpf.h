/* IPv6-in-IPv6 (RFC 2473) push and pop of the 40-byte outer header, with the RFC 5213 §5.6.3
 * ECN rules and the outer flow label. */
#pragma once

#include "parse.bpf.h"

#define ECN_MASK 0x3
#define ECN_NOT_ECT 0x0
#define ECN_ECT0 0x2
#define ECN_CE 0x3

/* RFC 5213 §5.6.3 -> RFC 3168 §9.1.1 full functionality: the outer header copies the inner
 * DSCP and ECN codepoint, except that an inner CE becomes ECT(0) outside so congestion already
 * experienced is not reported twice. */
static __always_inline __u8 outer_traffic_class(__u8 inner_tclass) {
  if ((inner_tclass & ECN_MASK) == ECN_CE) return (__u8)((inner_tclass & ~ECN_MASK) | ECN_ECT0);
  return inner_tclass;
}

enum ecn_decap { ECN_DECAP_OK, ECN_DECAP_DROP };

/* RFC 3168 §9.1.1 on decapsulation: an outer CE is propagated into an ECN-capable inner header.
 * An outer CE over a Not-ECT inner packet cannot be signalled to the endpoints, and RFC 6040 §4.2
 * (which updates RFC 3168 here) says to drop it. */
static __always_inline enum ecn_decap apply_outer_ecn(const struct ipv6hdr* outer,
                                                      struct ipv6hdr* inner) {
  if ((ipv6_traffic_class(outer) & ECN_MASK) != ECN_CE) return ECN_DECAP_OK;
  __u8 inner_tclass = ipv6_traffic_class(inner);
  if ((inner_tclass & ECN_MASK) == ECN_NOT_ECT) return ECN_DECAP_DROP;
  ipv6_set_traffic_class(inner, (__u8)(inner_tclass | ECN_CE));
  return ECN_DECAP_OK;
}

static __always_inline __u32 hash_mix(__u32 h, __u32 v) {
  h ^= v;
  h *= 0x9e3779b1u;
  return h ^ (h >> 15);
}

/* RFC 6438 §3: a tunnel entry point sets the outer flow label from the inner flow so that ECMP
 * and LAG spread tunnelled flows like native ones. The inner flow is its addresses, next header,
 * flow label and, for TCP/UDP directly after the header, the ports. Never 0 (= "no label"). */
static __always_inline __u32 tunnel_flow_label(const struct ipv6hdr* inner, void* data_end) {
  __u32 h = 0x5bd1e995u;
#pragma unroll
  for (int i = 0; i < 4; i++) {
    h = hash_mix(h, inner->saddr.in6_u.u6_addr32[i]);
    h = hash_mix(h, inner->daddr.in6_u.u6_addr32[i]);
  }
  h = hash_mix(h, (ipv6_first_word(inner) & 0xfffffu) | ((__u32)inner->nexthdr << 24));
  if (inner->nexthdr == XPMIP_IPPROTO_TCP || inner->nexthdr == XPMIP_IPPROTO_UDP) {
    const __u32* ports = (const void*)(inner + 1);
    if ((void*)(ports + 1) <= data_end) h = hash_mix(h, *ports);
  }
  h &= 0xfffffu;
  return h ? h : 1;
}

/* "A packet may be encapsulated at most once": an IPv6-in-IPv6 packet that already travels to or
 * from one of our tunnel endpoints must not be tunnelled (or delivered) again. */
static __always_inline bool is_own_tunnel_packet(const struct ipv6hdr* ip6,
                                                 const struct xpmip_config* cfg) {
  if (ip6->nexthdr != XPMIP_IPPROTO_IPV6) return false;
  return addr_eq(&ip6->saddr, cfg->self_addr) || addr_eq(&ip6->daddr, cfg->self_addr) ||
         addr_eq(&ip6->saddr, cfg->peer_addr) || addr_eq(&ip6->daddr, cfg->peer_addr);
}

struct outer_header {
  __u8 src[16];
  __u8 dst[16];
  __u32 first_word; /* version, traffic class, flow label (host order) */
  __u16 payload_len;
  __u8 hop_limit;
};

/* The outer header for the IPv6 packet at f->ip6 (RFC 2473 §3, §6.4; RFC 5213 §5.6.2/§6.10.5). */
static __always_inline void outer_header_for(const struct frame* f, const __u8 src[16],
                                             const __u8 dst[16], __u8 hop_limit,
                                             struct outer_header* out) {
  __builtin_memcpy(out->src, src, 16);
  __builtin_memcpy(out->dst, dst, 16);
  out->first_word = (6u << 28) | ((__u32)outer_traffic_class(ipv6_traffic_class(f->ip6)) << 20) |
                    tunnel_flow_label(f->ip6, f->data_end);
  out->payload_len = (__u16)ipv6_l3_len(f->ip6);
  out->hop_limit = hop_limit;
}

/* Pushes `outer` in front of the IPv6 packet. Every packet pointer is invalid afterwards. */
static __always_inline int push_outer_header(struct xdp_md* ctx, const struct outer_header* outer) {
  void* data = (void*)(long)ctx->data;
  void* data_end = (void*)(long)ctx->data_end;
  struct ethhdr eth;
  if (data + sizeof(eth) > data_end) return -1;
  /* The new Ethernet header overlaps the old one: copy it out first. */
  __builtin_memcpy(&eth, data, sizeof(eth));
  if (bpf_xdp_adjust_head(ctx, -XPMIP_IPV6_HLEN)) return -1;
  data = (void*)(long)ctx->data;
  data_end = (void*)(long)ctx->data_end;
  struct ethhdr* new_eth = data;
  struct ipv6hdr* ip6 = (void*)(new_eth + 1);
  if ((void*)(ip6 + 1) > data_end) return -1;
  __builtin_memcpy(new_eth, &eth, sizeof(eth));
  ipv6_set_first_word(ip6, outer->first_word);
  ip6->payload_len = bpf_htons(outer->payload_len);
  ip6->nexthdr = XPMIP_IPPROTO_IPV6;
  ip6->hop_limit = outer->hop_limit;
  __builtin_memcpy(&ip6->saddr, outer->src, 16);
  __builtin_memcpy(&ip6->daddr, outer->dst, 16);
  return 0;
}

/* Removes the outer IPv6 header that follows the Ethernet header. Packet pointers die. */
static __always_inline int pop_outer_header(struct xdp_md* ctx) {
  void* data = (void*)(long)ctx->data;
  void* data_end = (void*)(long)ctx->data_end;
  struct ethhdr eth;
  if (data + sizeof(eth) > data_end) return -1;
  __builtin_memcpy(&eth, data, sizeof(eth));
  if (bpf_xdp_adjust_head(ctx, XPMIP_IPV6_HLEN)) return -1;
  data = (void*)(long)ctx->data;
  data_end = (void*)(long)ctx->data_end;
  if (data + sizeof(eth) > data_end) return -1;
  __builtin_memcpy(data, &eth, sizeof(eth));
  return 0;
}
