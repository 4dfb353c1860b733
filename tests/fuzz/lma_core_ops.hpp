// The input language of fuzz_lma_core, shared with its seed generator: a configuration octet,
// then operations, each an opcode octet followed by its fields. A field past the end of the
// input reads as 0, so every byte string is a valid program.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace xpmip::fuzz {

// Configuration octet bits.
inline constexpr std::uint8_t kConfigCreateImmediately = 0x01;  // RFC 5213 §5.4.1.2 option
inline constexpr std::uint8_t kConfigMag2SequenceMode = 0x02;   // MAG2 orders by sequence number

enum class Op : std::uint8_t {
  kPbu,         // PbuFields: a PBU value, through the codec, into handle_pbu
  kRawMh,       // source, length, then that many octets: arbitrary bytes into the parser
  kAdvance,     // milliseconds (2 octets, big-endian), scale (x1, else x100); then expire_timers
  kStepWall,    // signed seconds: the wall clock alone jumps, as after an NTP step
  kRestore,     // RestoreFields: restore() one record built from the fields
  kRestart,     // save bindings(), build a fresh core, restore them all
  kSignedPbu,   // PbuFields, tamper (0 = none), tamper position: sign, verify, handle_pbu
  kRetransmit,  // the last PBU message again, byte for byte (a retransmission or a replay)
  kCount,
};

// Indices into the fuzzer's tables.
namespace pick {
inline constexpr std::uint8_t kMag1 = 0, kMag2 = 1, kUnknownMag = 2;  // sources
inline constexpr std::uint8_t kAlice = 0, kBob = 1, kCarol = 2;       // pool, pool, statics
inline constexpr std::uint8_t kHnpNone = 0, kHnpAllZero = 1, kHnpPoolFirst = 2, kHnpCarolFirst = 4;
inline constexpr std::uint8_t kLlIdNone = 0, kLlIdFirstMac = 1, kLlIdSecondMac = 2;
inline constexpr std::uint8_t kLifetimeZero = 0, kLifetimeNormal = 2;
inline constexpr std::uint8_t kFlagsProxy = 0;  // A|P
inline constexpr std::uint8_t kTimestampNow = 0;
}  // namespace pick

struct PbuFields {
  std::uint8_t source = pick::kMag1;
  std::uint8_t mn = pick::kAlice;
  std::uint8_t handoff_indicator = 1;
  std::uint8_t hnps = pick::kHnpAllZero;
  std::uint8_t ll_id = pick::kLlIdFirstMac;
  std::uint8_t lifetime = pick::kLifetimeNormal;
  std::uint8_t flags = pick::kFlagsProxy;
  std::uint8_t timestamp = pick::kTimestampNow;
  std::uint8_t timestamp_fraction = 0;  // added to "now", in 1/65536 s
  std::uint8_t drop_options = 0;        // bit 0 MN-ID, 1 HI, 2 ATT
  std::uint8_t alternate_care_of = 0;   // 0 none
  std::uint8_t link_local = 0;          // 0 none
  std::uint8_t sequence_high = 0;
  std::uint8_t sequence_low = 0;
};

// The order of the fields on the wire, for the reader and the seed writer alike.
inline constexpr std::uint8_t PbuFields::*kPbuFieldOrder[] = {&PbuFields::source,
                                                              &PbuFields::mn,
                                                              &PbuFields::handoff_indicator,
                                                              &PbuFields::hnps,
                                                              &PbuFields::ll_id,
                                                              &PbuFields::lifetime,
                                                              &PbuFields::flags,
                                                              &PbuFields::timestamp,
                                                              &PbuFields::timestamp_fraction,
                                                              &PbuFields::drop_options,
                                                              &PbuFields::alternate_care_of,
                                                              &PbuFields::link_local,
                                                              &PbuFields::sequence_high,
                                                              &PbuFields::sequence_low};

struct RestoreFields {
  std::uint8_t mn = pick::kAlice;
  std::uint8_t hnps = pick::kHnpPoolFirst;
  std::uint8_t proxy_coa = pick::kMag1;
  std::uint8_t time_left = 100;  // seconds
  std::uint8_t pending_delete = 0;
};

inline constexpr std::uint8_t RestoreFields::*kRestoreFieldOrder[] = {
    &RestoreFields::mn, &RestoreFields::hnps, &RestoreFields::proxy_coa, &RestoreFields::time_left,
    &RestoreFields::pending_delete};

template <typename Fields, std::size_t N>
void append_fields(const Fields& fields, std::uint8_t Fields::*const (&order)[N],
                   std::vector<std::uint8_t>& out) {
  for (auto member : order) out.push_back(fields.*member);
}

// Reads the input front to back; past the end every octet is 0.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> input) : input_(input) {}
  [[nodiscard]] bool done() const { return at_ >= input_.size(); }
  std::uint8_t octet() { return at_ < input_.size() ? input_[at_++] : 0; }
  // Up to n octets; fewer at the end of the input.
  std::span<const std::uint8_t> octets(std::size_t n) {
    const auto taken = input_.subspan(at_, std::min(n, input_.size() - at_));
    at_ += taken.size();
    return taken;
  }
  template <typename Fields, std::size_t N>
  Fields fields(std::uint8_t Fields::*const (&order)[N]) {
    Fields f;
    for (auto member : order) f.*member = octet();
    return f;
  }

 private:
  std::span<const std::uint8_t> input_;
  std::size_t at_ = 0;
};

}  // namespace xpmip::fuzz
