// PBU -> PBA transactions per second through the LMA protocol core in-process: codec parse,
// LmaCore::handle_pbu, PBA encode -- what the daemon does per message minus the socket -- at a
// growing number of live bindings, with the CPU time per transaction, and the core's memory per
// binding.
//
// A plain timed loop, not Google Benchmark: every message is single-use (timestamps must rise,
// RFC 5213 §5.5) and the state it runs against (up to a million bindings) takes seconds to
// build, which fits neither Google Benchmark's self-chosen iteration counts nor its re-runs.
#include <malloc.h>
#include <time.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>

#include "bench_report.hpp"
#include "lma_workload.hpp"
#include "xpmip/clock.hpp"
#include "xpmip/codec.hpp"
#include "xpmip/lma_core.hpp"
#include "xpmip/policy.hpp"
#include "xpmip/timestamp.hpp"

namespace xpmip::bench {
namespace {

using namespace std::chrono_literals;

struct Settings {
  std::vector<std::uint32_t> bindings = {1'000, 100'000, 1'000'000};
  std::uint32_t transactions = 200'000;  // per measured kind and size
  std::string out = "bench/results/lma_signalling.json";
};

const Ipv6Address kLmaAddress = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
// Virtual time between two messages: just over one Timestamp option unit (1/65536 s), so every
// message carries a strictly newer timestamp than the one before.
constexpr std::chrono::microseconds kMessageSpacing{16};
constexpr std::size_t kBatchMessages = 1 << 16;
constexpr std::size_t kMaxPbuBytes = 128;

// Every MAG is authorised and every node has the default profile with a pool prefix, as a
// RADIUS-style back-end would answer: the benchmark measures the core, not a policy table.
class OpenPolicy final : public Policy {
 public:
  [[nodiscard]] std::optional<MagPolicy> mag(const Ipv6Address&) const override {
    return MagPolicy{};
  }
  [[nodiscard]] std::optional<MnProfile> mobile_node(const MobileNodeId&) const override {
    return MnProfile{};
  }
};

double thread_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Heap bytes in use (glibc's count, exact) and resident set size (what the OS charges).
struct MemorySample {
  std::size_t heap_bytes = 0;
  std::size_t rss_bytes = 0;
};

MemorySample memory_now() {
  MemorySample sample;
  sample.heap_bytes = ::mallinfo2().uordblks;
  std::ifstream status("/proc/self/status");
  std::string key;
  std::size_t kib = 0;
  std::string unit;
  while (status >> key) {
    if (key == "VmRSS:" && status >> kib >> unit) sample.rss_bytes = kib * 1024;
  }
  return sample;
}

struct Timing {
  std::size_t transactions = 0;
  double wall_seconds = 0;
  double cpu_seconds = 0;
};

enum class Kind { kAttach, kRefresh, kHandoff };

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::kAttach:
      return "attach";
    case Kind::kRefresh:
      return "refresh";
    case Kind::kHandoff:
      return "handoff";
  }
  return "?";
}

// The LMA side: core, clock and policy, and the per-message pipeline the daemon runs.
class Lma {
 public:
  static tl::expected<std::unique_ptr<Lma>, std::string> create(std::size_t max_bindings) {
    std::unique_ptr<Lma> lma(new Lma);
    LmaConfig config;
    config.max_bindings = max_bindings;
    config.max_bindings_per_mag = max_bindings;
    config.pool_aggregate = Prefix{{0x20, 0x01, 0x0d, 0xb8, 0x10}, 40};  // 2^24 /64s
    auto core = LmaCore::create(config, lma->policy_, lma->clock_);
    if (!core) return tl::unexpected(std::string("bad LMA configuration"));
    lma->core_.emplace(std::move(*core));
    return lma;
  }

  // The timestamp the message sent `ahead` messages from now must carry to arrive "just sent".
  [[nodiscard]] std::uint64_t timestamp_ahead(std::size_t ahead) const {
    return to_pmip_timestamp(clock_.wall_now() + kMessageSpacing * (ahead + 1));
  }

