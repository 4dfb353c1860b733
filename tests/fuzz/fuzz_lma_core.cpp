// Stateful libFuzzer target for the LMA core: the input is a program (lma_core_ops.hpp) run
// against ONE LmaCore with a ManualClock and a StaticPolicy -- PBUs through the codec (plain,
// signed and verified, raw bytes, retransmitted), clock jumps and timer runs, restored records
// and whole restarts. After every step it checks what the data plane and the MAGs rely on:
//   * no prefix belongs to two sessions, and the Bind/Unbind events replayed into a model route
//     table equal the Binding Cache (so the BPF maps the daemon programs match the cache);
//   * the binding limits hold, the PBA counters equal the PBAs seen, timers lie in the future;
//   * every PBA answers its PBU with a status RFC 5213 §5.3.1 allows for that input (the checks
//     before the replay check are modelled exactly, the later ones by their preconditions), and
//     carries the options §5.3.6 requires;
//   * a signed PBU verifies, and one altered after signing never does.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "lma_core_ops.hpp"
#include "xpmip/address.hpp"
#include "xpmip/auth.hpp"
#include "xpmip/clock.hpp"
#include "xpmip/codec.hpp"
#include "xpmip/lma_core.hpp"
#include "xpmip/policy.hpp"
#include "xpmip/timestamp.hpp"

namespace {

using namespace xpmip;
using fuzz::Op;
using Bytes = std::vector<std::uint8_t>;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "LMA core invariant violated: %s\n", what.c_str());
  std::abort();
}

void require(bool holds, const char* what) {
  if (!holds) fail(what);
}

Ipv6Address address(std::uint8_t group3, std::uint8_t last) {
  return Ipv6Address{0x20, 0x01, 0x0d, 0xb8, 0, group3, 0, 0, 0, 0, 0, 0, 0, 0, 0, last};
}

const Ipv6Address kLmaa = address(0, 1);
const std::array<Ipv6Address, 3> kSources = {address(0xa1, 1), address(0xa2, 1), address(0x66, 1)};
const std::array<Ipv6Address, 4> kAlternateCareOf = {Ipv6Address{}, kSources[1], kSources[0],
                                                     kSources[2]};

MobileNodeId node(const char* name) {
  return MobileNodeId{MobileNodeId::kSubtypeNai, name};
}
// alice, bob: pool; carol: static prefixes; dave: mobility disabled (152); erin: another LMA's
// (153); frank: only MAG2 may register him (154); grace: E-UTRAN only (129); mallory: unknown.
const std::array<MobileNodeId, 8> kNodes = {node("alice@x"), node("bob@x"),    node("carol@x"),
                                            node("dave@x"),  node("erin@x"),   node("frank@x"),
                                            node("grace@x"), node("mallory@x")};

// Pool 2001:db8:100::/62 (four /64s, so exhaustion is common); carol's 2001:db8:5::/64, :6::/64.
const Prefix kPool0 = Prefix{{0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00}, 64};
const Prefix kPool1 = Prefix{{0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00, 0, 1}, 64};
const Prefix kCarol5 = Prefix{{0x20, 0x01, 0x0d, 0xb8, 0, 5}, 64};
const Prefix kCarol6 = Prefix{{0x20, 0x01, 0x0d, 0xb8, 0, 6}, 64};
const std::vector<std::vector<Prefix>> kHnpChoices = {
    {},
    {Prefix{}},
    {kPool0},
    {kPool1, kPool0},
    {kCarol5},
    {kCarol5, kCarol6},
    {Prefix{}, kCarol6},
    {Prefix{kPool0.address, 56}},  // bits beyond the length are kept, masked by the core
    {Prefix{Ipv6Address{}, 64}},   // ALL_ZERO as some MAGs send it
    {kCarol5, kCarol5},            // a duplicate
};
const std::vector<std::optional<Bytes>> kLinkLayerIds = {std::nullopt, Bytes{2, 0, 0, 0, 0, 0xa1},
                                                         Bytes{2, 0, 0, 0, 0, 0xa2}, Bytes{}};
