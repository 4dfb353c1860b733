// TC egress attachment for the program XDP cannot replace (locally generated traffic). Debian's
// libbpf 1.1 has no tcx links, so this is a clsact netlink filter with a fixed handle and
// priority: it outlives the daemon, and the next daemon swaps the program in place
// (BPF_TC_F_REPLACE on the same handle/priority), which the kernel does atomically.
#pragma once

#include <cstdint>
#include <string>

#include "xpmip/dataplane.hpp"

namespace xpmip::dataplane {

Result<AttachInfo> attach_tc_egress(int prog_fd, std::uint32_t ifindex, const std::string& what);
Result<void> detach_tc_egress(std::uint32_t ifindex, const std::string& what);

}  // namespace xpmip::dataplane
