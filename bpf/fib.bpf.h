/* Route lookups through the kernel FIB and the redirect that follows a successful one. */
#pragma once

#include "parse.bpf.h"

/* tot_len is the full L3 length including the IPv6 header (uapi: "L3 length from network hdr"):
 * the kernel compares it with the route MTU and answers FRAG_NEEDED when it does not fit. Only a
 * locked route MTU ("mtu lock N"), a learned path MTU or the device MTU count. From TC, tot_len 0
 * makes the kernel check the skb itself, GSO included. `ctx` is an xdp_md or a __sk_buff. */
static __always_inline long fib_lookup_v6(void* ctx, __u32 ifindex, struct bpf_fib_lookup* fib,
                                          const void* src, const void* dst, __u32 tot_len,
                                          __u8 l4_protocol, __u32 first_word) {
  __builtin_memset(fib, 0, sizeof(*fib));
  fib->family = XPMIP_AF_INET6;
  fib->l4_protocol = l4_protocol;
  fib->tot_len = (__u16)tot_len;
  fib->ifindex = ifindex;
  fib->flowinfo = bpf_htonl(first_word & 0x0fffffffu);
  __builtin_memcpy(fib->ipv6_src, src, 16);
  __builtin_memcpy(fib->ipv6_dst, dst, 16);
  return bpf_fib_lookup(ctx, fib, sizeof(*fib), 0);
}

/* Sends the frame to the next hop the FIB chose; XDP_TX when that is back out the same port. */
static __always_inline int forward_to_next_hop(struct xdp_md* ctx,
                                               const struct bpf_fib_lookup* fib) {
  void* data = (void*)(long)ctx->data;
  void* data_end = (void*)(long)ctx->data_end;
  struct ethhdr* eth = data;
  if ((void*)(eth + 1) > data_end) return XDP_ABORTED;
  __builtin_memcpy(eth->h_dest, fib->dmac, sizeof(eth->h_dest));
  __builtin_memcpy(eth->h_source, fib->smac, sizeof(eth->h_source));
  if (fib->ifindex == ctx->ingress_ifindex) return XDP_TX;
  return (int)bpf_redirect(fib->ifindex, 0);
}
