// Network namespaces for the interop tests: named (so `ip -n` and `nsenter --net` reach them),
// removed on destruction even when a test fails, and enterable from the calling thread for the
// in-process BPF loader, which must see the namespace's ifindexes and keep /sys/fs/bpf visible.
#pragma once

#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace xpmip::netns {

// Every object these tests create in the kernel is named "<kRunPrefixRoot><pid>-...", so a later
// run can tell which ones a crashed run left behind.
inline constexpr const char* kRunPrefixRoot = "xpt-";

// "xpt-<pid>-": the prefix of this process's namespaces and bpffs directories.
std::string run_prefix();

// Deletes namespaces and /sys/fs/bpf directories named by kRunPrefixRoot whose creating process
// no longer exists. Returns what it removed (for the test log).
std::vector<std::string> remove_stale_objects();

class NetNamespace {
 public:
  // Creates "<run_prefix()><role>" with loopback up and DAD off by default, so addresses are
  // usable at once and the first packet of a test does not wait for a tentative address.
  static tl::expected<NetNamespace, std::string> create(const std::string& role);

  NetNamespace(NetNamespace&& other) noexcept;
  NetNamespace& operator=(NetNamespace&& other) noexcept;
  NetNamespace(const NetNamespace&) = delete;
  NetNamespace& operator=(const NetNamespace&) = delete;
  ~NetNamespace();

  [[nodiscard]] const std::string& name() const { return name_; }

  // `ip -n <name> <args...>`.
  tl::expected<std::string, std::string> ip(const std::vector<std::string>& args) const;
  // `nsenter --net=<path> -- <argv...>`: unlike `ip netns exec` it switches only the network
  // namespace, with no private mount namespace and /sys remount per call (much cheaper on a
  // loaded machine, and /sys/fs/bpf stays visible, dataplane-notes.md §11).
  [[nodiscard]] std::vector<std::string> exec_argv(const std::vector<std::string>& argv) const;
  tl::expected<std::string, std::string> exec(const std::vector<std::string>& argv) const;
  // Writes /proc/sys/<key with dots as slashes> from inside the namespace: /proc/sys/net shows
  // the network namespace of the thread that opens it.
  tl::expected<void, std::string> sysctl(const std::string& key, const std::string& value) const;

 private:
  explicit NetNamespace(std::string name) : name_(std::move(name)) {}
  void remove() noexcept;
  std::string name_;
};

// A veth pair with one end in each namespace, both ends up and with GRO on: a veth only accepts
// XDP_REDIRECTed frames when its peer has NAPI (dataplane-notes.md §6 R1/R2), and turning GRO on
// everywhere keeps that true whichever end a data-plane program sends into.
tl::expected<void, std::string> add_veth(const NetNamespace& a, const std::string& a_dev,
                                         const NetNamespace& b, const std::string& b_dev);

// Switches the calling thread into a namespace and back on destruction. setns() leaves the mount
// namespace alone, so /sys/fs/bpf stays visible (dataplane-notes.md §11).
class ScopedNetnsEntry {
 public:
  static tl::expected<ScopedNetnsEntry, std::string> enter(const NetNamespace& ns);

  ScopedNetnsEntry(ScopedNetnsEntry&& other) noexcept;
  ScopedNetnsEntry& operator=(ScopedNetnsEntry&&) = delete;
  ScopedNetnsEntry(const ScopedNetnsEntry&) = delete;
  ScopedNetnsEntry& operator=(const ScopedNetnsEntry&) = delete;
  ~ScopedNetnsEntry();

 private:
  explicit ScopedNetnsEntry(int original_fd) : original_fd_(original_fd) {}
  int original_fd_ = -1;
};

}  // namespace xpmip::netns
