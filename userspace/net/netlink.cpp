#include "netlink.hpp"

#include <netlink/errno.h>

#include <cerrno>
#include <cstdlib>
#include <utility>

namespace xpmip::net {

void NlSocketFree::operator()(nl_sock* socket) const noexcept {
  nl_socket_free(socket);
}

namespace detail {
namespace {

int errno_of(int nl_error) {
  switch (std::abs(nl_error)) {
    case NLE_INTR:
      return EINTR;
    case NLE_DUMP_INTR:
      return EINTR;
    case NLE_BAD_SOCK:
      return EBADF;
    case NLE_AGAIN:
      return EAGAIN;
    case NLE_NOMEM:
      return ENOMEM;
    case NLE_EXIST:
      return EEXIST;
    case NLE_INVAL:
      return EINVAL;
    case NLE_RANGE:
      return ERANGE;
    case NLE_MSGSIZE:
      return EMSGSIZE;
    case NLE_OPNOTSUPP:
      return EOPNOTSUPP;
    case NLE_AF_NOSUPPORT:
      return EAFNOSUPPORT;
    case NLE_OBJ_NOTFOUND:
      return ENOENT;
    case NLE_NOADDR:
      return EADDRNOTAVAIL;
    case NLE_BUSY:
      return EBUSY;
    case NLE_PROTO_MISMATCH:
      return EPROTONOSUPPORT;
    case NLE_NOACCESS:
      return EACCES;
    case NLE_PERM:
      return EPERM;
    case NLE_NODEV:
      return ENODEV;
    default:
      return EIO;
  }
}

}  // namespace

NetError netlink_error(std::string step, int nl_error) {
  return NetError{std::move(step) + " (libnl: " + nl_geterror(nl_error) + ")", errno_of(nl_error)};
}

NetResult<NlSocket> connect_route_socket(const std::string& purpose) {
  NlSocket socket{nl_socket_alloc()};
  if (!socket) return tl::unexpected(NetError{"allocate netlink socket for " + purpose, ENOMEM});
  if (int rc = nl_connect(socket.get(), NETLINK_ROUTE); rc < 0)
    return tl::unexpected(netlink_error("connect rtnetlink socket for " + purpose, rc));
  return socket;
}

NlAddr make_nl_addr(int family, std::span<const std::uint8_t> bytes) {
  return NlAddr{nl_addr_build(family, bytes.data(), bytes.size())};
}

}  // namespace detail
}  // namespace xpmip::net
