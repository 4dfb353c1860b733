// libFuzzer target for the Mobility Header codec. Beyond "no crash, no sanitizer report", it
// checks that the codec agrees with itself: whatever parses must re-encode, and re-parse to the
// same value and the same authenticator position (catches a field read one way and written
// another); verifying the checksum can only turn a success into kBadChecksum; an error's offset
// never points past the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <variant>

#include "xpmip/codec.hpp"

namespace {

using xpmip::DecodedMobilityHeader;
using xpmip::PseudoHeaderAddresses;

const PseudoHeaderAddresses kAddresses{
    {0x20, 0x01, 0x0d, 0xb8, 0, 0xa, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
    {0x20, 0x01, 0x0d, 0xb8, 0, 0xb, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "codec property violated: %s\n", what);
  std::abort();
}

template <typename Message>
void check_round_trip(const Message& message, const DecodedMobilityHeader& first) {
  auto encoded = xpmip::encode_mobility_header(message, kAddresses);
  if (!encoded) {
    // Our encoder pads every option to its alignment, so a densely packed 2048-octet input may
    // need more room than a Mobility Header has. Nothing else may fail for a parsed value.
    if (encoded.error().kind != xpmip::EncodeErrorKind::kMessageTooLong) fail("encode failed");
    return;
  }
  if (encoded->bytes.size() % 8 != 0) fail("encoded length not a multiple of 8");
  auto again = xpmip::parse_mobility_header(encoded->bytes, kAddresses);
  if (!again) fail("re-encoded message does not parse");
  if (!std::holds_alternative<Message>(again->message)) fail("message type changed");
  if (std::get<Message>(again->message) != message) fail("value changed in round trip");
  if (again->authenticator != encoded->authenticator) fail("authenticator moved");
  if (first.authenticator.has_value() != encoded->authenticator.has_value()) {
    fail("authentication option appeared or vanished");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  const auto parsed = xpmip::parse_mobility_header(input, std::nullopt);
  const auto verified = xpmip::parse_mobility_header(input, kAddresses);
  if (verified.has_value() != parsed.has_value() &&
      (parsed.has_value() ? verified.error().kind != xpmip::ParseErrorKind::kBadChecksum : true)) {
    fail("checksum verification changed more than the checksum verdict");
  }
  if (!parsed) {
    if (parsed.error().offset > size) fail("error offset past the input");
    if (parsed.error().detail.empty()) fail("error without detail");
    return 0;
  }
  if (const auto* pbu = std::get_if<xpmip::ProxyBindingUpdate>(&parsed->message)) {
    check_round_trip(*pbu, *parsed);
  } else if (const auto* pba = std::get_if<xpmip::ProxyBindingAck>(&parsed->message)) {
    check_round_trip(*pba, *parsed);
  }
  return 0;
}
