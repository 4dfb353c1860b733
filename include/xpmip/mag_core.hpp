// The MAG's protocol core (RFC 5213 §6): the Binding Update List and its state machine. Attach
// and detach events, PBAs and timer ticks go in; PBUs to send and bind/unbind events for the data
// plane and the router-advertisement sender come out. Pure: no sockets, time from a Clock.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include <tl/expected.hpp>

#include "xpmip/clock.hpp"
#include "xpmip/mag_retransmit.hpp"
#include "xpmip/wire.hpp"

namespace xpmip {

struct MagConfig {
  // FixedMAGLinkLocalAddressOnAllAccessLinks (RFC 5213 §9.3). ALL_ZERO means none is configured,
  // so every PBU asks the LMA for a per-session link-local address (§6.9.1.1, §6.8).
  Ipv6Address fixed_link_local{};
  // INITIAL_BINDACK_TIMEOUT and MAX_BINDACK_TIMEOUT (RFC 6275 §12).
  std::chrono::milliseconds initial_bindack_timeout{1000};
  std::chrono::milliseconds max_bindack_timeout{32000};
  // Wait after the first PBU of a new attachment. RFC 6275 §13 InitialBindackTimeoutFirstReg is
  // 1.5 s; RFC 5213 §6.9.4 lets the MAG use INITIAL_BINDACK_TIMEOUT instead, our default.
  std::chrono::milliseconds first_registration_timeout{1000};
  // Retransmissions of an initial registration before the attachment is declared failed.
  unsigned max_registration_retransmissions = 5;
  // The lifetime is extended once this share of the granted lifetime has passed.
  unsigned refresh_at_percent = 80;
  // MAX_UPDATE_RATE (RFC 6275 §12), applied per mobility session; 0 disables it.
  unsigned max_updates_per_second = 3;
  // TimestampBasedApproachInUse (RFC 5213 §9.3). Off: PBUs carry no Timestamp option and the
  // LMA orders them by sequence number alone (RFC 6275 §9.5.1), answering 135 when behind.
  bool timestamp_option = true;
  // First value of the MAG-wide PBU sequence counter (RFC 5213 §6.9.1.1 (6)).
  std::uint16_t initial_sequence = 0;
};

// A mobility session at this MAG: one MN interface on one access link.
struct MagSessionKey {
  MobileNodeId mn_id;
  std::uint32_t access_interface = 0;
  auto operator<=>(const MagSessionKey&) const = default;
};

// What the attach detector knows about how the MN arrived. RFC 5213 §6.9.1.1 allows HI 3 only
// when the MAG is certain; anything less certain must be reported as unknown (HI 4).
enum class Arrival : std::uint8_t {
  kNewAttachment,          // HI 1
  kHandoffFromAnotherMag,  // HI 3: same MN interface, previous MAG
  kUnknown,                // HI 4
};

// An MN detected on an access link, completed with its policy profile (RFC 5213 §6.2).
struct Attachment {
  MagSessionKey session;
  // The MN's link-layer address on the access link (RFC 4861 §4.6 format); empty when unknown.
  // Sent as the MN-LL-ID option when non-zero; six octets are also reported as the MN's MAC.
  std::vector<std::uint8_t> mn_link_layer_id;
  AccessTechnology access_tech = AccessTechnology::kIeee8023;
  Arrival arrival = Arrival::kNewAttachment;
  // Prefixes the policy profile assigns; empty asks the LMA to assign (one ALL_ZERO HNP).
  std::vector<Prefix> requested_hnps;
  Ipv6Address lma_address{};
  std::chrono::seconds lifetime{0};  // requested binding lifetime, from policy
};

// A PBU and the LMA it goes to (RFC 5213 §6.9.1.5: destination = LMAA).
struct PbuToSend {
  Ipv6Address destination{};
  ProxyBindingUpdate pbu;
};

// The binding is accepted: forward the HNPs through the LMA tunnel and advertise them.
struct MagBindEvent {
  MagSessionKey session;
  std::optional<MacAddress> mn_mac;
  std::vector<Prefix> hnps;
  Ipv6Address lma{};
  // The configured fixed MAG link-local address, or the one the LMA returned (RFC 5213 §6.9.1.2).
  std::optional<Ipv6Address> mag_link_local;
  std::chrono::seconds lifetime{0};  // granted
};

enum class SessionEndReason : std::uint8_t {
  kDetached,                 // the MN left; a de-registration was sent
  kHandoffAway,              // the MN is now served by another MAG
  kRejected,                 // a PBA status >= 128 (see MagUnbindEvent::status)
  kRegistrationTimeout,      // no PBA after the last allowed retransmission
  kLifetimeExpired,          // the binding ran out before a refresh was acknowledged
  kAcknowledgementMismatch,  // the PBA's HI/ATT/MN-LL-ID differ from the PBU (§6.9.1.2)
  kPrefixesChanged,          // a refresh was accepted with another prefix set; a Bind follows
};

// Stop forwarding and advertising. Emitted once whenever a session stops being served, whether
// or not it ever bound (then `hnps` is empty and the event only reports why the attachment ended).
struct MagUnbindEvent {
  MagSessionKey session;
  std::optional<MacAddress> mn_mac;
  std::vector<Prefix> hnps;
  Ipv6Address lma{};
  SessionEndReason reason = SessionEndReason::kDetached;
  std::optional<PbaStatus> status;  // set when reason is kRejected
};

using MagEvent = std::variant<MagBindEvent, MagUnbindEvent>;

struct MagActions {
  std::vector<PbuToSend> messages;
  std::vector<MagEvent> events;
};

enum class MagError : std::uint8_t {
  kInvalidConfig,
  kInvalidAttachment,
  kUnknownSession,
  kServiceDenied,     // a PBA said 152 for this MN; an operator must release it
  kAwaitingTimeSync,  // a PBA said 156; waits for on_clock_synchronized()
  kHeldForOperator,   // a PBA did not echo the request; an operator must release it
  kNotHeld,           // release() of a session that is not held
};

enum class MagSessionState : std::uint8_t {
  kRegistering,    // initial PBU outstanding
  kBound,          // accepted; refresh scheduled
  kRefreshing,     // bound, lifetime-extension PBU outstanding
  kDeregistering,  // detached; waiting for PBA or INITIAL_BINDACK_TIMEOUT (§6.9.1.4)
  kHeld,           // no signalling until an operator or a time sync releases it
};

enum class HoldReason : std::uint8_t { kNone, kServiceDenied, kAwaitingTimeSync, kOperator };

[[nodiscard]] std::string_view to_string(MagSessionState state);
[[nodiscard]] std::string_view to_string(SessionEndReason reason);

// One BUL entry as `xpmipctl bindings` shows it.
struct MagBindingView {
  MagSessionKey session;
  std::vector<Prefix> hnps;  // assigned; empty before the first PBA 0
  Ipv6Address lma{};
  AccessTechnology access_tech = AccessTechnology::kReserved;
  HandoffIndicator handoff = HandoffIndicator::kReserved;  // in the latest PBU
  MagSessionState state = MagSessionState::kRegistering;
  HoldReason hold = HoldReason::kNone;
  std::chrono::seconds granted_lifetime{0};           // by the latest accepted PBA
  std::optional<std::chrono::seconds> lifetime_left;  // while a granted lifetime runs
  std::chrono::seconds age{0};
  std::optional<PbaStatus> last_status;
};

struct MagStats {
  std::uint64_t pbus_sent = 0;  // every transmission, retransmissions included
  std::uint64_t pbus_retransmitted = 0;
  std::uint64_t pbus_deferred = 0;                  // held back by MAX_UPDATE_RATE, sent later
  std::array<std::uint64_t, 256> pbas_by_status{};  // every PBA received, indexed by status
  std::uint64_t pbas_unmatched = 0;   // no outstanding PBU with this MN-ID, sequence and source
  std::uint64_t pbas_stale = 0;       // a rejection of an attempt a newer one superseded
  std::uint64_t pbas_mismatched = 0;  // HI/ATT/MN-LL-ID not echoed
  std::uint64_t pbas_invalid = 0;     // no P flag, or accepted without any prefix
};

class MagCore {
 public:
  [[nodiscard]] static tl::expected<MagCore, MagError> create(const MagConfig& config,
                                                              const Clock& clock);

