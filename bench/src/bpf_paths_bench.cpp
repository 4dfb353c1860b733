// Per-packet cost of the four xpmip forwarding paths (MAG encap/decap, LMA encap/decap) under
// BPF_PROG_RUN, for small and large inner packets, with 1 .. 1M random /64 bindings in the maps,
// next to a trivial XDP_PASS program timed in the same run (the floor). Also the BPF map memory
// per binding once the maps hold the largest count.
//
// Method (docs/benchmarks.md): each path runs behind bench/bpf/restore_harness.bpf.c, which puts
// the frame back before every iteration (the kernel does not), so `repeat` iterations forward the
// same packet on the same path. The harness's own cost (timed with XDP_PASS as its target) is
// subtracted. Every timed run is checked: verdict, output frame equal to a single plain run, and
// the path's counter advanced by exactly `repeat` -- a number from the wrong path is an error.
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <unordered_set>

#include "bench_report.hpp"
#include "packet.hpp"
#include "prog_run.hpp"
#include "restore_harness.hpp"
#include "test_bed.hpp"
#include "xpmip/dataplane.hpp"

namespace xpmip::bench {
namespace {

using dataplane::Dataplane;
using dataplane::Ipv6Address;
using dataplane::Ipv6Prefix;
using dataplane::MacAddress;
using dataplane::Program;
using test::Bytes;
using test::ethernet;
using test::ip;
using test::ipv6;
using test::udp;

struct Settings {
  std::uint32_t repeat = 1'000'000;
  int rounds = 5;
  std::vector<std::uint32_t> bindings = {1, 10'000, 1'000'000};
  std::vector<std::size_t> inner_sizes = {64, 1400};
  std::string harness_object = XPMIP_BENCH_HARNESS_OBJECT;  // set by bench/CMakeLists.txt
  std::string out = "bench/results/bpf_paths.json";
};

// Addresses of the test topology of tests/bpf/test_bed.hpp: core0 is 2001:db8:c::1, and
// 2001:db8:1a::/64 is routed via a permanent neighbour out of core0 (FIB SUCCESS).
const Ipv6Address kSelf = ip("2001:db8:c::1");  // the MAG's proxy-CoA, the LMA's address
const Ipv6Address kLma = ip("2001:db8:1a::1");
const Ipv6Address kMag = ip("2001:db8:1a::5");
const Ipv6Address kCn = ip("2001:db8:1a::99");
const Ipv6Prefix kHotHnp{ip("2001:db8:100:1::"), 64};  // the binding every packet hits
const Ipv6Address kMn = ip("2001:db8:100:1::10");
const MacAddress kMnMac = test::mac("02:00:00:00:00:10");
const MacAddress kPeerMac = test::mac("02:00:00:00:0a:0a");

constexpr std::size_t kIpv6Header = 40;
constexpr std::size_t kUdpHeader = 8;

Bytes inner_packet(const Ipv6Address& src, const Ipv6Address& dst, std::size_t inner_bytes) {
  return ipv6({src, dst, 0, 0x12345, 64, 17},
              udp(40000, 80, inner_bytes - kIpv6Header - kUdpHeader));
}

Bytes tunnelled(const Ipv6Address& outer_src, const Ipv6Address& outer_dst, const Bytes& inner) {
  return ipv6({outer_src, outer_dst, 0, 0x777, 63, 41}, inner);
}

// One forwarding path: which program, on which node's data plane, what arrives where, and the
// counter that proves the packet took the path.
struct Path {
  std::string name;
  Program program;
  bool on_mag;
  xpmip_counter counter;
};

const Path kPaths[] = {
    {"mag_encap", Program::kMagAccess, true, XPMIP_CTR_MAG_ACCESS_TX_ENCAP},
    {"mag_decap", Program::kMagCore, true, XPMIP_CTR_MAG_CORE_TX_DECAP},
    {"lma_encap", Program::kLmaExternal, false, XPMIP_CTR_LMA_EXT_TX_ENCAP},
    {"lma_decap", Program::kLmaCore, false, XPMIP_CTR_LMA_CORE_TX_DECAP},
};

struct Ingress {
  Bytes frame;
  std::uint32_t ifindex = 0;
};

Ingress ingress_for(const Path& path, const test::Topology& topo, std::size_t inner_bytes) {
  switch (path.program) {
    case Program::kMagAccess:  // MN -> CN, arriving on the access link
      return {ethernet(topo.acc0_mac, kMnMac, test::kEthIpv6, inner_packet(kMn, kCn, inner_bytes)),
              topo.acc0};
    case Program::kMagCore:  // LMA -> MAG tunnel, CN -> MN inside
      return {ethernet(topo.core0_mac, test::kNextHopMac, test::kEthIpv6,
                       tunnelled(kLma, kSelf, inner_packet(kCn, kMn, inner_bytes))),
              topo.core0};
    case Program::kLmaExternal:  // CN -> MN, arriving from the Internet
      return {
          ethernet(topo.acc0_mac, kPeerMac, test::kEthIpv6, inner_packet(kCn, kMn, inner_bytes)),
          topo.acc0};
    case Program::kLmaCore:  // MAG -> LMA tunnel, MN -> CN inside
    case Program::kLmaLocalOut:
      break;
  }
  return {ethernet(topo.acc0_mac, kPeerMac, test::kEthIpv6,
                   tunnelled(kMag, kSelf, inner_packet(kMn, kCn, inner_bytes))),
          topo.acc0};
}

// A plain IPv6 packet to a routed destination, for the FIB-only reference program.
Ingress fib_reference_ingress(const test::Topology& topo, std::size_t inner_bytes) {
  return {ethernet(topo.acc0_mac, kPeerMac, test::kEthIpv6, inner_packet(kMn, kCn, inner_bytes)),
          topo.acc0};
}

std::string action_name(int action) {
  switch (action) {
    case XDP_ABORTED:
      return "XDP_ABORTED";
    case XDP_DROP:
      return "XDP_DROP";
    case XDP_PASS:
      return "XDP_PASS";
    case XDP_TX:
      return "XDP_TX";
    case XDP_REDIRECT:
      return "XDP_REDIRECT";
    default:
      return std::to_string(action);
  }
}

// Random global-unicast /64s (2000::/3 outside 2001:db8::/32, so never the hot HNP or a route
// of the topology), all distinct, the same sequence on every run.
class RandomPrefixes {
 public:
  Ipv6Prefix next() {
    for (;;) {
      const std::uint64_t upper = (rng_() & 0x1fff'ffff'ffff'ffffULL) | 0x2000'0000'0000'0000ULL;
      if ((upper >> 32) == 0x2001'0db8ULL || !seen_.insert(upper).second) continue;
      Ipv6Prefix prefix;
      for (std::size_t i = 0; i < 8; ++i)
        prefix.addr[i] = static_cast<std::uint8_t>(upper >> (56 - 8 * i));
      return prefix;
    }
  }

 private:
  std::mt19937_64 rng_{5213};
  std::unordered_set<std::uint64_t> seen_;
};

// The two nodes' data planes in this namespace, each with its own pins, removed on exit (not
// movable: a moved-from Dataplane cannot remove its pins).
class Nodes {
 public:
  static tl::expected<std::unique_ptr<Nodes>, std::string> open(const test::Topology& topo) {
    std::unique_ptr<Nodes> nodes(new Nodes);
    auto mag = Dataplane::open(options("mag"));
    if (!mag) return tl::unexpected(mag.error().message());
    nodes->mag_.emplace(std::move(*mag));
    auto lma = Dataplane::open(options("lma"));
    if (!lma) return tl::unexpected(lma.error().message());
    nodes->lma_.emplace(std::move(*lma));

    dataplane::NodeConfig mag_config;
    mag_config.self = kSelf;
    mag_config.peer = kLma;
    dataplane::NodeConfig lma_config;
    lma_config.self = kSelf;
    const dataplane::MagBinding at_acc0{topo.acc0, kMnMac};
    for (auto step :
         {nodes->mag_->set_config(mag_config), nodes->lma_->set_config(lma_config),
          nodes->mag_->mag_bind(kHotHnp, at_acc0), nodes->lma_->lma_bind(kHotHnp, kMag)})
      if (!step) return tl::unexpected(step.error().message());
    nodes->at_acc0_ = at_acc0;
    return nodes;
  }

  Nodes(const Nodes&) = delete;
  Nodes& operator=(const Nodes&) = delete;
  ~Nodes() {
    for (auto* dp : {&mag_, &lma_})
      if (*dp) (void)(*dp)->remove_pins();
  }

  Dataplane& mag() { return *mag_; }
  Dataplane& lma() { return *lma_; }
  Dataplane& of(const Path& path) { return path.on_mag ? *mag_ : *lma_; }

  // Adds random /64 bindings to both nodes until each holds `count` (the hot one included).
  tl::expected<double, std::string> grow_to(std::uint32_t count) {
    const auto start = std::chrono::steady_clock::now();
    std::uint32_t added = 0;
    for (; bound_ < count; ++bound_, ++added) {
      const Ipv6Prefix prefix = prefixes_.next();
      if (auto r = mag_->mag_bind(prefix, at_acc0_); !r) return tl::unexpected(r.error().message());
      if (auto r = lma_->lma_bind(prefix, kMag); !r) return tl::unexpected(r.error().message());
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    return added == 0 ? 0.0 : took.count() * 1e9 / (2.0 * added);
  }

 private:
  Nodes() = default;

  static dataplane::Options options(const std::string& role) {
    dataplane::Options o;
    o.pin_root = "/sys/fs/bpf/xpmip-bench";
    o.instance = role + "-" + std::to_string(::getpid());
    o.logger = [](dataplane::LogLevel level, const std::string& text) {
      if (level == dataplane::LogLevel::kWarn) std::cerr << "libbpf: " << text << '\n';
    };
    return o;
  }

  std::optional<Dataplane> mag_;
  std::optional<Dataplane> lma_;
  dataplane::MagBinding at_acc0_{};
  std::uint32_t bound_ = 1;
  RandomPrefixes prefixes_;
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

struct CellTimes {
  std::vector<double> floor;
  std::vector<double> harness_floor;  // empty when the program ran without the harness
  std::vector<double> timed;
  std::string action;
};

// The harness cost and the floor are taken from the same round as the path's own time, so a
// round slowed by other work on the machine shifts all three alike.
nlohmann::json result_row(const std::string& path, const std::string& program,
                          std::size_t inner_bytes, std::size_t frame_bytes, std::uint32_t bindings,
                          const CellTimes& times) {
  std::vector<double> path_ns, ratios, harness_ns;
  for (std::size_t i = 0; i < times.timed.size(); ++i) {
    const double harness =
        times.harness_floor.empty() ? 0.0 : times.harness_floor[i] - times.floor[i];
    harness_ns.push_back(harness);
    path_ns.push_back(times.timed[i] - harness);
    ratios.push_back(times.floor[i] > 0 ? path_ns.back() / times.floor[i] : 0.0);
  }
  return {{"path", path},
          {"program", program},
          {"inner_bytes", inner_bytes},
          {"frame_bytes", frame_bytes},
          {"bindings", bindings},
          {"verdict", times.action},
          {"ns_per_packet", median(path_ns)},
          {"ns_per_packet_min", *std::min_element(path_ns.begin(), path_ns.end())},
          {"floor_ns", median(times.floor)},
          {"ratio_to_floor", median(ratios)},
          {"harness_ns", median(harness_ns)},
          {"timed_ns_per_round", times.timed},
          {"floor_ns_per_round", times.floor}};
}

// A program that leaves the frame alone needs no harness: timed directly next to the floor.
tl::expected<CellTimes, std::string> time_direct(const Settings& s, RestoreHarness& harness,
                                                 int program_fd, const Ingress& in,
                                                 int expected_action) {
  CellTimes times;
  times.action = action_name(expected_action);
  for (int round = -1; round < s.rounds; ++round) {  // round -1: warm-up, not kept
    auto floor = run_xdp_repeated(harness.pass_fd(), in.frame, in.ifindex, s.repeat);
    auto timed = run_xdp_repeated(program_fd, in.frame, in.ifindex, s.repeat);
    if (!floor || !timed) return tl::unexpected(floor ? timed.error() : floor.error());
    if (timed->action != expected_action || timed->out != in.frame)
      return tl::unexpected("reference program gave " + action_name(timed->action) + ", expected " +
                            times.action + " and an unchanged frame");
    if (round < 0) continue;
    times.floor.push_back(floor->ns_per_run);
    times.timed.push_back(timed->ns_per_run);
  }
  return times;
}

tl::expected<std::uint64_t, std::string> counter_packets(Dataplane& dp, xpmip_counter id) {
  auto all = dp.counters();
  if (!all) return tl::unexpected(all.error().message());
  return (*all)[id].packets;
}

// Times one (path, frame) cell `rounds` times, interleaving floor, harness floor and path so that
// load changes hit all three alike.
tl::expected<CellTimes, std::string> time_cell(const Settings& s, RestoreHarness& harness,
                                               Dataplane& dp, const Path& path, const Ingress& in) {
  const int path_fd = dp.program_fd(path.program);
  auto reference = run_xdp_repeated(path_fd, in.frame, in.ifindex, 1);
  if (!reference) return tl::unexpected(reference.error());
  if (reference->action != XDP_REDIRECT)
    return tl::unexpected(path.name + ": a single run gave " + action_name(reference->action) +
                          ", expected XDP_REDIRECT (topology or bindings wrong)");
  if (auto r = harness.set_pristine(in.frame); !r) return tl::unexpected(r.error());

  CellTimes times;
  times.action = action_name(reference->action);
  // Round -1 warms the caches and the branch predictors for this cell and is not kept.
  for (int round = -1; round < s.rounds; ++round) {
    auto floor = run_xdp_repeated(harness.pass_fd(), in.frame, in.ifindex, s.repeat);
    if (auto r = harness.set_target(harness.pass_fd()); !r) return tl::unexpected(r.error());
    auto harness_floor = run_xdp_repeated(harness.harness_fd(), in.frame, in.ifindex, s.repeat);
    if (auto r = harness.set_target(path_fd); !r) return tl::unexpected(r.error());
    const auto before = counter_packets(dp, path.counter);
    auto timed = run_xdp_repeated(harness.harness_fd(), in.frame, in.ifindex, s.repeat);
    const auto after = counter_packets(dp, path.counter);
    for (const auto* run : {&floor, &harness_floor, &timed})
      if (!*run) return tl::unexpected(run->error());
    if (!before || !after) return tl::unexpected(before ? after.error() : before.error());
    if (floor->action != XDP_PASS || harness_floor->action != XDP_PASS)
      return tl::unexpected(std::string("the floor programs did not pass (harness broken)"));
    if (timed->action != reference->action || timed->out != reference->out)
      return tl::unexpected(path.name + ": the repeated run ended differently from a single run");
    if (*after - *before != s.repeat)
      return tl::unexpected(path.name + ": " + xpmip_counter_names[path.counter] + " advanced by " +
                            std::to_string(*after - *before) + ", not by every one of " +
                            std::to_string(s.repeat) + " iterations");
    if (round < 0) continue;
    times.floor.push_back(floor->ns_per_run);
    times.harness_floor.push_back(harness_floor->ns_per_run);
    times.timed.push_back(timed->ns_per_run);
  }
  return times;
}

// The kernel's own accounting of a map's memory (what `bpftool map show` prints as memlock).
std::optional<std::uint64_t> map_memlock(const std::string& pin_path) {
  const int fd = bpf_obj_get(pin_path.c_str());
  if (fd < 0) return std::nullopt;
  std::ifstream fdinfo("/proc/self/fdinfo/" + std::to_string(fd));
  std::optional<std::uint64_t> memlock;
  std::string key;
  std::uint64_t value = 0;
  while (fdinfo >> key) {
    if (key == "memlock:" && fdinfo >> value) memlock = value;
  }
  ::close(fd);
  return memlock;
}

// Kernel slab memory in bytes (/proc/meminfo "Slab"): machine-wide, so only a large delta means
// anything on a shared machine.
std::optional<std::uint64_t> slab_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kib = 0;
  std::string unit;
  while (meminfo >> key >> kib >> unit)
    if (key == "Slab:") return kib * 1024;
  return std::nullopt;
}

struct MapMemory {
  std::string map;
  std::optional<std::uint64_t> memlock;
};

std::vector<MapMemory> binding_map_memory(Nodes& nodes) {
  return {{XPMIP_MAP_MAG_HNP64, map_memlock(nodes.mag().pin_dir() + "/" + XPMIP_MAP_MAG_HNP64)},
          {XPMIP_MAP_LMA_HNP64, map_memlock(nodes.lma().pin_dir() + "/" + XPMIP_MAP_LMA_HNP64)}};
}

nlohmann::json memory_json(const std::vector<MapMemory>& empty, const std::vector<MapMemory>& full,
                           std::optional<std::uint64_t> slab_before,
                           std::optional<std::uint64_t> slab_after, std::uint32_t added) {
  nlohmann::json maps = nlohmann::json::array();
  for (std::size_t i = 0; i < full.size(); ++i) {
    nlohmann::json row = {{"map", full[i].map}, {"bindings", added + 1}};
    if (empty[i].memlock && full[i].memlock) {
      row["memlock_bytes"] = *full[i].memlock;
      row["memlock_bytes_per_binding"] =
          static_cast<double>(*full[i].memlock - *empty[i].memlock) / added;
    }
    maps.push_back(row);
  }
  nlohmann::json out = {{"maps", maps}};
  if (slab_before && slab_after && *slab_after > *slab_before)
    out["slab_bytes_per_binding_per_map"] =
        static_cast<double>(*slab_after - *slab_before) / (2.0 * added);
  return out;
}

int run(const Settings& s) {
  if (::geteuid() != 0) {
    std::cerr << "bpf_paths: needs root (BPF_PROG_RUN, network namespaces, bpffs)\n";
    return 77;
  }
  const rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
  ::setrlimit(RLIMIT_MEMLOCK, &unlimited);
  nlohmann::json doc = {{"benchmark", "bpf_paths"}, {"machine", bench::machine_description()}};
  doc["parameters"] = {{"repeat", s.repeat},
                       {"rounds", s.rounds},
                       {"bindings", s.bindings},
                       {"inner_bytes", s.inner_sizes},
                       {"method",
                        "BPF_PROG_RUN behind a restore harness; per round, path minus the "
                        "harness's own cost, and its ratio to that round's floor; medians over "
                        "rounds"}};

  test::NetnsGuard netns;
  if (!netns.ok()) {
    std::cerr << "bpf_paths: cannot create a network namespace\n";
    return 1;
  }
  const auto topo = test::build_topology();
  if (!topo) return 1;
  auto harness = RestoreHarness::load(s.harness_object);
  if (!harness) {
    std::cerr << "bpf_paths: " << harness.error() << '\n';
    return 1;
  }
  auto nodes = Nodes::open(*topo);
  if (!nodes) {
    std::cerr << "bpf_paths: " << nodes.error() << '\n';
    return 1;
  }

  const auto memory_empty = binding_map_memory(**nodes);
  const auto slab_before = slab_bytes();
  nlohmann::json rows = nlohmann::json::array();
  nlohmann::json insert_rows = nlohmann::json::array();
  for (const std::uint32_t count : s.bindings) {
    auto insert_ns = (*nodes)->grow_to(count);
    if (!insert_ns) {
      std::cerr << "bpf_paths: adding bindings: " << insert_ns.error() << '\n';
      return 1;
    }
    insert_rows.push_back({{"bindings", count}, {"ns_per_map_update", *insert_ns}});
    for (const Path& path : kPaths) {
      for (const std::size_t inner : s.inner_sizes) {
        const Ingress in = ingress_for(path, *topo, inner);
        auto times = time_cell(s, *harness, (*nodes)->of(path), path, in);
        if (!times) {
          std::cerr << "bpf_paths: " << times.error() << '\n';
          return 1;
        }
        rows.push_back(result_row(path.name, dataplane::program_name(path.program), inner,
                                  in.frame.size(), count, *times));
        std::cout << rows.back().dump() << std::endl;
      }
    }
    for (const std::size_t inner : s.inner_sizes) {
      const Ingress in = fib_reference_ingress(*topo, inner);
      auto times = time_direct(s, *harness, harness->fib_only_fd(), in, XDP_TX);
      if (!times) {
        std::cerr << "bpf_paths: " << times.error() << '\n';
        return 1;
      }
      rows.push_back(
          result_row("fib_lookup_only", "bench_fib_only", inner, in.frame.size(), count, *times));
    }
  }
  const std::uint32_t added = s.bindings.empty() ? 0 : s.bindings.back() - 1;
  doc["results"] = rows;
  doc["map_updates"] = insert_rows;
  if (added > 0)
    doc["map_memory"] =
        memory_json(memory_empty, binding_map_memory(**nodes), slab_before, slab_bytes(), added);
  doc["load_average_end"] = bench::load_average();
  if (!bench::write_json_file(s.out, doc)) return 1;

  std::ostringstream summary;
  summary << "bpf_paths:";
  for (const auto& row : rows)
    if (row["bindings"] == s.bindings.back() && row["inner_bytes"] == s.inner_sizes.front() &&
        row["path"] != "fib_lookup_only")
      summary << ' ' << row["path"].get<std::string>() << ' '
              << static_cast<int>(row["ns_per_packet"].get<double>() + 0.5) << "ns";
  if (!rows.empty())
    summary << " (floor " << rows.back()["floor_ns"].get<double>() << "ns; "
            << s.inner_sizes.front() << "B inner, " << s.bindings.back() << " bindings) -> "
            << s.out;
  std::cout << summary.str() << std::endl;
  return 0;
}

}  // namespace
}  // namespace xpmip::bench

int main(int argc, char** argv) {
  xpmip::bench::Settings s;
  CLI::App app{"Per-packet cost of the xpmip XDP paths under BPF_PROG_RUN"};
  app.add_option("--repeat", s.repeat, "BPF_PROG_RUN repeat count per timed run");
  app.add_option("--rounds", s.rounds, "timed runs per cell; the median is reported");
  app.add_option("--bindings", s.bindings, "binding counts, ascending")->delimiter(',');
  app.add_option("--inner-bytes", s.inner_sizes, "inner IPv6 packet sizes (>= 64)")->delimiter(',');
  app.add_option("--harness", s.harness_object, "restore_harness.bpf.o from the build");
  app.add_option("--out", s.out, "JSON result file");
  CLI11_PARSE(app, argc, argv);
  if (s.repeat == 0 || s.rounds < 1 || s.bindings.empty() ||
      !std::is_sorted(s.bindings.begin(), s.bindings.end()) || s.bindings.front() < 1 ||
      std::any_of(s.inner_sizes.begin(), s.inner_sizes.end(),
                  [](std::size_t n) { return n < 64 || n > 1400; })) {
    std::cerr << "bad arguments: repeat >= 1, rounds >= 1, bindings ascending from >= 1, "
                 "inner sizes 64..1400\n";
    return 2;
  }
  return xpmip::bench::run(s);
}
