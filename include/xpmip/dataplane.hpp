// The XDP data plane as the daemon sees it: load the BPF programs, pin their maps and links under
// /sys/fs/bpf/xpmip/<instance>/, attach them, and apply binding events as single map updates.
//
// Restart model: a second Dataplane opened with the same instance name reuses the pinned maps
// (bindings, configuration and counters survive) and attach() swaps the program on the pinned
// link atomically, so forwarding never stops. Nothing is detached when a Dataplane is destroyed;
// detach() or remove_pins() do that explicitly.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "xpmip/maps.h"
#include "xpmip/wire.hpp"

namespace xpmip::dataplane {

// A failure with the step that failed, the errno behind it and, when there is a usual cause, the
// fix in plain words ("mount -t bpf bpf /sys/fs/bpf").
struct Error {
  std::string step;
  int err = 0;  // positive errno
  std::string hint;
  std::string verifier_log;  // load failures only

  [[nodiscard]] std::string message() const;
};

template <typename T>
using Result = tl::expected<T, Error>;

// The project's address types (xpmip/wire.hpp), also reachable as dataplane::Ipv6Address etc.
using xpmip::Ipv6Address;
using xpmip::MacAddress;

struct Ipv6Prefix {
  Ipv6Address addr{};
  std::uint8_t length = 64;

  friend bool operator==(const Ipv6Prefix&, const Ipv6Prefix&) = default;
};

// RFC 6543 §2: the MAC all MAGs of a domain may share on their access links.
inline constexpr MacAddress kRfc6543MagMac = {0x00, 0x00, 0x5e, 0x00, 0x52, 0x13};

enum class Program {
  kMagAccess,    // XDP, MN-facing interface of a MAG
  kMagCore,      // XDP, LMA-facing interface of a MAG
  kLmaCore,      // XDP, MAG-facing interface of an LMA
  kLmaExternal,  // XDP, Internet-facing interface of an LMA
  kLmaLocalOut,  // TC egress, interface the LMA's HNP routes point at (host-generated traffic)
};

[[nodiscard]] const char* program_name(Program program);

enum class XdpMode {
  kNativeOrGeneric,  // native driver mode; generic (skb) mode with a warning if unsupported
  kNative,
  kGeneric,
};

enum class LogLevel { kDebug, kInfo, kWarn };
using Logger = std::function<void(LogLevel, const std::string&)>;

struct Options {
  std::string instance = "default";
  std::string pin_root = "/sys/fs/bpf/xpmip";
  std::uint32_t max_bindings = XPMIP_DEFAULT_MAX_BINDINGS;          // /64 hash maps
  std::uint32_t max_lpm_bindings = XPMIP_DEFAULT_MAX_LPM_BINDINGS;  // other prefix lengths
  Logger logger;  // libbpf's messages and attach warnings; empty = spdlog's default logger
};

// What the programs need to know about this node (see struct xpmip_config in maps.h).
struct NodeConfig {
  Ipv6Address self{};  // MAG: proxy-CoA. LMA: LMA address.
  Ipv6Address peer{};  // MAG: LMA address. LMA: unused.
  MacAddress access_mac = kRfc6543MagMac;
  std::uint8_t outer_hop_limit = 64;  // RFC 2473 §6.3
  std::uint32_t ptb_per_second = 100;
  std::uint32_t ptb_burst = 20;

  friend bool operator==(const NodeConfig&, const NodeConfig&) = default;
};

struct MagBinding {
  std::uint32_t access_ifindex = 0;
  MacAddress mn_mac{};

  friend bool operator==(const MagBinding&, const MagBinding&) = default;
};

struct LmaBindingEntry {
  Ipv6Prefix hnp;
  Ipv6Address proxy_coa{};

  friend bool operator==(const LmaBindingEntry&, const LmaBindingEntry&) = default;
};

struct MagBindingEntry {
  Ipv6Prefix hnp;
  MagBinding binding;

  friend bool operator==(const MagBindingEntry&, const MagBindingEntry&) = default;
};

struct CounterValue {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
};

// Indexed by enum xpmip_counter; names in xpmip_counter_names (maps.h).
using Counters = std::array<CounterValue, XPMIP_CTR_COUNT>;

struct AttachInfo {
  std::uint32_t link_id = 0;  // 0 for kLmaLocalOut: a TC netlink filter, not a link
  std::uint32_t prog_id = 0;
  bool generic = false;   // attached in generic (skb) mode
  bool replaced = false;  // an existing pinned link got the new program
};

class Dataplane {
 public:
  // Opens the BPF object, sizes the maps, reuses or creates the pins and loads the programs.
  static Result<Dataplane> open(const Options& options);

  Dataplane(Dataplane&&) noexcept;
  Dataplane& operator=(Dataplane&&) noexcept;
  ~Dataplane();

  // Attaches `program` to `ifindex` through a BPF link pinned as link_<program>_<ifindex>. If that
  // pin exists (daemon restart) the program on it is replaced atomically instead. kLmaLocalOut
  // becomes a clsact egress filter (handle 1, priority 0x5213), replaced in place on restart;
  // `mode` does not apply to it, and remove_pins() does not see it: detach() it explicitly.
  Result<AttachInfo> attach(Program program, std::uint32_t ifindex,
                            XdpMode mode = XdpMode::kNativeOrGeneric);
  Result<void> detach(Program program, std::uint32_t ifindex);

  Result<void> set_config(const NodeConfig& config);
  [[nodiscard]] Result<NodeConfig> config() const;

  // LMA: HNP -> proxy-CoA. Binding an HNP that is already bound replaces the proxy-CoA in one
  // map update (handoff, RFC 5213 §5.3.4).
  Result<void> lma_bind(const Ipv6Prefix& hnp, const Ipv6Address& proxy_coa);
  Result<void> lma_unbind(const Ipv6Prefix& hnp);
  [[nodiscard]] Result<std::vector<LmaBindingEntry>> lma_bindings() const;

  // MAG: HNP -> access interface and MN MAC.
  Result<void> mag_bind(const Ipv6Prefix& hnp, const MagBinding& binding);
  Result<void> mag_unbind(const Ipv6Prefix& hnp);
  [[nodiscard]] Result<std::vector<MagBindingEntry>> mag_bindings() const;

  // Per-CPU counters summed over every possible CPU.
  [[nodiscard]] Result<Counters> counters() const;

  // For tests and tools (BPF_PROG_RUN, bpftool): the loaded program's fd and the pin directory.
  [[nodiscard]] int program_fd(Program program) const;
  [[nodiscard]] const std::string& pin_dir() const;

  // Detaches every link this instance pinned and removes the instance's pin directory: the state
  // is gone afterwards. For tests and `xpmipd --uninstall`.
  Result<void> remove_pins();

 private:
  struct State;
  explicit Dataplane(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace xpmip::dataplane
