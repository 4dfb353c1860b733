#include "xpmip/net/error.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

namespace xpmip::net {

std::string NetError::message() const {
  return step + ": " + std::strerror(error_number) + " (errno " + std::to_string(error_number) +
         ")";
}

NetError errno_error(std::string step) {
  return NetError{std::move(step), errno};
}

}  // namespace xpmip::net
