// Text form of a MAC address for log lines and error steps (IPv6 text is in xpmip/address.hpp).
#pragma once

#include <string>

#include "xpmip/router_advert.hpp"

namespace xpmip::net {

// Lowercase colon-separated, e.g. "00:00:5e:00:52:13".
[[nodiscard]] std::string mac_text(const MacAddress& mac);

}  // namespace xpmip::net
