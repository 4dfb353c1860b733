#include "prerequisites.hpp"

#include <sys/statfs.h>
#include <unistd.h>

#include <filesystem>
#include <linux/magic.h>

#include "process.hpp"

namespace xpmip::netns {

std::string missing_tools_or_privilege() {
  if (geteuid() != 0) return "namespace tests need root (they create netns, veths and routes)";
  for (const char* tool : {"ip", "ethtool", "ping", "tshark"}) {
    auto found = run_command({"sh", "-c", std::string("command -v ") + tool});
    if (!found || found->exit_code != 0)
      return std::string(tool) + " is not installed (scripts/setup.sh installs it)";
  }
  return {};
}

std::string missing_bpf_support() {
  if (!std::filesystem::exists("/sys/kernel/btf/vmlinux"))
    return "/sys/kernel/btf/vmlinux is missing: the kernel has no BTF for CO-RE programs";
  struct statfs fs {};
  if (statfs("/sys/fs/bpf", &fs) != 0 || fs.f_type != BPF_FS_MAGIC)
    return "bpffs is not mounted on /sys/fs/bpf (scripts/setup.sh mounts it)";
  return {};
}

}  // namespace xpmip::netns
