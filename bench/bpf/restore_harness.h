/* Layout shared by the benchmark harness (restore_harness.bpf.c) and its loader. */
#ifndef XPMIP_BENCH_RESTORE_HARNESS_H
#define XPMIP_BENCH_RESTORE_HARNESS_H

#include <linux/types.h>

/* Enough to cover every byte the xpmip programs write: the Ethernet header, an outer IPv6
 * header pushed in front (or the one popped) and the inner hop limit at offset 14 + 40 + 7.
 * Frames shorter than this cannot be benchmarked (the smallest one here has 78 bytes). */
#define BENCH_RESTORE_BYTES 64

struct bench_pristine {
  __u32 frame_len;
  __u8 head[BENCH_RESTORE_BYTES];
};

#endif /* XPMIP_BENCH_RESTORE_HARNESS_H */