  // Parses, handles and answers every message of `batch`; every one must be accepted. Attach
  // answers give the node its prefix.
  tl::expected<Timing, std::string> process(const PbuBatch& batch, MobileNodes& nodes, Kind kind) {
    std::size_t accepted = 0;
    std::size_t pba_bytes = 0;
    const double cpu_start = thread_cpu_seconds();
    const auto wall_start = std::chrono::steady_clock::now();
    for (const auto& entry : batch.entries()) {
      clock_.advance(kMessageSpacing);
      auto decoded = parse_mobility_header(batch.bytes(entry), std::nullopt);
      if (!decoded) return tl::unexpected("own PBU did not parse: " + decoded.error().detail);
      const auto* pbu = std::get_if<ProxyBindingUpdate>(&decoded->message);
      if (pbu == nullptr) return tl::unexpected(std::string("own PBU parsed as another type"));
      const LmaOutput out =
          core_->handle_pbu(*pbu, MobileNodes::mag_address(entry.mag), kLmaAddress);
      for (const auto& reply : out.replies) {
        auto encoded = encode_mobility_header(reply.pba, std::nullopt);
        if (!encoded) return tl::unexpected("PBA did not encode: " + encoded.error().detail);
        pba_bytes += encoded->bytes.size();
        if (reply.pba.status != PbaStatus::kAccepted) continue;
        ++accepted;
        if (kind == Kind::kAttach)
          nodes.set_prefix(entry.node, reply.pba.options.home_network_prefixes.at(0));
      }
    }
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - wall_start;
    Timing timing{batch.entries().size(), wall.count(), thread_cpu_seconds() - cpu_start};
    if (accepted != batch.entries().size() || pba_bytes == 0)
      return tl::unexpected(std::string(kind_name(kind)) + ": " + std::to_string(accepted) +
                            " of " + std::to_string(batch.entries().size()) + " PBUs accepted");
    return timing;
  }

  [[nodiscard]] std::size_t bindings() const { return core_->stats().bindings_created; }

 private:
  Lma() = default;

  ManualClock clock_;
  OpenPolicy policy_;
  std::optional<LmaCore> core_;
};

Timing& operator+=(Timing& sum, const Timing& part) {
  sum.transactions += part.transactions;
  sum.wall_seconds += part.wall_seconds;
  sum.cpu_seconds += part.cpu_seconds;
  return sum;
}

// Runs `count` messages of one kind in batches; `node_for(i)` picks the node of message i.
template <typename NodeFor>
tl::expected<Timing, std::string> run_kind(Lma& lma, MobileNodes& nodes, PbuBatch& batch, Kind kind,
                                           std::size_t count, NodeFor node_for) {
  Timing total;
  for (std::size_t done = 0; done < count;) {
    batch.clear();
    const std::size_t n = std::min(kBatchMessages, count - done);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t node = node_for(done + i);
      const std::uint64_t ts = lma.timestamp_ahead(i);
      const ProxyBindingUpdate pbu = kind == Kind::kAttach    ? nodes.attach(node, ts)
                                     : kind == Kind::kRefresh ? nodes.refresh(node, ts)
                                                              : nodes.handoff(node, ts);
      if (auto added = batch.add(pbu, static_cast<std::uint32_t>(nodes.mag_of(node)), node); !added)
        return tl::unexpected(added.error());
    }
    auto timing = lma.process(batch, nodes, kind);
    if (!timing) return tl::unexpected(timing.error());
    total += *timing;
    done += n;
  }
  return total;
}

nlohmann::json timing_json(Kind kind, std::size_t bindings, const Timing& t) {
  const double n = static_cast<double>(t.transactions);
  return {{"kind", kind_name(kind)},
          {"bindings", bindings},
          {"transactions", t.transactions},
          {"wall_seconds", t.wall_seconds},
          {"cpu_seconds", t.cpu_seconds},
          {"transactions_per_second", t.wall_seconds > 0 ? n / t.wall_seconds : 0.0},
          {"transactions_per_cpu_second", t.cpu_seconds > 0 ? n / t.cpu_seconds : 0.0},
          {"cpu_ns_per_transaction", n > 0 ? t.cpu_seconds * 1e9 / n : 0.0}};
}

