#include "prog_run.hpp"

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <cstring>

namespace xpmip::bench {

tl::expected<ProgRun, std::string> run_xdp_repeated(int program_fd, const test::Bytes& frame,
                                                    std::uint32_t ingress_ifindex,
                                                    std::uint32_t repeat) {
  ProgRun run;
  // Room for the largest output any path makes (an encapsulated 1400-byte packet).
  run.out.assign(4096, 0);
  xdp_md ctx{};
  ctx.data_end = static_cast<__u32>(frame.size());
  ctx.ingress_ifindex = ingress_ifindex;
  bpf_test_run_opts opts{};
  opts.sz = sizeof(opts);
  opts.data_in = frame.data();
  opts.data_size_in = static_cast<__u32>(frame.size());
  opts.data_out = run.out.data();
  // Never 0: that asks the kernel to copy out without a size check.
  opts.data_size_out = static_cast<__u32>(run.out.size());
  opts.ctx_in = &ctx;
  opts.ctx_size_in = sizeof(ctx);
  opts.repeat = repeat;
  if (const int rc = bpf_prog_test_run_opts(program_fd, &opts); rc != 0)
    return tl::unexpected(std::string("BPF_PROG_RUN: ") + std::strerror(-rc));
  run.ns_per_run = static_cast<double>(opts.duration);
  run.action = static_cast<int>(opts.retval);
  run.out.resize(opts.data_size_out);
  return run;
}

}  // namespace xpmip::bench
