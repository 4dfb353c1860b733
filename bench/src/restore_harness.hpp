// Loader for bench/bpf/restore_harness.bpf.c: a trivial XDP_PASS program (the floor), the
// harness that restores the frame before tail-calling the program under test, so that
// BPF_PROG_RUN with a large repeat count measures the same packet on every iteration, and a
// program doing nothing but the FIB lookup the forwarding paths make.
#pragma once

#include <bpf/libbpf.h>

#include <memory>
#include <string>

#include <tl/expected.hpp>

#include "packet.hpp"

namespace xpmip::bench {

class RestoreHarness {
 public:
  static tl::expected<RestoreHarness, std::string> load(const std::string& object_path);

  // XDP_PASS and nothing else: the cheapest program BPF_PROG_RUN can time.
  [[nodiscard]] int pass_fd() const { return pass_fd_; }
  // bpf_fib_lookup on the frame's destination; XDP_TX on SUCCESS, else XDP_DROP.
  [[nodiscard]] int fib_only_fd() const { return fib_only_fd_; }
  // Restores the pristine frame, then tail-calls the current target.
  [[nodiscard]] int harness_fd() const { return harness_fd_; }

  // The frame every harness iteration starts from; BPF_PROG_RUN must be given the same frame.
  tl::expected<void, std::string> set_pristine(const test::Bytes& frame);
  tl::expected<void, std::string> set_target(int program_fd);

 private:
  struct ObjectCloser {
    void operator()(bpf_object* object) const noexcept { bpf_object__close(object); }
  };
  explicit RestoreHarness(bpf_object* object);

  std::unique_ptr<bpf_object, ObjectCloser> object_;
  int pass_fd_ = -1;
  int harness_fd_ = -1;
  int fib_only_fd_ = -1;
  int pristine_fd_ = -1;
  int target_fd_ = -1;
};

}  // namespace xpmip::bench
