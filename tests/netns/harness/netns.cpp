#include "netns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <utility>

#include "process.hpp"

namespace xpmip::netns {
namespace {

namespace fs = std::filesystem;

constexpr const char* kNetnsDir = "/run/netns";
constexpr const char* kBpffsRoot = "/sys/fs/bpf";

// "xpt-<pid>-rest" -> pid, or 0 when the name is not ours.
pid_t owner_pid(std::string_view name) {
  const std::string_view root = kRunPrefixRoot;
  if (name.substr(0, root.size()) != root) return 0;
  name.remove_prefix(root.size());
  auto dash = name.find('-');
  if (dash == 0 || dash == std::string_view::npos) return 0;
  pid_t pid = 0;
  for (char c : name.substr(0, dash)) {
    if (c < '0' || c > '9') return 0;
    pid = pid * 10 + (c - '0');
  }
  return pid;
}

bool process_alive(pid_t pid) {
  return kill(pid, 0) == 0 || errno == EPERM;
}

bool is_stale(const std::string& name) {
  pid_t pid = owner_pid(name);
  return pid > 0 && pid != getpid() && !process_alive(pid);
}

}  // namespace

std::string run_prefix() {
  return std::string(kRunPrefixRoot) + std::to_string(getpid()) + "-";
}

std::vector<std::string> remove_stale_objects() {
  std::vector<std::string> removed;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(kNetnsDir, ec)) {
    std::string name = entry.path().filename().string();
    if (!is_stale(name)) continue;
    if (run_checked({"ip", "netns", "delete", name})) removed.push_back("netns " + name);
  }
  for (const auto& entry : fs::directory_iterator(kBpffsRoot, ec)) {
    std::string name = entry.path().filename().string();
    if (!is_stale(name)) continue;
    std::error_code rm_ec;
    fs::remove_all(entry.path(), rm_ec);
    if (!rm_ec) removed.push_back("bpffs " + entry.path().string());
  }
  return removed;
}

tl::expected<NetNamespace, std::string> NetNamespace::create(const std::string& role) {
  NetNamespace ns(run_prefix() + role);
  if (auto r = run_checked({"ip", "netns", "add", ns.name_}); !r) {
    ns.name_.clear();  // not ours to delete: it may belong to someone else
    return tl::unexpected(r.error());
  }
  if (auto r = ns.ip({"link", "set", "lo", "up"}); !r) return tl::unexpected(r.error());
  // Veths created later inherit "default"; "all" covers the loopback that already exists.
  for (const char* scope : {"default", "all"}) {
    auto key = std::string("net.ipv6.conf.") + scope + ".accept_dad";
    if (auto r = ns.sysctl(key, "0"); !r) return tl::unexpected(r.error());
  }
  return ns;
}

NetNamespace::NetNamespace(NetNamespace&& other) noexcept
    : name_(std::exchange(other.name_, std::string())) {}

NetNamespace& NetNamespace::operator=(NetNamespace&& other) noexcept {
  if (this != &other) {
    remove();
    name_ = std::exchange(other.name_, std::string());
  }
  return *this;
}

NetNamespace::~NetNamespace() {
  remove();
}

void NetNamespace::remove() noexcept {
  if (name_.empty()) return;
  // Deleting the namespace also destroys its veths (and their peers elsewhere), their
  // netlink-attached XDP/TC programs and every route: nothing else needs undoing.
  (void)run_command({"ip", "netns", "delete", name_});
  name_.clear();
}

tl::expected<std::string, std::string> NetNamespace::ip(
    const std::vector<std::string>& args) const {
  std::vector<std::string> argv{"ip", "-n", name_};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_checked(argv);
}

std::vector<std::string> NetNamespace::exec_argv(const std::vector<std::string>& argv) const {
  std::vector<std::string> out{"nsenter", "--net=" + std::string(kNetnsDir) + "/" + name_, "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

tl::expected<std::string, std::string> NetNamespace::exec(
    const std::vector<std::string>& argv) const {
  return run_checked(exec_argv(argv));
}

tl::expected<void, std::string> NetNamespace::sysctl(const std::string& key,
                                                     const std::string& value) const {
  std::string relative = key;
  std::replace(relative.begin(), relative.end(), '.', '/');
  const std::string path = "/proc/sys/" + relative;
  auto inside = ScopedNetnsEntry::enter(*this);
  if (!inside) return tl::unexpected(inside.error());
  std::ofstream file(path);
  file << value << '\n';
  file.close();
  if (!file) return tl::unexpected("cannot write " + value + " to " + path + " in " + name_);
  return {};
}

tl::expected<void, std::string> add_veth(const NetNamespace& a, const std::string& a_dev,
                                         const NetNamespace& b, const std::string& b_dev) {
  // Created directly inside the namespaces, so the short device names never meet in the root one.
  if (auto r = run_checked({"ip", "link", "add", a_dev, "netns", a.name(), "type", "veth", "peer",
                            "name", b_dev, "netns", b.name()});
      !r)
    return tl::unexpected(r.error());
  for (const auto& [ns, dev] : {std::pair{&a, a_dev}, std::pair{&b, b_dev}}) {
    if (auto r = ns->ip({"link", "set", dev, "up"}); !r) return tl::unexpected(r.error());
    if (auto r = ns->exec({"ethtool", "-K", dev, "gro", "on"}); !r)
      return tl::unexpected(r.error());
  }
  return {};
}

tl::expected<ScopedNetnsEntry, std::string> ScopedNetnsEntry::enter(const NetNamespace& ns) {
  int original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (original < 0) return tl::unexpected(std::string("open own netns: ") + std::strerror(errno));
  std::string path = std::string(kNetnsDir) + "/" + ns.name();
  int target = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    int err = errno;
    close(original);
    return tl::unexpected("open " + path + ": " + std::strerror(err));
  }
  int rc = setns(target, CLONE_NEWNET);
  int err = errno;
  close(target);
  if (rc != 0) {
    close(original);
    return tl::unexpected("setns " + path + ": " + std::strerror(err));
  }
  return ScopedNetnsEntry(original);
}

ScopedNetnsEntry::ScopedNetnsEntry(ScopedNetnsEntry&& other) noexcept
    : original_fd_(std::exchange(other.original_fd_, -1)) {}

ScopedNetnsEntry::~ScopedNetnsEntry() {
  if (original_fd_ < 0) return;
  // Failing to return would leave the thread in a namespace that is about to be deleted; every
  // later step of the test would then act on the wrong network, so stop here instead.
  if (setns(original_fd_, CLONE_NEWNET) != 0) std::abort();
  close(original_fd_);
}

}  // namespace xpmip::netns