  // An MN appeared on an access link: create the BUL entry and send the initial PBU
  // (§6.9.1.1). Attaching a session that is already registering or bound changes nothing.
  [[nodiscard]] tl::expected<MagActions, MagError> attach(const Attachment& attachment);
  // The MN left the access link: stop serving it and de-register (§6.9.1.4).
  [[nodiscard]] tl::expected<MagActions, MagError> detach(const MagSessionKey& session);
  // Another MAG now serves the MN: drop the state without signalling; the LMA already moved
  // the binding and would ignore our de-registration anyway (§5.3.5).
  [[nodiscard]] tl::expected<MagActions, MagError> handoff_away(const MagSessionKey& session);
  // A PBA from `source` (§6.9.1.2).
  [[nodiscard]] MagActions on_pba(const ProxyBindingAck& pba, const Ipv6Address& source);

  [[nodiscard]] std::optional<SteadyTime> next_deadline() const;
  [[nodiscard]] MagActions on_timer(SteadyTime now);

  // Operator action after 152 or an unechoed PBA: register the held session again.
  [[nodiscard]] tl::expected<MagActions, MagError> release(const MagSessionKey& session);
  // The MAG's clock is synchronized again: re-register the sessions held by a 156.
  [[nodiscard]] MagActions on_clock_synchronized();

