// The decoded form of Proxy Mobile IPv6 signalling: the Mobility Header messages a PMIPv6 peer
// exchanges (RFC 6275 §6.1, RFC 5213 §8) and their mobility options. The codec turns bytes into
// these values and back; the protocol cores only ever see these values.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace xpmip {

using Ipv6Address = std::array<std::uint8_t, 16>;
using MacAddress = std::array<std::uint8_t, 6>;  // Ethernet (IEEE 802 MAC-48)

// An IPv6 prefix; bits beyond `length` are kept as received (a codec never alters a prefix).
struct Prefix {
  Ipv6Address address{};
  std::uint8_t length = 0;

  // RFC 5213 §2.2 ALL_ZERO: the MAG asks the LMA to assign a prefix.
  [[nodiscard]] bool is_all_zero() const {
    for (auto b : address)
      if (b != 0) return false;
    return length == 0;
  }
  auto operator<=>(const Prefix&) const = default;
};

// IANA Mobility Header Types registry (RFC 6275 §6.1.2, RFC 5847, RFC 5846).
enum class MhType : std::uint8_t {
  kBindingUpdate = 5,
  kBindingAck = 6,
  kBindingError = 7,
  kHeartbeat = 13,
  kBindingRevocation = 16,
};

// IANA Mobility Options registry; only the types xpmip reads or writes are named.
enum class OptionType : std::uint8_t {
  kPad1 = 0,
  kPadN = 1,
  kAlternateCareOf = 3,
  kMobileNodeId = 8,       // RFC 4283
  kAuthentication = 9,     // RFC 4285
  kHomeNetworkPrefix = 22, // RFC 5213 §8.3
  kHandoffIndicator = 23,  // RFC 5213 §8.4
  kAccessTechType = 24,    // RFC 5213 §8.5
  kMnLinkLayerId = 25,     // RFC 5213 §8.6
  kLinkLocalAddress = 26,  // RFC 5213 §8.7
  kTimestamp = 27,         // RFC 5213 §8.8
  kRestartCounter = 28,    // RFC 5847 §3.4
};

// RFC 5213 §8.4 and the IANA Handoff Indicator registry. Carried as the raw octet so that a
// value outside this list survives decoding and can be rejected by the protocol core.
enum class HandoffIndicator : std::uint8_t {
  kReserved = 0,
  kNewInterface = 1,
  kHandoffBetweenInterfaces = 2,
  kHandoffBetweenMags = 3,
  kHandoffUnknown = 4,
  kNoHandoff = 5,  // re-registration
};

// RFC 5213 §8.5 and the IANA Access Technology Type registry.
enum class AccessTechnology : std::uint8_t {
  kReserved = 0,
  kVirtual = 1,
  kPpp = 2,
  kIeee8023 = 3,
  kIeee80211 = 4,
  kIeee80216e = 5,
  k3gppGeran = 6,
  k3gppUtran = 7,
  k3gppEutran = 8,
};

// PBA status codes (RFC 6275 §6.1.8, RFC 5213 §8.9). Below 128 means accepted.
enum class PbaStatus : std::uint8_t {
  kAccepted = 0,
  kReasonUnspecified = 128,
  kAdministrativelyProhibited = 129,
  kInsufficientResources = 130,
  kSequenceOutOfWindow = 135,
  kAuthenticationFailed = 146,  // RFC 4285 §8 MIPV6-AUTH-FAIL
  kProxyRegNotEnabled = 152,
  kNotLmaForThisMobileNode = 153,
  kMagNotAuthorizedForProxyReg = 154,
  kNotAuthorizedForHomeNetworkPrefix = 155,
  kTimestampMismatch = 156,
  kTimestampLowerThanPrevAccepted = 157,
  kMissingHomeNetworkPrefixOption = 158,
  kBcePbuPrefixSetDoNotMatch = 159,
  kMissingMnIdentifierOption = 160,
  kMissingHandoffIndicatorOption = 161,
  kMissingAccessTechTypeOption = 162,
};

[[nodiscard]] constexpr bool is_accepted(PbaStatus s) { return static_cast<std::uint8_t>(s) < 128; }

