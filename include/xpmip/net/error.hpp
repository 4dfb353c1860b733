// Errors of the network I/O adapters: which step failed, in plain words, and the errno behind it.
#pragma once

#include <string>

#include <tl/expected.hpp>

namespace xpmip::net {

struct NetError {
  std::string step;      // e.g. "bind MH socket to 2001:db8::1"
  int error_number = 0;  // errno value (netlink failures are mapped to the nearest errno)

  // "<step>: <strerror> (errno N)", for logs.
  [[nodiscard]] std::string message() const;
};

template <typename T>
using NetResult = tl::expected<T, NetError>;

// A NetError for `step` carrying the current errno; call it right after the failing syscall.
[[nodiscard]] NetError errno_error(std::string step);

}  // namespace xpmip::net