  [[nodiscard]] std::vector<MagBindingView> bindings() const;
  [[nodiscard]] const MagStats& stats() const { return stats_; }

 private:
  enum class PbuKind : std::uint8_t { kRegistration, kRefresh, kDeregistration };

  struct Attempt {
    std::uint16_t sequence = 0;
    SteadyTime sent{};
  };

  // One PBU and its retransmissions: every attempt carries the same options but a fresh
  // sequence number and timestamp (§6.9.4).
  struct Transaction {
    PbuKind kind = PbuKind::kRegistration;
    std::vector<Prefix> hnps;       // the HNP options it carries
    std::vector<Attempt> attempts;  // the most recent ones, still matchable
    unsigned transmissions = 0;
    std::optional<SteadyTime> send_at;  // a transmission deferred by MAX_UPDATE_RATE
    SteadyTime retry_at{};
    ProxyBindingUpdate last_sent;
  };

  struct BulEntry {
    Attachment attachment;
    MagSessionState state = MagSessionState::kRegistering;
    HoldReason hold = HoldReason::kNone;
    std::vector<Prefix> assigned_hnps;
    std::optional<Ipv6Address> lma_link_local;
    std::uint16_t granted_lifetime = 0;  // units of 4 s
    SteadyTime created{};
    SteadyTime refresh_at{};
    SteadyTime binding_expires{};
    HandoffIndicator last_handoff = HandoffIndicator::kReserved;
    std::optional<PbaStatus> last_status;
    bool all_zero_fallback_used = false;
    std::optional<Transaction> tx;
    UpdateRateLimiter limiter;
  };

  using Bul = std::map<MagSessionKey, BulEntry>;

  MagCore(const MagConfig& config, const Clock& clock)
      : config_(config), clock_(&clock), next_sequence_(config.initial_sequence) {}

  // The outstanding PBU attempt a PBA answers.
  struct PbaMatch {
    Bul::iterator entry;
    SteadyTime sent{};
    bool latest_attempt = false;
  };
  [[nodiscard]] std::optional<PbaMatch> match_pba(const ProxyBindingAck& pba,
                                                  const Ipv6Address& source);

  void start_transaction(BulEntry& entry, PbuKind kind, std::vector<Prefix> hnps, SteadyTime now,
                         MagActions& out);
  void transmit(BulEntry& entry, SteadyTime now, MagActions& out);
  [[nodiscard]] ProxyBindingUpdate build_pbu(const BulEntry& entry, PbuKind kind,
                                             const std::vector<Prefix>& hnps);
  void start_registration(BulEntry& entry, SteadyTime now, MagActions& out);
  void retry_now(Bul::iterator it, SteadyTime now, MagActions& out);

  void on_accepted(BulEntry& entry, const ProxyBindingAck& pba, SteadyTime sent, MagActions& out);
  void on_rejected(Bul::iterator it, const ProxyBindingAck& pba, SteadyTime now, MagActions& out);
  // Handles what is due for one entry; false when the entry is gone.
  bool on_deadline(Bul::iterator it, SteadyTime now, MagActions& out);

  void end_session(Bul::iterator it, SessionEndReason reason, std::optional<PbaStatus> status,
                   MagActions& out);
  void hold(BulEntry& entry, HoldReason reason, SessionEndReason why,
            std::optional<PbaStatus> status, MagActions& out);
  [[nodiscard]] MagUnbindEvent unbind_event(const BulEntry& entry, SessionEndReason reason,
                                            std::optional<PbaStatus> status) const;
  [[nodiscard]] std::optional<SteadyTime> deadline_of(const BulEntry& entry) const;
  [[nodiscard]] std::optional<Ipv6Address> mag_link_local(const BulEntry& entry) const;

  MagConfig config_;
  const Clock* clock_;
  std::uint16_t next_sequence_;
  Bul bul_;
  MagStats stats_;
};

}  // namespace xpmip
