// Why a namespace test cannot run here, so it can GTEST_SKIP with a reason instead of failing.
#pragma once

#include <string>

namespace xpmip::netns {

// Empty when the process is root and ip, ethtool, ping and tshark are installed.
std::string missing_tools_or_privilege();

// Empty when /sys/kernel/btf/vmlinux exists (our CO-RE programs need it) and bpffs is mounted.
std::string missing_bpf_support();

}  // namespace xpmip::netns
