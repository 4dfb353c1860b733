// One BPF_PROG_RUN of an XDP program with a repeat count: the kernel's mean time per run, the
// verdict and the frame as the last run left it.
#pragma once

#include <cstdint>
#include <string>

#include <tl/expected.hpp>

#include "packet.hpp"

namespace xpmip::bench {

struct ProgRun {
  double ns_per_run = 0;  // the kernel's `duration`: mean over `repeat`, off-CPU time excluded
  int action = -1;
  test::Bytes out;
};

// `ingress_ifindex` must name a device in the caller's network namespace when the program does
// FIB lookups (bpf_fib_lookup resolves routes from that device).
tl::expected<ProgRun, std::string> run_xdp_repeated(int program_fd, const test::Bytes& frame,
                                                    std::uint32_t ingress_ifindex,
                                                    std::uint32_t repeat);

}  // namespace xpmip::bench
