#include "error.hpp"

#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace xpmip::dataplane {
namespace {

bool kernel_has_btf() {
  return std::filesystem::exists("/sys/kernel/btf/vmlinux");
}

bool is_bpffs(const char* path) {
  struct statfs fs {};
  return ::statfs(path, &fs) == 0 && fs.f_type == static_cast<decltype(fs.f_type)>(BPF_FS_MAGIC);
}

std::string hint_for(int err) {
  switch (err) {
    case EPERM:
    case EACCES:
      if (::geteuid() != 0) return "run as root (or grant CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON)";
      return "check that no LSM/seccomp policy forbids bpf() and that the pin directory is on "
             "bpffs";
    case ENOENT:
    case ESRCH:
      if (!kernel_has_btf())
        return "the kernel has no BTF (/sys/kernel/btf/vmlinux); use a kernel built with "
               "CONFIG_DEBUG_INFO_BTF=y";
      if (!is_bpffs("/sys/fs/bpf")) return "mount bpffs: mount -t bpf bpf /sys/fs/bpf";
      return "the object does not exist (interface gone, or nothing attached/bound)";
    case EINVAL:
      return "if a pinned map was reused, its type, sizes or max_entries differ from this build: "
             "start with the same max_bindings, or remove the old pins (remove_pins)";
    case EBUSY:
    case EEXIST:
      return "another XDP program is attached to this interface (ip link set dev <if> xdp off, "
             "or detach it with bpftool net detach)";
    case EOPNOTSUPP:
      return "the driver has no native XDP; use generic mode";
    case ENOMEM:
    case E2BIG:
      return "lower max_bindings or raise the memory cgroup limit";
    case ENODEV:
      return "no such interface in this network namespace";
    case ENOTDIR:
    case EXDEV:
      return "mount bpffs: mount -t bpf bpf /sys/fs/bpf";
    default:
      return {};
  }
}

}  // namespace

Error make_error(std::string step, int err) {
  Error e;
  e.step = std::move(step);
  e.err = std::abs(err);
  e.hint = hint_for(e.err);
  return e;
}

std::string Error::message() const {
  std::string text = step + ": " + std::strerror(err) + " (errno " + std::to_string(err) + ")";
  if (!hint.empty()) text += ". Fix: " + hint;
  if (!verifier_log.empty()) text += "\n--- libbpf/verifier log ---\n" + verifier_log;
  return text;
}

}  // namespace xpmip::dataplane
