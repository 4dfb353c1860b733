/* Bounds-checked access to the Ethernet + IPv6 headers at the front of an XDP frame, and the
 * address predicates the programs decide on. */
#pragma once

#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define XPMIP_ETH_P_IPV6 0x86DD
#define XPMIP_AF_INET6 10
#define XPMIP_IPPROTO_TCP 6
#define XPMIP_IPPROTO_UDP 17
#define XPMIP_IPPROTO_IPV6 41    /* IPv6-in-IPv6, RFC 2473 */
#define XPMIP_IPPROTO_DSTOPTS 60 /* may carry RFC 2473 §5.1 Tunnel Encapsulation Limit */
#define XPMIP_IPPROTO_ICMPV6 58
#define XPMIP_IPV6_HLEN 40

struct frame {
  struct ethhdr* eth;
  struct ipv6hdr* ip6;
  void* data_end;
};

enum parse_result { PARSE_OK, PARSE_NOT_IPV6, PARSE_MALFORMED };

/* Fills f with the Ethernet and IPv6 headers. The IPv6 payload must fit in the frame: a packet that
 * claims more than it carries is malformed (a jumbogram's payload_len 0 is not supported). */
static __always_inline enum parse_result parse_frame(struct xdp_md* ctx, struct frame* f) {
  void* data = (void*)(long)ctx->data;
  f->data_end = (void*)(long)ctx->data_end;
  f->eth = data;
  if ((void*)(f->eth + 1) > f->data_end) return PARSE_MALFORMED;
  if (f->eth->h_proto != bpf_htons(XPMIP_ETH_P_IPV6)) return PARSE_NOT_IPV6;
  f->ip6 = (void*)(f->eth + 1);
  if ((void*)(f->ip6 + 1) > f->data_end) return PARSE_MALFORMED;
  if (f->ip6->version != 6) return PARSE_MALFORMED;
  __u16 payload_len = bpf_ntohs(f->ip6->payload_len);
  if (payload_len == 0 || (void*)(f->ip6 + 1) + payload_len > f->data_end) return PARSE_MALFORMED;
  return PARSE_OK;
}

/* Length of the IPv6 packet at ip6, header included. */
static __always_inline __u32 ipv6_l3_len(const struct ipv6hdr* ip6) {
  return XPMIP_IPV6_HLEN + (__u32)bpf_ntohs(ip6->payload_len);
}

static __always_inline bool addr_eq(const struct in6_addr* a, const __u8 b[16]) {
  const __u32* w = (const __u32*)b;
  return a->in6_u.u6_addr32[0] == w[0] && a->in6_u.u6_addr32[1] == w[1] &&
         a->in6_u.u6_addr32[2] == w[2] && a->in6_u.u6_addr32[3] == w[3];
}

static __always_inline bool addr_is_unspecified(const struct in6_addr* a) {
  return (a->in6_u.u6_addr32[0] | a->in6_u.u6_addr32[1] | a->in6_u.u6_addr32[2] |
          a->in6_u.u6_addr32[3]) == 0;
}

static __always_inline bool addr_is_link_local(const struct in6_addr* a) {
  return a->in6_u.u6_addr8[0] == 0xfe && (a->in6_u.u6_addr8[1] & 0xc0) == 0x80;
}

static __always_inline bool addr_is_multicast(const struct in6_addr* a) {
  return a->in6_u.u6_addr8[0] == 0xff;
}

/* Version, traffic class and flow label: the first 32 bits of the header, host order. */
static __always_inline __u32 ipv6_first_word(const struct ipv6hdr* ip6) {
  return bpf_ntohl(*(const __be32*)ip6);
}

static __always_inline void ipv6_set_first_word(struct ipv6hdr* ip6, __u32 word) {
  *(__be32*)ip6 = bpf_htonl(word);
}

static __always_inline __u8 ipv6_traffic_class(const struct ipv6hdr* ip6) {
  return (__u8)(ipv6_first_word(ip6) >> 20);
}

static __always_inline void ipv6_set_traffic_class(struct ipv6hdr* ip6, __u8 tclass) {
  ipv6_set_first_word(ip6, (ipv6_first_word(ip6) & 0xf00fffffu) | ((__u32)tclass << 20));
}
