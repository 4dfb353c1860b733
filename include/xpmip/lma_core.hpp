// The Local Mobility Anchor's protocol core (RFC 5213 §5): PBUs and clock ticks in; PBAs,
// Bind/Unbind events and counters out. No sockets, no BPF: the daemon feeds decoded messages
// and programs the data plane from the events.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include <tl/expected.hpp>

#include "xpmip/clock.hpp"
#include "xpmip/hnp_pool.hpp"
#include "xpmip/lma_binding_cache.hpp"
#include "xpmip/lma_lookup.hpp"
#include "xpmip/lma_types.hpp"
#include "xpmip/policy.hpp"
#include "xpmip/wire.hpp"

namespace xpmip {

// RFC 6275 §6.1.8 status 131 "Home registration not supported", which wire.hpp does not name.
inline constexpr auto kHomeRegistrationNotSupported = static_cast<PbaStatus>(131);

enum class RestoreError : std::uint8_t {
  kNoPrefixes,        // a session always has at least one prefix (RFC 5213 §5.2)
  kPrefixInUse,       // another BCE already holds one of the prefixes
  kCapacityExceeded,  // max_bindings / max_bindings_per_mag
};

enum class LmaConfigError : std::uint8_t { kBadPool };

class LmaCore {
 public:
  static tl::expected<LmaCore, LmaConfigError> create(LmaConfig config, const Policy& policy,
                                                      const Clock& clock);

  // Processes one Binding Update (decoded) that arrived from `source` to `destination` (this
  // LMA's address). The output may be empty: a PBU the RFC says to ignore, or an HI=4 PBU held
  // for MaxDelayBeforeNewBCEAssign, whose PBA then comes from a later call.
  LmaOutput handle_pbu(const ProxyBindingUpdate& pbu, const Ipv6Address& source,
                       const Ipv6Address& destination);

  // The earliest instant at which expire_timers() has work to do; nullopt when idle.
  [[nodiscard]] std::optional<SteadyTime> next_deadline() const;
  // Runs every timer due at the clock's now: lifetime expiry, delayed delete, HI=4 waits.
  LmaOutput expire_timers();

  // Re-inserts a binding saved before a restart; yields the Bind event to (re)program.
  tl::expected<BindEvent, RestoreError> restore(const BindingRecord& record);

  [[nodiscard]] std::vector<BindingRecord> bindings() const;
  [[nodiscard]] const LmaStats& stats() const { return stats_; }

 private:
  // A PBU that passed every §5.3.1 check before the Binding Cache lookup.
  struct ValidatedPbu {
    ProxyBindingUpdate pbu;
    Ipv6Address source{};
    Ipv6Address destination{};
    Ipv6Address proxy_coa{};  // Alternate CoA if present, else the source (RFC 5213 §6.9.1.5)
    MnProfile profile;
    ReplayMode replay_mode = ReplayMode::kTimestamp;
    LookupKey key;
  };
  // An HI=4 PBU parked while the old MAG may still de-register (RFC 5213 §5.4.1.2).
  struct HeldPbu {
    ValidatedPbu pbu;
    BceId old_session = 0;
    SteadyTime until{};
  };

  LmaCore(LmaConfig config, const Policy& policy, const Clock& clock, std::optional<HnpPool> pool);

  void handle_proxy_registration(const ProxyBindingUpdate& pbu, const Ipv6Address& source,
                                 const Ipv6Address& destination, LmaOutput& out);
  bool check_replay(const ValidatedPbu& v, LmaOutput& out);
  [[nodiscard]] std::optional<BceId> sequence_session(const ValidatedPbu& v) const;
  void resolve(const ValidatedPbu& v, LookupResult found, LmaOutput& out);
  void hold(const ValidatedPbu& v, BceId old_session);
  [[nodiscard]] tl::expected<std::vector<Prefix>, PbaStatus> assign_prefixes(const ValidatedPbu& v);
  void create_session(const ValidatedPbu& v, LmaOutput& out);
  void update_session(const ValidatedPbu& v, BceId id, LmaOutput& out);
  void refresh_entry(const ValidatedPbu& v, BindingCacheEntry& bce, SteadyTime now);
  static void record_ordering(const ValidatedPbu& v, BindingCacheEntry& bce);
  void deregister(const ValidatedPbu& v, BceId id, LmaOutput& out);
  void resume_held_after_deregistration(const MobileNodeId& mn_id, BceId deregistered,
                                        LmaOutput& out);
  void remove_binding(BceId id, LmaOutput& out);
  void accept(const ValidatedPbu& v, const BindingCacheEntry& bce, LmaOutput& out);
  void reject(const ProxyBindingUpdate& pbu, const Ipv6Address& source,
              const Ipv6Address& destination, PbaStatus status, LmaOutput& out);
  void send(const Ipv6Address& from, const Ipv6Address& to, ProxyBindingAck pba, LmaOutput& out);
  [[nodiscard]] std::uint16_t granted_lifetime(const ValidatedPbu& v) const;
  [[nodiscard]] Ipv6Address generate_link_local(const MobileNodeId& mn_id);

  LmaConfig config_;
  const Policy* policy_;
  const Clock* clock_;
  std::optional<HnpPool> pool_;
  BindingCache cache_;
  std::map<MobileNodeId, HeldPbu> held_;  // at most one parked PBU per node
  std::uint64_t link_local_serial_ = 0;
  LmaStats stats_;
};

}  // namespace xpmip
