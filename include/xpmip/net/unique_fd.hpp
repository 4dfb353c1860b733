// The network adapters' name for the shared xpmip::UniqueFd (xpmip/unique_fd.hpp), kept so that
// code spelling it net::UniqueFd or including this header compiles unchanged.
#pragma once

#include "xpmip/unique_fd.hpp"

namespace xpmip::net {

using UniqueFd = xpmip::UniqueFd;

}  // namespace xpmip::net