constexpr std::array<std::uint16_t, 5> kLifetimes = {0, 1, 250, 65535, 15};
constexpr std::array<std::uint16_t, 6> kFlags = {bu_flag::kAck | bu_flag::kProxy,
                                                 bu_flag::kProxy,
                                                 bu_flag::kHome,
                                                 0xffff,
                                                 bu_flag::kAck | bu_flag::kProxy | bu_flag::kHome,
                                                 0};
constexpr std::array<AccessTechnology, 4> kAccessTechs = {
    AccessTechnology::kIeee80211, AccessTechnology::k3gppEutran, AccessTechnology::kReserved,
    AccessTechnology::kIeee8023};
const std::array<std::optional<Ipv6Address>, 3> kLinkLocals = {
    std::nullopt, Ipv6Address{}, Ipv6Address{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};

template <typename Table>
const auto& choose(const Table& table, std::uint8_t index) {
  return table[index % table.size()];
}

// The statuses an LMA core may put in a PBA at all (RFC 5213 §8.9, RFC 6275 §6.1.8).
bool is_lma_status(PbaStatus status) {
  switch (status) {
    case PbaStatus::kAccepted:
    case PbaStatus::kReasonUnspecified:
    case PbaStatus::kAdministrativelyProhibited:
    case PbaStatus::kInsufficientResources:
    case PbaStatus::kSequenceOutOfWindow:
    case PbaStatus::kProxyRegNotEnabled:
    case PbaStatus::kNotLmaForThisMobileNode:
    case PbaStatus::kMagNotAuthorizedForProxyReg:
    case PbaStatus::kNotAuthorizedForHomeNetworkPrefix:
    case PbaStatus::kTimestampMismatch:
    case PbaStatus::kTimestampLowerThanPrevAccepted:
    case PbaStatus::kMissingHomeNetworkPrefixOption:
    case PbaStatus::kBcePbuPrefixSetDoNotMatch:
    case PbaStatus::kMissingMnIdentifierOption:
    case PbaStatus::kMissingHandoffIndicatorOption:
    case PbaStatus::kMissingAccessTechTypeOption:
      return true;
    default:
      return status == kHomeRegistrationNotSupported;
  }
}

struct Route {
  MobileNodeId mn_id;
  Ipv6Address proxy_coa{};
  auto operator<=>(const Route&) const = default;
};

class Harness {
 public:
  explicit Harness(std::uint8_t config_octet) {
    config_.pool_aggregate = Prefix{kPool0.address, 62};
    config_.max_bindings = 8;
    config_.max_bindings_per_mag = 5;
    config_.create_new_bce_immediately = (config_octet & fuzz::kConfigCreateImmediately) != 0;
    policy_.set_mag(kSources[0], MagPolicy{});
    const bool mag2_sequence = (config_octet & fuzz::kConfigMag2SequenceMode) != 0;
    policy_.set_mag(kSources[1], MagPolicy{mag2_sequence ? ReplayMode::kSequenceNumber
                                                         : ReplayMode::kTimestamp});
    MnProfile short_lived;
    short_lived.max_lifetime = std::chrono::seconds{60};
    MnProfile statics;
    statics.static_prefixes = {kCarol5, kCarol6};
    MnProfile disabled;
    disabled.proxy_mobility_enabled = false;
    MnProfile elsewhere;
    elsewhere.served_by_this_lma = false;
    MnProfile mag2_only;
    mag2_only.authorized_mags = {kSources[1]};
    MnProfile eutran_only;
    eutran_only.allowed_access_techs = {AccessTechnology::k3gppEutran};
    const std::array<MnProfile, 7> profiles = {MnProfile{}, short_lived, statics,    disabled,
                                               elsewhere,   mag2_only,   eutran_only};
    for (std::size_t i = 0; i < profiles.size(); ++i) {
      policy_.set_mobile_node(kNodes[i], profiles[i]);
    }
    // MAG1 and MAG2 each share a key with the LMA; the unknown MAG signs with MAG1's.
    const auto key = [](std::uint8_t seed) { return SecretKey(Bytes(32, seed)); };
    require(mag_keys_[0].add_key(kLmaa, 300, key(1)).has_value(), "key setup");
    require(mag_keys_[1].add_key(kLmaa, 301, key(2)).has_value(), "key setup");
    require(lma_keys_.add_key(kSources[0], 300, key(1)).has_value(), "key setup");
    require(lma_keys_.add_key(kSources[1], 301, key(2)).has_value(), "key setup");
    start_core();
  }

  void run(fuzz::Reader& in) {
    constexpr int kMaxSteps = 512;
    for (int step = 0; step < kMaxSteps && !in.done(); ++step) {
      switch (static_cast<Op>(in.octet() % static_cast<std::uint8_t>(Op::kCount))) {
        case Op::kPbu:
          plain_pbu(in.fields<fuzz::PbuFields>(fuzz::kPbuFieldOrder));
          break;
        case Op::kRawMh:
          raw_mh(in);
          break;
        case Op::kAdvance:
          advance(in);
          break;
        case Op::kStepWall:
          clock_.step_wall(std::chrono::seconds{static_cast<std::int8_t>(in.octet())});
          break;
        case Op::kRestore:
          restore(in.fields<fuzz::RestoreFields>(fuzz::kRestoreFieldOrder));
          break;
        case Op::kRestart:
          restart();
          break;
        case Op::kSignedPbu:
          signed_pbu(in);
          break;
        case Op::kRetransmit:
        case Op::kCount:
          retransmit();
          break;
      }
      check_cache();
    }
  }

 private:
  void start_core() {
    auto created = LmaCore::create(config_, policy_, clock_);
    require(created.has_value(), "LMA configuration refused");
    core_.emplace(std::move(*created));
    replies_seen_ = 0;
  }

  ProxyBindingUpdate build(const fuzz::PbuFields& f) const {
    ProxyBindingUpdate pbu;
    pbu.sequence = static_cast<std::uint16_t>(f.sequence_high << 8 | f.sequence_low);
    pbu.flags = choose(kFlags, f.flags);
    pbu.lifetime = choose(kLifetimes, f.lifetime);
    auto& o = pbu.options;
    if ((f.drop_options & 0x01) == 0) o.mn_id = choose(kNodes, f.mn);
    if ((f.drop_options & 0x02) == 0) {
      o.handoff_indicator = static_cast<HandoffIndicator>(f.handoff_indicator % 7);
    }
    if ((f.drop_options & 0x04) == 0) o.access_tech = choose(kAccessTechs, f.drop_options >> 3);
    o.home_network_prefixes = choose(kHnpChoices, f.hnps);
    o.mn_link_layer_id = choose(kLinkLayerIds, f.ll_id);
    o.link_local_address = choose(kLinkLocals, f.link_local);
    if (const auto& alt = choose(kAlternateCareOf, f.alternate_care_of); !is_unspecified(alt)) {
      o.alternate_care_of = alt;
    }
    const std::uint64_t now = to_pmip_timestamp(clock_.wall_now());
    constexpr std::uint64_t kSecond = 65536;  // RFC 5213 §8.8: 16 fraction bits
    switch (f.timestamp % 6) {
      case 0:
        o.timestamp = now + f.timestamp_fraction;  // fresh, within the 300 ms window
        break;
      case 1:
        break;  // absent
      case 2:
        o.timestamp = now - kSecond;
        break;
      case 3:
        o.timestamp = now + 10 * kSecond;
        break;
      case 4:
        o.timestamp = now - f.timestamp_fraction;
        break;
      default:
        o.timestamp = 0;
        break;
    }
    return pbu;
  }

  const Ipv6Address& source_of(std::uint8_t index) const { return choose(kSources, index); }

  void plain_pbu(const fuzz::PbuFields& f) {
    const ProxyBindingUpdate pbu = build(f);
    const Ipv6Address& source = source_of(f.source);
    const PseudoHeaderAddresses addresses{source, kLmaa};
    auto encoded = encode_mobility_header(pbu, addresses);
    require(encoded.has_value(), "a PBU the harness built does not encode");
    auto parsed = parse_mobility_header(encoded->bytes, addresses);
    require(parsed.has_value(), "an encoded PBU does not parse");
    const auto* decoded = std::get_if<ProxyBindingUpdate>(&parsed->message);
    require(decoded != nullptr && *decoded == pbu, "the codec changed the PBU");
    remember(encoded->bytes, source, false);
    deliver(*decoded, source);
  }

  void raw_mh(fuzz::Reader& in) {
    const Ipv6Address& source = source_of(in.octet());
    const auto body = in.octets(in.octet());
    const Bytes bytes(body.begin(), body.end());
    remember(bytes, source, false);
    receive_unsigned(bytes, source);
  }

  void receive_unsigned(const Bytes& bytes, const Ipv6Address& source) {
    auto parsed = parse_mobility_header(bytes, std::nullopt);
    if (!parsed) return;  // the daemon counts and drops it; the core never sees it
    if (const auto* pbu = std::get_if<ProxyBindingUpdate>(&parsed->message)) deliver(*pbu, source);
  }

  void signed_pbu(fuzz::Reader& in) {
    const auto f = in.fields<fuzz::PbuFields>(fuzz::kPbuFieldOrder);
    const std::uint8_t tamper = in.octet();
    const std::uint8_t position = in.octet();
    const Ipv6Address& source = source_of(f.source);
    const PseudoHeaderAddresses addresses{source, kLmaa};
    const MessageAuthenticator signer(mag_keys_[f.source % kSources.size() == 1 ? 1 : 0]);
    auto signed_message = signer.sign(build(f), addresses);
    require(signed_message.has_value(), "signing failed");
    Bytes bytes = std::move(signed_message->bytes);
    std::size_t altered = bytes.size();
    if (tamper != 0) {
      altered = position % bytes.size();
      bytes[altered] ^= tamper;
      write_mh_checksum(bytes, addresses);  // an attacker recomputes the checksum
    }
    remember(bytes, source, true);
    auto parsed = parse_mobility_header(bytes, addresses);
    if (!parsed) {
      require(tamper != 0, "a signed PBU does not parse");
      return;
    }
    const auto verified = MessageAuthenticator(lma_keys_).verify(bytes, *parsed, addresses);
    if (tamper == 0) {
      const bool has_mn_id =
          std::get<ProxyBindingUpdate>(parsed->message).options.mn_id.has_value();
      const VerifyOutcome expected = source == kSources[2] ? VerifyOutcome::kUnknownPeer
                                     : has_mn_id           ? VerifyOutcome::kOk
                                                           : VerifyOutcome::kMnIdNotBeforeAuth;
      require(verified.outcome == expected, "an untouched signed PBU does not verify as it should");
    } else if (altered != 4 && altered != 5) {  // the checksum is outside the MAC (RFC 4285)
      require(!is_accepted(verified.outcome), "a PBU altered after signing verified");
    }
    if (!is_accepted(verified.outcome)) return;
    deliver(std::get<ProxyBindingUpdate>(parsed->message), source);
  }

  void retransmit() {
    if (!last_message_) return;
    const auto [bytes, source, was_signed] = *last_message_;
    if (!was_signed) return receive_unsigned(bytes, source);
    const PseudoHeaderAddresses addresses{source, kLmaa};
    auto parsed = parse_mobility_header(bytes, addresses);
    if (!parsed) return;
    if (!is_accepted(MessageAuthenticator(lma_keys_).verify(bytes, *parsed, addresses).outcome)) {
      return;
    }
    deliver(std::get<ProxyBindingUpdate>(parsed->message), source);
  }

  void remember(const Bytes& bytes, const Ipv6Address& source, bool was_signed) {
    last_message_ = std::make_tuple(bytes, source, was_signed);
  }

  void advance(fuzz::Reader& in) {
    const int high = in.octet();
    const std::chrono::milliseconds step{high << 8 | in.octet()};
    clock_.advance(in.octet() == 0 ? step : step * 100);
    const LmaOutput out = core_->expire_timers();
    apply_events(out);
    for (const auto& reply : out.replies) check_deferred_reply(reply);
    replies_seen_ += out.replies.size();
    if (const auto next = core_->next_deadline()) {
      require(*next > clock_.now(), "a timer due now survived expire_timers");
    }
  }

  void restore(const fuzz::RestoreFields& f) {
    BindingRecord record;
    record.mn_id = choose(kNodes, f.mn);
    record.home_network_prefixes = choose(kHnpChoices, f.hnps);
    record.proxy_coa = source_of(f.proxy_coa);
    record.access_tech = AccessTechnology::kIeee80211;
    record.granted_lifetime = 250;
    record.time_left = std::chrono::seconds{f.time_left};
    record.state =
        (f.pending_delete & 1) != 0 ? BindingState::kPendingDelete : BindingState::kActive;
    std::vector<Prefix> wanted;
    for (const auto& p : record.home_network_prefixes) wanted.push_back(masked(p));
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    const bool in_use = std::any_of(wanted.begin(), wanted.end(),
                                    [&](const Prefix& p) { return routes_.count(p) != 0; });
    const auto bindings = core_->bindings();
    const bool full = bindings.size() >= config_.max_bindings ||
                      std::count_if(bindings.begin(), bindings.end(), [&](const auto& b) {
                        return b.proxy_coa == record.proxy_coa;
                      }) >= static_cast<std::ptrdiff_t>(config_.max_bindings_per_mag);

    auto restored = core_->restore(record);
    if (wanted.empty()) {
      require(!restored && restored.error() == RestoreError::kNoPrefixes, "restore: no prefixes");
    } else if (in_use) {
      require(!restored && restored.error() == RestoreError::kPrefixInUse,
              "restore took a prefix another session holds");
    } else if (full) {
      require(!restored && restored.error() == RestoreError::kCapacityExceeded,
              "restore beyond the binding limits");
    } else {
      require(restored.has_value(), "restore of a free prefix failed");
      require(restored->home_network_prefixes == wanted, "restore bound other prefixes");
      LmaOutput out;
      out.events.emplace_back(*restored);
      apply_events(out);
    }
  }

  // The daemon's restart: the state file holds bindings(); a new core gets them back.
  void restart() {
    const auto saved = core_->bindings();
    start_core();
    for (const auto& record : saved) {
      auto restored = core_->restore(record);
      require(restored.has_value(), "a saved binding could not be restored");
      for (const auto& p : restored->home_network_prefixes) {
        const auto it = routes_.find(p);
        require(it != routes_.end() && it->second == Route{record.mn_id, record.proxy_coa},
                "a restored binding differs from the programmed route");
      }
    }
    require(core_->bindings() == saved, "restart changed the Binding Cache");
  }

  void deliver(const ProxyBindingUpdate& pbu, const Ipv6Address& source) {
    const LmaOutput out = core_->handle_pbu(pbu, source, kLmaa);
    apply_events(out);
    replies_seen_ += out.replies.size();
    const bool p_flag = (pbu.flags & bu_flag::kProxy) != 0;
    if (!p_flag && (pbu.flags & bu_flag::kHome) == 0) {
      require(out.replies.empty() && out.events.empty(), "a correspondent BU was answered");
      return;
    }
    // The first PBA answers this PBU; later ones answer a parked PBU it released (§5.4.1.2).
    if (out.replies.empty()) return;  // ignored (§5.3.5, §5.4.1) or parked
    check_reply(pbu, source, out.replies.front());
    for (std::size_t i = 1; i < out.replies.size(); ++i) check_deferred_reply(out.replies[i]);
  }

  // RFC 5213 §5.3.1 checks 4-8 (and the flag checks before them), which depend on the PBU and
  // the policy alone: their verdict is exact.
  std::optional<PbaStatus> policy_verdict(const ProxyBindingUpdate& pbu,
                                          const Ipv6Address& source) const {
    if ((pbu.flags & bu_flag::kProxy) == 0) return kHomeRegistrationNotSupported;
    if ((pbu.flags & bu_flag::kAck) == 0) return PbaStatus::kReasonUnspecified;
    if (!pbu.options.mn_id) return PbaStatus::kMissingMnIdentifierOption;
    if (!policy_.mag(source)) return PbaStatus::kMagNotAuthorizedForProxyReg;
    const auto profile = policy_.mobile_node(*pbu.options.mn_id);
    if (profile && !profile->authorized_mags.empty() &&
        std::find(profile->authorized_mags.begin(), profile->authorized_mags.end(), source) ==
            profile->authorized_mags.end()) {
      return PbaStatus::kMagNotAuthorizedForProxyReg;
    }
    if (!profile || !profile->served_by_this_lma) return PbaStatus::kNotLmaForThisMobileNode;
    if (!profile->proxy_mobility_enabled) return PbaStatus::kProxyRegNotEnabled;
    return std::nullopt;
  }

  void check_reply(const ProxyBindingUpdate& pbu, const Ipv6Address& source,
                   const OutgoingPba& reply) {
    check_reply_shape(reply);
    require(reply.destination == source, "PBA not sent back to the PBU's source");
    const ProxyBindingAck& pba = reply.pba;
    const PbaStatus status = pba.status;
    const auto& o = pbu.options;
    require(pba.options.mn_id == o.mn_id.value_or(MobileNodeId{1, ""}),
            "PBA MN-ID is not the PBU's");
    if (status != PbaStatus::kSequenceOutOfWindow) {
      require(pba.sequence == pbu.sequence, "PBA sequence is not the PBU's");
    }
    if (const auto verdict = policy_verdict(pbu, source)) {
      require(status == *verdict, "PBA status differs from the policy checks' verdict");
    } else {
      const auto mode = policy_.mag(source)->replay_mode;
      const auto profile = *policy_.mobile_node(*o.mn_id);
      const bool ordering_failure = status == PbaStatus::kSequenceOutOfWindow ||
                                    status == PbaStatus::kTimestampMismatch ||
                                    status == PbaStatus::kTimestampLowerThanPrevAccepted;
      require(status != kHomeRegistrationNotSupported && status != PbaStatus::kReasonUnspecified &&
                  status != PbaStatus::kMissingMnIdentifierOption &&
                  status != PbaStatus::kMagNotAuthorizedForProxyReg &&
                  status != PbaStatus::kNotLmaForThisMobileNode &&
                  status != PbaStatus::kProxyRegNotEnabled,
              "a policy rejection for a PBU the policy admits");
      require(status != PbaStatus::kSequenceOutOfWindow || mode == ReplayMode::kSequenceNumber,
              "135 to a MAG in timestamp mode");
      require((status != PbaStatus::kTimestampMismatch &&
               status != PbaStatus::kTimestampLowerThanPrevAccepted) ||
                  mode == ReplayMode::kTimestamp,
              "156/157 to a MAG in sequence-number mode");
      require(status != PbaStatus::kTimestampLowerThanPrevAccepted || o.timestamp,
              "157 without a timestamp");
      require((status == PbaStatus::kMissingHomeNetworkPrefixOption) ==
                  (o.home_network_prefixes.empty() && !ordering_failure),
              "158 does not match a missing HNP option");
      require(status != PbaStatus::kMissingHandoffIndicatorOption || !o.handoff_indicator,
              "161 with an HI option");
      require(status != PbaStatus::kMissingAccessTechTypeOption || !o.access_tech,
              "162 with an ATT option");
      require(
          status != PbaStatus::kAdministrativelyProhibited || !profile.allowed_access_techs.empty(),
          "129 for a node without access technology limits");
    }
    if (is_accepted(status)) {
      check_acceptance(pbu, source, pba);
    } else {
      const auto echoed =
          o.home_network_prefixes.empty() ? std::vector<Prefix>{Prefix{}} : o.home_network_prefixes;
      require(pba.options.home_network_prefixes == echoed, "a rejection does not echo the HNPs");
    }
  }

  void check_acceptance(const ProxyBindingUpdate& pbu, const Ipv6Address& source,
                        const ProxyBindingAck& pba) {
    const auto& o = pbu.options;
    require(o.mn_id && !o.home_network_prefixes.empty() && o.handoff_indicator && o.access_tech,
            "accepted a PBU missing a mandatory option");
    require(pba.lifetime <= pbu.lifetime, "granted more lifetime than requested");
    const auto profile = *policy_.mobile_node(*o.mn_id);
    require(std::chrono::seconds{pba.lifetime * kLifetimeUnitSeconds} <=
                std::max(profile.max_lifetime, std::chrono::seconds{kLifetimeUnitSeconds}),
            "granted more lifetime than the profile allows");
    const Ipv6Address proxy_coa = o.alternate_care_of.value_or(source);
    const auto bindings = core_->bindings();
    const bool bound = std::any_of(bindings.begin(), bindings.end(), [&](const auto& b) {
      return b.mn_id == *o.mn_id && b.home_network_prefixes == pba.options.home_network_prefixes &&
             (pbu.lifetime == 0 || b.proxy_coa == proxy_coa);
    });
    require(bound, "an accepted PBU left no matching binding");
  }

  // What every PBA carries (RFC 5213 §5.3.6), whichever PBU it answers.
  void check_reply_shape(const OutgoingPba& reply) {
    require(is_lma_status(reply.pba.status), "a status the LMA never sends");
    require(reply.source == kLmaa, "PBA not sent from the LMA address");
    require(reply.pba.options.mn_id.has_value(), "PBA without MN-ID");
    require(!reply.pba.options.home_network_prefixes.empty(), "PBA without HNP");
    require(reply.pba.options.handoff_indicator && reply.pba.options.access_tech,
            "PBA without HI or ATT");
    const bool home = reply.pba.status == kHomeRegistrationNotSupported;
    require(((reply.pba.flags & ba_flag::kProxy) != 0) != home, "PBA P flag wrong");
  }

  // A PBA for a PBU parked earlier (§5.4.1.2): it passed the policy checks then, so it goes to
  // a configured MAG.
  void check_deferred_reply(const OutgoingPba& reply) {
    check_reply_shape(reply);
    require(policy_.mag(reply.destination).has_value(), "deferred PBA to an unknown MAG");
  }

  void apply_events(const LmaOutput& out) {
    for (const auto& event : out.events) {
      if (const auto* bind = std::get_if<BindEvent>(&event)) {
        require(!bind->home_network_prefixes.empty(), "Bind without prefixes");
        for (const auto& p : bind->home_network_prefixes) {
          const auto it = routes_.find(p);
          require(it == routes_.end() || it->second.mn_id == bind->mn_id,
                  "Bind of a prefix routed to another node's session");
          routes_[p] = Route{bind->mn_id, bind->proxy_coa};
        }
      } else {
        const auto& unbind = std::get<UnbindEvent>(event);
        for (const auto& p : unbind.home_network_prefixes) {
          const auto it = routes_.find(p);
          require(it != routes_.end() && it->second == Route{unbind.mn_id, unbind.proxy_coa},
                  "Unbind of a route that is not programmed");
          routes_.erase(it);
        }
      }
    }
  }

  void check_cache() {
    std::map<Prefix, Route> cache_view;
    std::map<Ipv6Address, std::size_t> per_mag;
    const auto bindings = core_->bindings();
    for (const auto& b : bindings) {
      require(!b.home_network_prefixes.empty(), "a binding without prefixes");
      for (const auto& p : b.home_network_prefixes) {
        require(cache_view.emplace(p, Route{b.mn_id, b.proxy_coa}).second,
                "a prefix bound to two sessions");
      }
      ++per_mag[b.proxy_coa];
    }
    require(cache_view == routes_, "Bind/Unbind events disagree with the Binding Cache");
    require(bindings.size() <= config_.max_bindings, "more bindings than max_bindings");
    for (const auto& [mag, count] : per_mag) {
      require(count <= config_.max_bindings_per_mag, "more bindings than max_bindings_per_mag");
    }
    std::uint64_t counted = 0;
    for (auto n : core_->stats().pba_by_status) counted += n;
    require(counted == replies_seen_, "PBA counters differ from the PBAs sent");
  }

  LmaConfig config_;
  StaticPolicy policy_;
  ManualClock clock_;
  std::optional<LmaCore> core_;
  std::array<KeyStore, 2> mag_keys_;
  KeyStore lma_keys_;
  std::map<Prefix, Route> routes_;  // the data plane as the events programmed it
  std::uint64_t replies_seen_ = 0;
  std::optional<std::tuple<Bytes, Ipv6Address, bool>> last_message_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Reader in(std::span<const std::uint8_t>(data, size));
  Harness harness(in.octet());
  harness.run(in);
  return 0;
}
