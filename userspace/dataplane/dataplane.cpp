#include "xpmip/dataplane.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

// The shared layouts must be seen before the skeleton (it may name their types).
#include "xpmip/maps.h"
// The skeleton embeds the BPF object as one string literal longer than ISO C++ promises to accept.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Woverlength-strings"
#include "xpmip_bpf.skel.h"
#pragma clang diagnostic pop

#include "error.hpp"
#include "keys.hpp"
#include "libbpf_log.hpp"
#include "tc_filter.hpp"
#include "xdp_link.hpp"

namespace xpmip::dataplane {
namespace fs = std::filesystem;

static_assert(sizeof(xpmip_hnp64_key) == 8);
static_assert(sizeof(xpmip_hnp_lpm_key) == 20);
static_assert(sizeof(xpmip_lma_binding) == 16);
static_assert(sizeof(xpmip_mag_binding) == 12);
static_assert(sizeof(xpmip_config) == 48);
static_assert(sizeof(xpmip_counter_value) == 16);

const char* program_name(Program program) {
  switch (program) {
    case Program::kMagAccess:
      return "xpmip_mag_access";
    case Program::kMagCore:
      return "xpmip_mag_core";
    case Program::kLmaCore:
      return "xpmip_lma_core";
    case Program::kLmaExternal:
      return "xpmip_lma_external";
    case Program::kLmaLocalOut:
      return "xpmip_lma_local_out";
  }
  return "unknown";
}

namespace {

struct SkeletonDeleter {
  void operator()(xpmip_bpf* skel) const noexcept { xpmip_bpf__destroy(skel); }
};
using Skeleton = std::unique_ptr<xpmip_bpf, SkeletonDeleter>;

bool on_bpffs(const fs::path& path) {
  struct statfs st {};
  return ::statfs(path.c_str(), &st) == 0 &&
         st.f_type == static_cast<decltype(st.f_type)>(BPF_FS_MAGIC);
}

// The pin root must be on bpffs; its nearest existing ancestor tells whether it will be.
Result<void> check_bpffs(const fs::path& pin_root) {
  fs::path probe = pin_root;
  std::error_code ec;
  while (!fs::exists(probe, ec) && probe.has_parent_path() && probe != probe.parent_path())
    probe = probe.parent_path();
  if (on_bpffs(probe)) return {};
  Error e = make_error("check that " + pin_root.string() + " is on bpffs", ENOTDIR);
  e.hint = "mount bpffs: mount -t bpf bpf /sys/fs/bpf";
  return tl::unexpected(e);
}

Result<void> check_instance_name(const std::string& instance) {
  if (instance.empty() || instance == "." || instance == ".." ||
      instance.find('/') != std::string::npos) {
    Error e = make_error("check instance name '" + instance + "'", EINVAL);
    e.hint = "use a plain directory name such as 'mag0'";
    return tl::unexpected(e);
  }
  return {};
}

Result<void> check_prefix(const Ipv6Prefix& hnp, const char* what) {
  if (hnp.length == 0 || hnp.length > 128) {
    Error e = make_error(std::string(what) + ": HNP length " + std::to_string(hnp.length), EINVAL);
    e.hint = "an HNP has a prefix length from 1 to 128 (RFC 5213 uses /64)";
    return tl::unexpected(e);
  }
  return {};
}

template <typename Value>
Result<void> update_binding(bpf_map* hash, bpf_map* lpm, const Ipv6Prefix& hnp, const Value& value,
                            const char* what) {
  if (auto ok = check_prefix(hnp, what); !ok) return ok;
  int rc = 0;
  if (uses_hash_map(hnp)) {
    const auto key = hash_key(hnp);
    rc = bpf_map_update_elem(bpf_map__fd(hash), &key, &value, BPF_ANY);
  } else {
    const auto key = lpm_key(hnp);
    rc = bpf_map_update_elem(bpf_map__fd(lpm), &key, &value, BPF_ANY);
  }
  if (rc < 0) return fail(what, rc);
  return {};
}

Result<void> delete_binding(bpf_map* hash, bpf_map* lpm, const Ipv6Prefix& hnp, const char* what) {
  if (auto ok = check_prefix(hnp, what); !ok) return ok;
  int rc = 0;
  if (uses_hash_map(hnp)) {
    const auto key = hash_key(hnp);
    rc = bpf_map_delete_elem(bpf_map__fd(hash), &key);
  } else {
    const auto key = lpm_key(hnp);
    rc = bpf_map_delete_elem(bpf_map__fd(lpm), &key);
  }
  if (rc < 0) {
    Error e = make_error(what, rc);
    if (e.err == ENOENT) e.hint = "the HNP is not bound";
    return tl::unexpected(e);
  }
  return {};
}

// Every (key, value) of one map, by get_next_key iteration.
template <typename Key, typename Value>
Result<std::vector<std::pair<Key, Value>>> dump_map(bpf_map* map, const char* what) {
  std::vector<std::pair<Key, Value>> out;
  Key key{};
  Key next{};
  const void* previous = nullptr;
  while (bpf_map_get_next_key(bpf_map__fd(map), previous, &next) == 0) {
    Value value{};
    // An entry deleted between the two calls is simply skipped.
    if (bpf_map_lookup_elem(bpf_map__fd(map), &next, &value) == 0) out.emplace_back(next, value);
    key = next;
    previous = &key;
  }
  if (errno != ENOENT) return fail(what, errno);
  return out;
}

template <typename Entry, typename Value, typename Make>
Result<std::vector<Entry>> list_bindings(bpf_map* hash, bpf_map* lpm, const char* what,
                                         Make make_entry) {
  auto from_hash = dump_map<xpmip_hnp64_key, Value>(hash, what);
  if (!from_hash) return tl::unexpected(from_hash.error());
  auto from_lpm = dump_map<xpmip_hnp_lpm_key, Value>(lpm, what);
  if (!from_lpm) return tl::unexpected(from_lpm.error());
  std::vector<Entry> out;
  for (const auto& [key, value] : *from_hash) out.push_back(make_entry(prefix_from(key), value));
  for (const auto& [key, value] : *from_lpm) out.push_back(make_entry(prefix_from(key), value));
  return out;
}

}  // namespace

struct Dataplane::State {
  Skeleton skel;
  Options options;
  std::string pin_dir;

