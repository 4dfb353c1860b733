// Building Error values from failed libbpf/syscall steps, with the usual fix attached.
#pragma once

#include <string>

#include "xpmip/dataplane.hpp"

namespace xpmip::dataplane {

// `err` may be given as -errno (libbpf style) or errno; the hint is chosen from the errno and
// the state of the machine (bpffs mounted, kernel BTF present, running as root).
[[nodiscard]] Error make_error(std::string step, int err);

// libbpf 1.x: int-returning calls give -errno; a negative return means failure.
[[nodiscard]] inline tl::unexpected<Error> fail(std::string step, int err) {
  return tl::unexpected(make_error(std::move(step), err));
}

}  // namespace xpmip::dataplane