// Flag bits of the Binding Update's 16-bit flags word (IANA "Binding Update Flags").
namespace bu_flag {
inline constexpr std::uint16_t kAck = 0x8000;        // A
inline constexpr std::uint16_t kHome = 0x4000;       // H
inline constexpr std::uint16_t kLinkLocal = 0x2000;  // L
inline constexpr std::uint16_t kKeyMgmt = 0x1000;    // K
inline constexpr std::uint16_t kMobileRouter = 0x0800;  // M, RFC 3963
inline constexpr std::uint16_t kRouter = 0x0400;     // R, RFC 3963
inline constexpr std::uint16_t kProxy = 0x0200;      // P, RFC 5213
}  // namespace bu_flag

// Flag bits of the Binding Acknowledgement's 8-bit flags field.
namespace ba_flag {
inline constexpr std::uint8_t kKeyMgmt = 0x80;  // K
inline constexpr std::uint8_t kRouter = 0x40;   // R, RFC 3963
inline constexpr std::uint8_t kProxy = 0x20;    // P, RFC 5213
}  // namespace ba_flag

// Mobile Node Identifier option (RFC 4283 §3). Subtype 1 is the NAI; the identifier is opaque
// octets (an NAI is not NUL-terminated on the wire). An empty identifier is legal only in a PBA
// answering a PBU that had none (RFC 5213 §5.3.6).
struct MobileNodeId {
  static constexpr std::uint8_t kSubtypeNai = 1;
  std::uint8_t subtype = kSubtypeNai;
  std::string identifier;
  auto operator<=>(const MobileNodeId&) const = default;
};

// Mobility Message Authentication option (RFC 4285 §5), always the last option of a message.
struct AuthenticationOption {
  static constexpr std::uint8_t kSubtypeMnHa = 1;
  std::uint8_t subtype = kSubtypeMnHa;
  std::uint32_t spi = 0;
  std::vector<std::uint8_t> authenticator;
  auto operator<=>(const AuthenticationOption&) const = default;
};

// The mobility options of a PBU or PBA, decoded. Absent options are empty; HNP may repeat.
struct MobilityOptions {
  std::optional<MobileNodeId> mn_id;
  std::vector<Prefix> home_network_prefixes;
  std::optional<HandoffIndicator> handoff_indicator;
  std::optional<AccessTechnology> access_tech;
  // RFC 5213 §8.6: the link-layer identifier octets, without the option's 2 reserved octets.
  std::optional<std::vector<std::uint8_t>> mn_link_layer_id;
  std::optional<Ipv6Address> link_local_address;
  std::optional<std::uint64_t> timestamp;  // RFC 5213 §8.8 format, see timestamp.hpp
  std::optional<std::uint32_t> restart_counter;
  std::optional<Ipv6Address> alternate_care_of;
  std::optional<AuthenticationOption> authentication;
  auto operator<=>(const MobilityOptions&) const = default;
};

// Lifetimes travel in units of 4 seconds (RFC 6275 §6.1.7).
inline constexpr std::uint32_t kLifetimeUnitSeconds = 4;

// Proxy Binding Update: a Binding Update with P=1 (RFC 5213 §8.1).
struct ProxyBindingUpdate {
  std::uint16_t sequence = 0;
  std::uint16_t flags = bu_flag::kAck | bu_flag::kProxy;
  std::uint16_t lifetime = 0;  // units of 4 s; 0 = de-registration
  MobilityOptions options;
  auto operator<=>(const ProxyBindingUpdate&) const = default;
};

// Proxy Binding Acknowledgement: a Binding Acknowledgement with P=1 (RFC 5213 §8.2).
struct ProxyBindingAck {
  PbaStatus status = PbaStatus::kAccepted;
  std::uint8_t flags = ba_flag::kProxy;
  std::uint16_t sequence = 0;
  std::uint16_t lifetime = 0;  // units of 4 s
  MobilityOptions options;
  auto operator<=>(const ProxyBindingAck&) const = default;
};

// A well-formed Mobility Header of a type xpmip does not process (e.g. a Heartbeat before the
// Heartbeat issue lands). Kept so the caller can answer with a Binding Error or count it.
struct OtherMobilityMessage {
  std::uint8_t mh_type = 0;
  auto operator<=>(const OtherMobilityMessage&) const = default;
};

using MobilityMessage = std::variant<ProxyBindingUpdate, ProxyBindingAck, OtherMobilityMessage>;

}  // namespace xpmip
