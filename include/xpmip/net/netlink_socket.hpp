// Owning handle of a libnl socket, declared without libnl's headers so that public headers can
// hold one.
#pragma once

#include <memory>

struct nl_sock;

namespace xpmip::net {

struct NlSocketFree {
  void operator()(nl_sock* socket) const noexcept;
};
using NlSocket = std::unique_ptr<nl_sock, NlSocketFree>;

}  // namespace xpmip::net