int run(const Settings& s) {
  nlohmann::json doc = {{"benchmark", "lma_signalling"},
                        {"machine", bench::machine_description()},
                        {"parameters",
                         {{"bindings", s.bindings},
                          {"transactions", s.transactions},
                          {"simulated_mags", kSimulatedMags},
                          {"pipeline",
                           "parse_mobility_header + LmaCore::handle_pbu + "
                           "encode_mobility_header (PBA), checksums left to the "
                           "kernel as in the daemon"}}}};
  const std::size_t most = s.bindings.back();
  // Everything the benchmark itself needs is allocated before the first memory sample, so the
  // deltas are the core's.
  MobileNodes nodes(most);
  PbuBatch batch;
  batch.reserve(kBatchMessages, kBatchMessages * kMaxPbuBytes);
  std::mt19937 rng(5213);
  const MemorySample before = memory_now();
  auto lma = Lma::create(most);
  if (!lma) {
    std::cerr << "lma_signalling: " << lma.error() << '\n';
    return 1;
  }

  nlohmann::json rows = nlohmann::json::array();
  nlohmann::json memory_rows = nlohmann::json::array();
  std::uint32_t live = 0;
  for (const std::uint32_t target : s.bindings) {
    auto attached = run_kind(**lma, nodes, batch, Kind::kAttach, target - live,
                             [&](std::size_t i) { return static_cast<std::uint32_t>(live + i); });
    if (!attached) {
      std::cerr << "lma_signalling: " << attached.error() << '\n';
      return 1;
    }
    live = target;
    batch.clear();
    const MemorySample after = memory_now();
    memory_rows.push_back({{"bindings", live},
                           {"heap_bytes_per_binding",
                            static_cast<double>(after.heap_bytes - before.heap_bytes) / live},
                           {"rss_bytes_per_binding",
                            static_cast<double>(after.rss_bytes - before.rss_bytes) / live}});
    rows.push_back(timing_json(Kind::kAttach, live, *attached));
    std::uniform_int_distribution<std::uint32_t> any_node(0, live - 1);
    for (const Kind kind : {Kind::kRefresh, Kind::kHandoff}) {
      auto timed = run_kind(**lma, nodes, batch, kind, s.transactions,
                            [&](std::size_t) { return any_node(rng); });
      if (!timed) {
        std::cerr << "lma_signalling: " << timed.error() << '\n';
        return 1;
      }
      rows.push_back(timing_json(kind, live, *timed));
      std::cout << rows.back().dump() << std::endl;
    }
    if ((*lma)->bindings() != live) {
      std::cerr << "lma_signalling: the core created " << (*lma)->bindings() << " bindings, not "
                << live << '\n';
      return 1;
    }
  }
  doc["results"] = rows;
  doc["core_memory"] = memory_rows;
  doc["load_average_end"] = bench::load_average();
  if (!bench::write_json_file(s.out, doc)) return 1;

  std::ostringstream summary;
  summary << "lma_signalling:";
  for (const auto& row : rows)
    if (row["kind"] != "attach")
      summary << ' ' << row["kind"].get<std::string>() << '@' << row["bindings"].get<std::size_t>()
              << '=' << static_cast<long>(row["transactions_per_cpu_second"].get<double>())
              << "/cpu-s";
  summary << "; " << static_cast<long>(memory_rows.back()["heap_bytes_per_binding"].get<double>())
          << " heap B/binding -> " << s.out;
  std::cout << summary.str() << std::endl;
  return 0;
}

}  // namespace
}  // namespace xpmip::bench

int main(int argc, char** argv) {
  xpmip::bench::Settings s;
  CLI::App app{"PBU->PBA transactions per second through the LMA core, in-process"};
  app.add_option("--bindings", s.bindings, "live binding counts, ascending")->delimiter(',');
  app.add_option("--transactions", s.transactions, "timed refreshes and handoffs per count");
  app.add_option("--out", s.out, "JSON result file");
  CLI11_PARSE(app, argc, argv);
  if (s.bindings.empty() || s.bindings.front() < 1 || s.transactions < 1 ||
      !std::is_sorted(s.bindings.begin(), s.bindings.end()) || s.bindings.back() > (1u << 24)) {
    std::cerr << "bad arguments: bindings ascending within 1..2^24, transactions >= 1\n";
    return 2;
  }
  return xpmip::bench::run(s);
}
