/* Benchmark harness for BPF_PROG_RUN with repeat > 1.
 *
 * The kernel runs a test program `repeat` times on one buffer and never resets it, so a program
 * that pushes or pops the outer header, or decrements a hop limit, sees its own output on the
 * next iteration (5 encapsulations later the headroom is gone; 63 forwards later the hop limit
 * is). Every iteration of this program first puts the frame back into the state the benchmark
 * loaded -- original start offset and original first bytes -- and then tail-calls the program
 * under test, so each iteration measures the same packet on the same path. Its own cost is
 * measured the same way with a trivial target and subtracted by the benchmark. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "restore_harness.h"

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct bench_pristine);
} bench_pristine SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u32);
} bench_target SEC(".maps");

SEC("xdp")
int bench_restore_and_call(struct xdp_md *ctx) {
  __u32 zero = 0;
  struct bench_pristine *pristine = bpf_map_lookup_elem(&bench_pristine, &zero);
  if (!pristine) return XDP_ABORTED;
  /* The programs only grow or shrink the frame at its head, so the length difference is exactly
   * how far the start has moved. */
  const long moved = (long)ctx->data_end - (long)ctx->data - (long)pristine->frame_len;
  /* Called even when nothing moved, so the harness costs the same whatever the target did. */
  if (bpf_xdp_adjust_head(ctx, (int)moved)) return XDP_ABORTED;
  if (bpf_xdp_store_bytes(ctx, 0, pristine->head, BENCH_RESTORE_BYTES)) return XDP_ABORTED;
  bpf_tail_call(ctx, &bench_target, 0);
  return XDP_ABORTED; /* empty slot */
}

SEC("xdp")
int bench_pass(struct xdp_md *ctx) {
  (void)ctx;
  return XDP_PASS;
}

/* The route lookup every xpmip forwarding path except MAG decap makes (bpf_fib_lookup with the
 * full L3 length, no flags), alone: a plain IPv6 forwarder's lookup on the frame's destination.
 * XDP_TX when the route and neighbour resolved, so the benchmark can check it did. */
SEC("xdp")
int bench_fib_only(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data;
  void *data_end = (void *)(long)ctx->data_end;
  struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
  if ((void *)(ip6 + 1) > data_end) return XDP_ABORTED;
  struct bpf_fib_lookup fib = {};
  fib.family = 10; /* AF_INET6 */
  fib.l4_protocol = ip6->nexthdr;
  fib.tot_len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
  fib.ifindex = ctx->ingress_ifindex;
  __builtin_memcpy(fib.ipv6_src, &ip6->saddr, sizeof(fib.ipv6_src));
  __builtin_memcpy(fib.ipv6_dst, &ip6->daddr, sizeof(fib.ipv6_dst));
  return bpf_fib_lookup(ctx, &fib, sizeof(fib), 0) == BPF_FIB_LKUP_RET_SUCCESS ? XDP_TX : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
