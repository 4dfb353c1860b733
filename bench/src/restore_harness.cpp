#include "restore_harness.hpp"

#include <bpf/bpf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "restore_harness.h"

namespace xpmip::bench {

namespace {

std::string failure(const std::string& step, int err) {
  return step + ": " + std::strerror(err < 0 ? -err : err);
}

}  // namespace

RestoreHarness::RestoreHarness(bpf_object* object) : object_(object) {}

tl::expected<RestoreHarness, std::string> RestoreHarness::load(const std::string& object_path) {
  bpf_object* object = bpf_object__open_file(object_path.c_str(), nullptr);
  if (object == nullptr) return tl::unexpected(failure("open " + object_path, errno));
  RestoreHarness harness(object);
  if (const int rc = bpf_object__load(object); rc != 0)
    return tl::unexpected(failure("load " + object_path, rc));
  auto program_fd = [&](const char* name) {
    const bpf_program* program = bpf_object__find_program_by_name(object, name);
    return program == nullptr ? -1 : bpf_program__fd(program);
  };
  auto map_fd = [&](const char* name) {
    const bpf_map* map = bpf_object__find_map_by_name(object, name);
    return map == nullptr ? -1 : bpf_map__fd(map);
  };
  harness.pass_fd_ = program_fd("bench_pass");
  harness.harness_fd_ = program_fd("bench_restore_and_call");
  harness.fib_only_fd_ = program_fd("bench_fib_only");
  harness.pristine_fd_ = map_fd("bench_pristine");
  harness.target_fd_ = map_fd("bench_target");
  if (harness.pass_fd_ < 0 || harness.harness_fd_ < 0 || harness.fib_only_fd_ < 0 ||
      harness.pristine_fd_ < 0 || harness.target_fd_ < 0)
    return tl::unexpected(object_path + ": missing a program or map (stale object?)");
  return harness;
}

tl::expected<void, std::string> RestoreHarness::set_pristine(const test::Bytes& frame) {
  if (frame.size() < BENCH_RESTORE_BYTES)
    return tl::unexpected("frame shorter than the " + std::to_string(BENCH_RESTORE_BYTES) +
                          " bytes the harness restores");
  bench_pristine value{};
  value.frame_len = static_cast<__u32>(frame.size());
  std::copy_n(frame.begin(), BENCH_RESTORE_BYTES, value.head);
  const __u32 zero = 0;
  if (bpf_map_update_elem(pristine_fd_, &zero, &value, BPF_ANY) != 0)
    return tl::unexpected(failure("write bench_pristine", errno));
  return {};
}

tl::expected<void, std::string> RestoreHarness::set_target(int program_fd) {
  const __u32 zero = 0;
  const __u32 fd = static_cast<__u32>(program_fd);
  if (bpf_map_update_elem(target_fd_, &zero, &fd, BPF_ANY) != 0)
    return tl::unexpected(failure("write bench_target", errno));
  return {};
}

}  // namespace xpmip::bench