  [[nodiscard]] bpf_program* program(Program p) const {
    switch (p) {
      case Program::kMagAccess:
        return skel->progs.xpmip_mag_access;
      case Program::kMagCore:
        return skel->progs.xpmip_mag_core;
      case Program::kLmaCore:
        return skel->progs.xpmip_lma_core;
      case Program::kLmaExternal:
        return skel->progs.xpmip_lma_external;
      case Program::kLmaLocalOut:
        return skel->progs.xpmip_lma_local_out;
    }
    return nullptr;
  }

  [[nodiscard]] std::string link_pin(Program p, std::uint32_t ifindex) const {
    return pin_dir + "/link_" + program_name(p) + "_" + std::to_string(ifindex);
  }
};

Dataplane::Dataplane(std::unique_ptr<State> state) : state_(std::move(state)) {}
Dataplane::Dataplane(Dataplane&&) noexcept = default;
Dataplane& Dataplane::operator=(Dataplane&&) noexcept = default;
Dataplane::~Dataplane() = default;

Result<Dataplane> Dataplane::open(const Options& options) {
  route_libbpf_log(options.logger);
  if (auto ok = check_instance_name(options.instance); !ok) return tl::unexpected(ok.error());
  if (auto ok = check_bpffs(options.pin_root); !ok) return tl::unexpected(ok.error());

  auto state = std::make_unique<State>();
  state->options = options;
  state->pin_dir = options.pin_root + "/" + options.instance;
  std::error_code ec;
  fs::create_directories(state->pin_dir, ec);
  if (ec) return fail("create pin directory " + state->pin_dir, ec.value());

  LogCapture capture;
  bpf_object_open_opts open_opts{};
  open_opts.sz = sizeof(open_opts);
  open_opts.pin_root_path = state->pin_dir.c_str();
  state->skel.reset(xpmip_bpf__open_opts(&open_opts));
  if (!state->skel) return fail("open BPF object xpmip_bpf", errno);

  auto& maps = state->skel->maps;
  for (bpf_map* map : {maps.mag_hnp64_v1, maps.lma_hnp64_v1}) {
    if (int rc = bpf_map__set_max_entries(map, options.max_bindings); rc < 0)
      return fail(std::string("size map ") + bpf_map__name(map), rc);
  }
  for (bpf_map* map : {maps.mag_hnp_lpm_v1, maps.lma_hnp_lpm_v1}) {
    if (int rc = bpf_map__set_max_entries(map, options.max_lpm_bindings); rc < 0)
      return fail(std::string("size map ") + bpf_map__name(map), rc);
  }

  if (int rc = xpmip_bpf__load(state->skel.get()); rc < 0) {
    Error e = make_error("load BPF programs and maps (pins in " + state->pin_dir + ")", rc);
    e.verifier_log = capture.text();
    return tl::unexpected(e);
  }
  return Dataplane(std::move(state));
}

Result<AttachInfo> Dataplane::attach(Program program, std::uint32_t ifindex, XdpMode mode) {
  const std::string what =
      std::string(program_name(program)) + " on ifindex " + std::to_string(ifindex);
  if (program == Program::kLmaLocalOut) return attach_tc_egress(program_fd(program), ifindex, what);
  XdpAttachRequest request;
  request.prog_fd = program_fd(program);
  request.ifindex = ifindex;
  request.mode = mode;
  request.pin_path = state_->link_pin(program, ifindex);
  request.what = what;
  return attach_or_replace(request);
}

Result<void> Dataplane::detach(Program program, std::uint32_t ifindex) {
  const std::string what =
      std::string(program_name(program)) + " on ifindex " + std::to_string(ifindex);
  if (program == Program::kLmaLocalOut) return detach_tc_egress(ifindex, what);
  return detach_pinned(state_->link_pin(program, ifindex), what);
}

Result<void> Dataplane::set_config(const NodeConfig& config) {
  const __u32 key = 0;
  const xpmip_config value = to_map_value(config);
  if (int rc =
          bpf_map_update_elem(bpf_map__fd(state_->skel->maps.xpmip_cfg_v1), &key, &value, BPF_ANY);
      rc < 0)
    return fail("write configuration map " XPMIP_MAP_CONFIG, rc);
  return {};
}

Result<NodeConfig> Dataplane::config() const {
  const __u32 key = 0;
  xpmip_config value{};
  if (int rc = bpf_map_lookup_elem(bpf_map__fd(state_->skel->maps.xpmip_cfg_v1), &key, &value);
      rc < 0)
    return fail("read configuration map " XPMIP_MAP_CONFIG, rc);
  if (!value.enabled) {
    Error e = make_error("read configuration map " XPMIP_MAP_CONFIG, ENODATA);
    e.hint = "no configuration written yet (set_config)";
    return tl::unexpected(e);
  }
  return from_map_value(value);
}

Result<void> Dataplane::lma_bind(const Ipv6Prefix& hnp, const Ipv6Address& proxy_coa) {
  xpmip_lma_binding value{};
  std::copy(proxy_coa.begin(), proxy_coa.end(), value.proxy_coa);
  const auto& maps = state_->skel->maps;
  return update_binding(maps.lma_hnp64_v1, maps.lma_hnp_lpm_v1, hnp, value, "bind HNP at LMA");
}

Result<void> Dataplane::lma_unbind(const Ipv6Prefix& hnp) {
  const auto& maps = state_->skel->maps;
  return delete_binding(maps.lma_hnp64_v1, maps.lma_hnp_lpm_v1, hnp, "unbind HNP at LMA");
}

Result<std::vector<LmaBindingEntry>> Dataplane::lma_bindings() const {
  const auto& maps = state_->skel->maps;
  return list_bindings<LmaBindingEntry, xpmip_lma_binding>(
      maps.lma_hnp64_v1, maps.lma_hnp_lpm_v1, "list LMA bindings",
      [](const Ipv6Prefix& hnp, const xpmip_lma_binding& v) {
        LmaBindingEntry entry{hnp, {}};
        std::copy(std::begin(v.proxy_coa), std::end(v.proxy_coa), entry.proxy_coa.begin());
        return entry;
      });
}

Result<void> Dataplane::mag_bind(const Ipv6Prefix& hnp, const MagBinding& binding) {
  if (binding.access_ifindex == 0) {
    Error e = make_error("bind HNP at MAG", EINVAL);
    e.hint = "the binding needs the access interface's ifindex";
    return tl::unexpected(e);
  }
  xpmip_mag_binding value{};
  value.ifindex = binding.access_ifindex;
  std::copy(binding.mn_mac.begin(), binding.mn_mac.end(), value.mn_mac);
  const auto& maps = state_->skel->maps;
  return update_binding(maps.mag_hnp64_v1, maps.mag_hnp_lpm_v1, hnp, value, "bind HNP at MAG");
}

Result<void> Dataplane::mag_unbind(const Ipv6Prefix& hnp) {
  const auto& maps = state_->skel->maps;
  return delete_binding(maps.mag_hnp64_v1, maps.mag_hnp_lpm_v1, hnp, "unbind HNP at MAG");
}

Result<std::vector<MagBindingEntry>> Dataplane::mag_bindings() const {
  const auto& maps = state_->skel->maps;
  return list_bindings<MagBindingEntry, xpmip_mag_binding>(
      maps.mag_hnp64_v1, maps.mag_hnp_lpm_v1, "list MAG bindings",
      [](const Ipv6Prefix& hnp, const xpmip_mag_binding& v) {
        MagBindingEntry entry{hnp, {}};
        entry.binding.access_ifindex = v.ifindex;
        std::copy(std::begin(v.mn_mac), std::end(v.mn_mac), entry.binding.mn_mac.begin());
        return entry;
      });
}

Result<Counters> Dataplane::counters() const {
  const int cpus = libbpf_num_possible_cpus();
  if (cpus <= 0) return fail("count possible CPUs", cpus);
  std::vector<xpmip_counter_value> per_cpu(static_cast<std::size_t>(cpus));
  const int fd = bpf_map__fd(state_->skel->maps.xpmip_stats_v1);
  Counters out{};
  for (__u32 i = 0; i < XPMIP_CTR_COUNT; ++i) {
    if (int rc = bpf_map_lookup_elem(fd, &i, per_cpu.data()); rc < 0)
      return fail("read counter map " XPMIP_MAP_STATS, rc);
    for (const auto& v : per_cpu) {
      out[i].packets += v.packets;
      out[i].bytes += v.bytes;
    }
  }
  return out;
}

int Dataplane::program_fd(Program program) const {
  return bpf_program__fd(state_->program(program));
}

const std::string& Dataplane::pin_dir() const {
  return state_->pin_dir;
}

Result<void> Dataplane::remove_pins() {
  std::error_code ec;
  std::vector<fs::path> pins;
  for (const auto& entry : fs::directory_iterator(state_->pin_dir, ec))
    pins.push_back(entry.path());
  if (ec) return fail("list pin directory " + state_->pin_dir, ec.value());
  for (const auto& pin : pins) {
    if (pin.filename().string().rfind("link_", 0) == 0) {
      if (auto ok = detach_pinned(pin.string(), pin.filename().string()); !ok) return ok;
    } else if (::unlink(pin.c_str()) != 0) {
      return fail("remove pin " + pin.string(), errno);
    }
  }
  if (::rmdir(state_->pin_dir.c_str()) != 0) return fail("remove " + state_->pin_dir, errno);
  // The shared root goes too once the last instance is gone.
  ::rmdir(state_->options.pin_root.c_str());
  return {};
}

}  // namespace xpmip::dataplane
