#include "tc_filter.hpp"

#include <bpf/libbpf.h>

#include <cerrno>

#include "error.hpp"

namespace xpmip::dataplane {
namespace {

// Distinctive values so xpmip's filter is recognisable next to other tools' (tc filter show).
constexpr __u32 kHandle = 1;
constexpr __u32 kPriority = 0x5213;

bpf_tc_hook egress_hook(std::uint32_t ifindex) {
  bpf_tc_hook hook{};
  hook.sz = sizeof(hook);
  hook.ifindex = static_cast<int>(ifindex);
  hook.attach_point = BPF_TC_EGRESS;
  return hook;
}

bpf_tc_opts filter_opts() {
  bpf_tc_opts opts{};
  opts.sz = sizeof(opts);
  opts.handle = kHandle;
  opts.priority = kPriority;
  return opts;
}

}  // namespace

Result<AttachInfo> attach_tc_egress(int prog_fd, std::uint32_t ifindex, const std::string& what) {
  bpf_tc_hook hook = egress_hook(ifindex);
  // The clsact qdisc may exist already (ours from a previous run, or another tool's): share it.
  if (int rc = bpf_tc_hook_create(&hook); rc < 0 && rc != -EEXIST)
    return fail("create clsact qdisc for " + what, rc);
  bpf_tc_opts existing = filter_opts();
  const bool replaced = bpf_tc_query(&hook, &existing) == 0;
  bpf_tc_opts opts = filter_opts();
  opts.prog_fd = prog_fd;
  opts.flags = BPF_TC_F_REPLACE;
  if (int rc = bpf_tc_attach(&hook, &opts); rc < 0) return fail("attach " + what, rc);
  AttachInfo info;
  info.prog_id = opts.prog_id;
  info.replaced = replaced;
  return info;
}

Result<void> detach_tc_egress(std::uint32_t ifindex, const std::string& what) {
  bpf_tc_hook hook = egress_hook(ifindex);
  bpf_tc_opts opts = filter_opts();
  if (int rc = bpf_tc_detach(&hook, &opts); rc < 0) return fail("detach " + what, rc);
  return {};
}

}  // namespace xpmip::dataplane
