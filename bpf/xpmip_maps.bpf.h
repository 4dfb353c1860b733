/* BTF map definitions of the data plane and the two helpers every program uses: read the
 * configuration and count a verdict. Layouts live in include/xpmip/maps.h. */
#pragma once

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "xpmip/maps.h"

/* Pinned by name under the loader's pin root, so a restarted daemon finds its state again. The
 * binding maps are sized by the loader (bpf_map__set_max_entries) before load; hash maps are not
 * preallocated so a million-entry map costs memory only for the bindings that exist. */
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct xpmip_config);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} xpmip_cfg_v1 SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, XPMIP_CTR_COUNT);
  __type(key, __u32);
  __type(value, struct xpmip_counter_value);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} xpmip_stats_v1 SEC(".maps");

/* The two maps one hnp_lookup() reads, for one binding value type: /64 HNPs in a hash, every other
 * prefix length in an LPM trie. A macro so that the MAG and LMA pairs cannot drift apart; each map
 * is still a plain BTF map definition under the name given here. */
#define XPMIP_HNP_MAPS(hnp64_name, lpm_name, binding)    \
  struct {                                               \
    __uint(type, BPF_MAP_TYPE_HASH);                     \
    __uint(map_flags, BPF_F_NO_PREALLOC);                \
    __uint(max_entries, XPMIP_DEFAULT_MAX_BINDINGS);     \
    __type(key, struct xpmip_hnp64_key);                 \
    __type(value, binding);                              \
    __uint(pinning, LIBBPF_PIN_BY_NAME);                 \
  } hnp64_name SEC(".maps");                             \
  struct {                                               \
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);                 \
    __uint(map_flags, BPF_F_NO_PREALLOC);                \
    __uint(max_entries, XPMIP_DEFAULT_MAX_LPM_BINDINGS); \
    __type(key, struct xpmip_hnp_lpm_key);               \
    __type(value, binding);                              \
    __uint(pinning, LIBBPF_PIN_BY_NAME);                 \
  } lpm_name SEC(".maps")

XPMIP_HNP_MAPS(mag_hnp64_v1, mag_hnp_lpm_v1, struct xpmip_mag_binding);
XPMIP_HNP_MAPS(lma_hnp64_v1, lma_hnp_lpm_v1, struct xpmip_lma_binding);

/* Exact match on the /64 first (flat cost at any size), then the trie for other prefix lengths.
 * RFC 5213 §5.2: prefixes are never shared between mobile nodes, so the two cannot disagree. */
static __always_inline void* hnp_lookup(void* hnp64_map, void* lpm_map, const struct in6_addr* a) {
  struct xpmip_hnp64_key key64;
  __builtin_memcpy(key64.prefix, a->in6_u.u6_addr8, sizeof(key64.prefix));
  void* value = bpf_map_lookup_elem(hnp64_map, &key64);
  if (value) return value;
  struct xpmip_hnp_lpm_key lpm_key = {.prefixlen = 128};
  __builtin_memcpy(lpm_key.addr, a->in6_u.u6_addr8, sizeof(lpm_key.addr));
  return bpf_map_lookup_elem(lpm_map, &lpm_key);
}

/* NULL until the daemon wrote a configuration: the programs then pass everything. */
static __always_inline const struct xpmip_config* config_get(void) {
  __u32 zero = 0;
  const struct xpmip_config* cfg = bpf_map_lookup_elem(&xpmip_cfg_v1, &zero);
  return cfg && cfg->enabled ? cfg : 0;
}

/* The single exit of every program: count the packet under the reason for its verdict. */
static __always_inline int verdict(enum xpmip_counter counter, __u64 rx_bytes, int action) {
  __u32 key = counter;
  struct xpmip_counter_value* value = bpf_map_lookup_elem(&xpmip_stats_v1, &key);
  if (value) {
    value->packets += 1;
    value->bytes += rx_bytes;
  }
  return action;
}
