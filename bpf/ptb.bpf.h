/* ICMPv6 Packet Too Big (RFC 4443 §3.2) built in XDP from the packet that did not fit into the
 * tunnel, and sent back out of the port it came in on (XDP_TX). */
#pragma once

#include "parse.bpf.h"
#include "xpmip_maps.bpf.h"

#define IPV6_MIN_MTU 1280
#define ICMPV6_PKT_TOOBIG 2
#define ICMPV6_HLEN 8
#define NSEC_PER_SEC 1000000000ull
/* RFC 4443 §2.4(c): quote as much of the invoking packet as fits in the minimum MTU. */
#define PTB_QUOTE_LEN (IPV6_MIN_MTU - XPMIP_IPV6_HLEN - ICMPV6_HLEN)
#define PTB_FRAME_LEN (sizeof(struct ethhdr) + IPV6_MIN_MTU)
/* bpf_csum_diff sums at most 512 bytes per call. */
#define CSUM_CHUNK 512

struct ptb_bucket {
  __u64 last_ns;
  __u64 budget_ns;
};

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct ptb_bucket);
} ptb_bucket SEC(".maps");

/* RFC 4443 §2.4(f): ICMPv6 errors MUST be rate-limited. A token bucket per CPU whose budget is
 * kept in nanoseconds: one message costs 1 s / rate, the bucket holds `burst` messages. */
static __always_inline bool ptb_allowed(const struct xpmip_config* cfg) {
  __u32 zero = 0;
  struct ptb_bucket* b = bpf_map_lookup_elem(&ptb_bucket, &zero);
  if (!b || cfg->ptb_per_second == 0) return false;
  __u64 cost = NSEC_PER_SEC / cfg->ptb_per_second;
  __u64 capacity = (__u64)cfg->ptb_burst * cost;
  __u64 now = bpf_ktime_get_ns();
  __u64 budget = b->budget_ns + (now - b->last_ns);
  b->last_ns = now;
  if (budget > capacity) budget = capacity;
  if (budget < cost) {
    b->budget_ns = budget;
    return false;
  }
  b->budget_ns = budget - cost;
  return true;
}

static __always_inline __u16 csum_fold(__u64 sum) {
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return (__u16)~sum;
}

struct ipv6_pseudo_header {
  __u8 src[16];
  __u8 dst[16];
  __be32 upper_layer_len;
  __be32 next_header; /* three zero bytes, then the value */
};

/* Turns the frame (Ethernet + an IPv6 packet longer than IPV6_MIN_MTU) into
 * Ethernet + IPv6 + ICMPv6 Packet Too Big(mtu) + the first PTB_QUOTE_LEN bytes of the packet,
 * addressed from `src` to the packet's source, MACs swapped. Returns 0 or -1 (frame unusable). */
static __always_inline int make_packet_too_big(struct xdp_md* ctx, const __u8 src[16], __u32 mtu) {
  void* data = (void*)(long)ctx->data;
  void* data_end = (void*)(long)ctx->data_end;
  struct ethhdr eth;
  struct ipv6hdr* invoking = data + sizeof(eth);
  if ((void*)(invoking + 1) > data_end) return -1;
  __builtin_memcpy(&eth, data, sizeof(eth));
  struct ipv6_pseudo_header ph = {
      .upper_layer_len = bpf_htonl(ICMPV6_HLEN + PTB_QUOTE_LEN),
      .next_header = bpf_htonl(XPMIP_IPPROTO_ICMPV6),
  };
  __builtin_memcpy(ph.src, src, 16);
  __builtin_memcpy(ph.dst, &invoking->saddr, 16);

  /* The invoking packet stays where it is and becomes the quote: grow the front by the new
   * IPv6 + ICMPv6 headers, cut the tail at the minimum MTU. */
  if (bpf_xdp_adjust_head(ctx, -(XPMIP_IPV6_HLEN + ICMPV6_HLEN))) return -1;
  data = (void*)(long)ctx->data;
  data_end = (void*)(long)ctx->data_end;
  if (bpf_xdp_adjust_tail(ctx, (int)((long)PTB_FRAME_LEN - (data_end - data)))) return -1;
  data = (void*)(long)ctx->data;
  data_end = (void*)(long)ctx->data_end;
  if (data + PTB_FRAME_LEN > data_end) return -1;

  struct ethhdr* out_eth = data;
  __builtin_memcpy(out_eth->h_dest, eth.h_source, sizeof(eth.h_source));
  __builtin_memcpy(out_eth->h_source, eth.h_dest, sizeof(eth.h_dest));
  out_eth->h_proto = bpf_htons(XPMIP_ETH_P_IPV6);

  struct ipv6hdr* ip6 = (void*)(out_eth + 1);
  ipv6_set_first_word(ip6, 6u << 28);
  ip6->payload_len = bpf_htons(ICMPV6_HLEN + PTB_QUOTE_LEN);
  ip6->nexthdr = XPMIP_IPPROTO_ICMPV6;
  ip6->hop_limit = 255;
  __builtin_memcpy(&ip6->saddr, ph.src, 16);
  __builtin_memcpy(&ip6->daddr, ph.dst, 16);

  __u8* icmp = (void*)(ip6 + 1);
  icmp[0] = ICMPV6_PKT_TOOBIG;
  icmp[1] = 0;
  *(__u16*)(icmp + 2) = 0;
  *(__be32*)(icmp + 4) = bpf_htonl(mtu);

  /* RFC 4443 §2.3: checksum over the pseudo-header and the whole ICMPv6 message. */
  __s64 sum = bpf_csum_diff(0, 0, (__be32*)&ph, sizeof(ph), 0);
  sum = bpf_csum_diff(0, 0, (__be32*)icmp, CSUM_CHUNK, (__wsum)sum);
  sum = bpf_csum_diff(0, 0, (__be32*)(icmp + CSUM_CHUNK), CSUM_CHUNK, (__wsum)sum);
  sum = bpf_csum_diff(0, 0, (__be32*)(icmp + 2 * CSUM_CHUNK),
                      ICMPV6_HLEN + PTB_QUOTE_LEN - 2 * CSUM_CHUNK, (__wsum)sum);
  if (sum < 0) return -1;
  *(__u16*)(icmp + 2) = csum_fold((__u64)sum);
  return 0;
}
