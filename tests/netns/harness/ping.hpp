// ICMPv6 echo between namespaces: the end-to-end proof that a tunnel carries traffic.
#pragma once

#include <string>

#include <tl/expected.hpp>

#include "netns.hpp"

namespace xpmip::netns {

struct PingResult {
  int transmitted = 0;
  int received = 0;
  std::string transcript;  // ping's output, for failure messages
};

// Sends `count` echo requests from `from` to `destination`, 100 ms apart, waiting up to 1 s for
// the last reply. Losing replies is a result, not an error; only an unparsable run is an error.
tl::expected<PingResult, std::string> ping(const NetNamespace& from, const std::string& destination,
                                           int count);

}  // namespace xpmip::netns
