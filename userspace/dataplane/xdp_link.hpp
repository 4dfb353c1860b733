// XDP attachment through BPF links pinned in bpffs: the pin keeps the program attached after the
// daemon exits, and the next daemon swaps the program on the same link (bpf_link_update), which
// the kernel does atomically.
#pragma once

#include <cstdint>
#include <string>

#include "xpmip/dataplane.hpp"

namespace xpmip::dataplane {

struct XdpAttachRequest {
  int prog_fd = -1;
  std::uint32_t ifindex = 0;
  XdpMode mode = XdpMode::kNativeOrGeneric;
  std::string pin_path;
  std::string what;  // for messages, e.g. "xpmip_mag_access on ifindex 4"
};

Result<AttachInfo> attach_or_replace(const XdpAttachRequest& request);

// Detaches the pinned link and removes its pin.
Result<void> detach_pinned(const std::string& pin_path, const std::string& what);

}  // namespace xpmip::dataplane
