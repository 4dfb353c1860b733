#include "xdp_link.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <unistd.h>

#include <cerrno>

#include "error.hpp"
#include "libbpf_log.hpp"
#include "xpmip/unique_fd.hpp"

namespace xpmip::dataplane {
namespace {

Result<AttachInfo> describe(int link_fd, std::uint32_t ifindex, bool replaced,
                            const std::string& what) {
  bpf_link_info info{};
  __u32 len = sizeof(info);
  if (int rc = bpf_obj_get_info_by_fd(link_fd, &info, &len); rc < 0)
    return fail("read link info of " + what, rc);
  bpf_xdp_query_opts query{};
  query.sz = sizeof(query);
  if (int rc = bpf_xdp_query(static_cast<int>(ifindex), 0, &query); rc < 0)
    return fail("query XDP mode of " + what, rc);
  AttachInfo out;
  out.link_id = info.id;
  out.prog_id = info.prog_id;
  out.generic = query.attach_mode == XDP_ATTACHED_SKB;
  out.replaced = replaced;
  return out;
}

Result<UniqueFd> create_link(const XdpAttachRequest& request) {
  auto create = [&](__u32 flags) {
    bpf_link_create_opts opts{};
    opts.sz = sizeof(opts);
    opts.flags = flags;
    return bpf_link_create(request.prog_fd, static_cast<int>(request.ifindex), BPF_XDP, &opts);
  };
  int fd = -EINVAL;
  if (request.mode != XdpMode::kGeneric) {
    fd = create(XDP_FLAGS_DRV_MODE);
    if (fd >= 0 || request.mode == XdpMode::kNative)
      return fd >= 0 ? Result<UniqueFd>(UniqueFd(fd))
                     : fail("attach " + request.what + " in native XDP mode", fd);
    // Only a missing driver feature justifies the slower mode; anything else is a real error.
    if (fd != -EOPNOTSUPP && fd != -EINVAL)
      return fail("attach " + request.what + " in native XDP mode", fd);
    log_message(LogLevel::kWarn, request.what +
                                     ": driver has no native XDP, falling back to generic "
                                     "(skb) mode; expect much lower throughput");
  }
  fd = create(XDP_FLAGS_SKB_MODE);
  if (fd < 0) return fail("attach " + request.what + " in generic XDP mode", fd);
  return UniqueFd(fd);
}

}  // namespace

Result<AttachInfo> attach_or_replace(const XdpAttachRequest& request) {
  UniqueFd pinned(bpf_obj_get(request.pin_path.c_str()));
  if (pinned.valid()) {
    int rc = bpf_link_update(pinned.get(), request.prog_fd, nullptr);
    if (rc == 0) return describe(pinned.get(), request.ifindex, true, request.what);
    // ENOLINK: the interface behind the pinned link is gone; start over with a fresh link.
    if (rc != -ENOLINK) return fail("replace program on pinned link " + request.pin_path, rc);
    ::unlink(request.pin_path.c_str());
  } else if (errno != ENOENT) {
    return fail("open pinned link " + request.pin_path, errno);
  }

  auto link = create_link(request);
  if (!link) return tl::unexpected(link.error());
  if (int rc = bpf_obj_pin(link->get(), request.pin_path.c_str()); rc < 0) {
    bpf_link_detach(link->get());
    return fail("pin link " + request.pin_path, rc);
  }
  return describe(link->get(), request.ifindex, false, request.what);
}

Result<void> detach_pinned(const std::string& pin_path, const std::string& what) {
  UniqueFd link(bpf_obj_get(pin_path.c_str()));
  if (!link.valid()) return fail("open pinned link of " + what + " (" + pin_path + ")", errno);
  // A link whose interface is gone is already detached: ENOLINK is not an error here.
  if (int rc = bpf_link_detach(link.get()); rc < 0 && rc != -ENOLINK)
    return fail("detach " + what, rc);
  if (::unlink(pin_path.c_str()) != 0) return fail("remove pin " + pin_path, errno);
  return {};
}

}  // namespace xpmip::dataplane
