// The LMA's whole receive path as the daemon runs it: parse -> verify -> LmaCore::handle_pbu
// (RFC 5213 §5.3.1: authentication is check 1, before anything else looks at the PBU). A
// captured signed PBU replayed later is authentic, so the core's ordering checks must reject it;
// a tampered one never reaches the core.
#include "test_auth_fixture.hpp"
#include "test_lma_fixture.hpp"

namespace xpmip::lma_test {
namespace {

using auth_test::Bytes;
using auth_test::kSpi;
using auth_test::test_key;

class AuthReceivePathTest : public LmaTest {
 protected:
  AuthReceivePathTest() {
    EXPECT_TRUE(mag_keys.add_key(kLmaa, kSpi, test_key(1)).has_value());
    EXPECT_TRUE(lma_keys.add_key(kMag1, kSpi, test_key(1)).has_value());
  }

  Bytes capture(const ProxyBindingUpdate& p) {
    auto signed_message = mag_auth.sign(p, PseudoHeaderAddresses{kMag1, kLmaa});
    EXPECT_TRUE(signed_message.has_value());
    return signed_message ? signed_message->bytes : Bytes{};
  }

  struct Received {
    VerifyOutcome outcome = VerifyOutcome::kUnknownPeer;
    LmaOutput output;  // empty unless the message reached the core
  };

  Received receive(const Bytes& bytes, const Ipv6Address& from = kMag1) {
    Received result;
    const PseudoHeaderAddresses addresses{from, kLmaa};
    auto decoded = parse_mobility_header(bytes, addresses);
    EXPECT_TRUE(decoded.has_value());
    if (!decoded) return result;
    const Verification verified = lma_auth.verify(bytes, *decoded, addresses);
    result.outcome = verified.outcome;
    if (!is_accepted(verified.outcome)) return result;
    result.output = lma().handle_pbu(std::get<ProxyBindingUpdate>(decoded->message), from, kLmaa);
    // The answer goes back signed with the PBU's SPI and must verify at the MAG.
    for (const auto& reply : result.output.replies) {
      auto answer = lma_auth.sign(reply.pba, PseudoHeaderAddresses{reply.source, reply.destination},
                                  verified.spi);
      EXPECT_TRUE(answer.has_value());
      if (!answer) continue;
      const PseudoHeaderAddresses back{reply.source, reply.destination};
      auto parsed = parse_mobility_header(answer->bytes, back);
      EXPECT_TRUE(parsed.has_value());
      if (parsed)
        EXPECT_EQ(mag_auth.verify(answer->bytes, *parsed, back).outcome, VerifyOutcome::kOk);
    }
    return result;
  }

  PbaStatus only_status(const Received& r) {
    EXPECT_EQ(r.outcome, VerifyOutcome::kOk);
    EXPECT_EQ(r.output.replies.size(), 1u);
    return r.output.replies.empty() ? PbaStatus::kReasonUnspecified
                                    : r.output.replies[0].pba.status;
  }

  KeyStore mag_keys;
  KeyStore lma_keys;
  MessageAuthenticator mag_auth{mag_keys};
  MessageAuthenticator lma_auth{lma_keys};
};

TEST_F(AuthReceivePathTest, ReplayedPbuIsAuthenticButRejectedAsOld) {
  const Bytes captured = capture(pbu(kAlice, HandoffIndicator::kNewInterface));
  EXPECT_EQ(only_status(receive(captured)), PbaStatus::kAccepted);
  const auto bound = lma().bindings();
  ASSERT_EQ(bound.size(), 1u);

  // At once: the timestamp is not newer than the one accepted (RFC 5213 §5.5.1).
  clock.advance(100ms);
  const Received replayed = receive(captured);
  EXPECT_EQ(only_status(replayed), PbaStatus::kTimestampLowerThanPrevAccepted);
  EXPECT_TRUE(replayed.output.events.empty());
  // The 157 PBA carries the LMA's current time, not the replayed timestamp (§5.3.6).
  EXPECT_EQ(replayed.output.replies[0].pba.options.timestamp, to_pmip_timestamp(clock.wall_now()));
  EXPECT_EQ(lma().bindings()[0].last_timestamp, bound[0].last_timestamp);
}

TEST_F(AuthReceivePathTest, ReplayAfterTheSessionIsGoneIsOutsideTheWindow) {
  const Bytes captured = capture(pbu(kAlice, HandoffIndicator::kNewInterface));
  EXPECT_EQ(only_status(receive(captured)), PbaStatus::kAccepted);
  // The binding expires (1000 s granted) and nothing remembers the timestamp any more; the
  // validity window (300 ms) is what stops the replay now.
  clock.advance(1001s);
  EXPECT_EQ(lma().expire_timers().events.size(), 1u);
  ASSERT_TRUE(lma().bindings().empty());
  const Received replayed = receive(captured);
  EXPECT_EQ(only_status(replayed), PbaStatus::kTimestampMismatch);
  EXPECT_TRUE(replayed.output.events.empty());
  EXPECT_TRUE(lma().bindings().empty());
}

TEST_F(AuthReceivePathTest, ReplayInSequenceNumberModeGets135) {
  policy.set_mag(kMag1, MagPolicy{ReplayMode::kSequenceNumber});
  ProxyBindingUpdate p = pbu(kAlice, HandoffIndicator::kNewInterface);
  p.options.timestamp.reset();
  const Bytes captured = capture(p);
  EXPECT_EQ(only_status(receive(captured)), PbaStatus::kAccepted);
  const Received replayed = receive(captured);
  EXPECT_EQ(only_status(replayed), PbaStatus::kSequenceOutOfWindow);
  EXPECT_EQ(replayed.output.replies[0].pba.sequence, p.sequence);  // the last accepted one
  EXPECT_TRUE(replayed.output.events.empty());
}

// A refresh with a longer lifetime or another prefix, made by editing a captured PBU, fails
// verification; the core never sees it and its state and counters do not move.
TEST_F(AuthReceivePathTest, TamperedPbuStopsAtVerification) {
  const Bytes captured = capture(pbu(kAlice, HandoffIndicator::kNewInterface));
  EXPECT_EQ(only_status(receive(captured)), PbaStatus::kAccepted);
  const auto before = lma().bindings();
  const std::uint64_t accepted_before = lma().stats().pba_count(PbaStatus::kAccepted);

  Bytes tampered = captured;
  tampered[10] = 0xff;                                               // Lifetime, high octet
  write_mh_checksum(tampered, PseudoHeaderAddresses{kMag1, kLmaa});  // an attacker can do this
  const Received r = receive(tampered);
  EXPECT_EQ(r.outcome, VerifyOutcome::kBadAuthenticator);
  EXPECT_TRUE(r.output.replies.empty());
  EXPECT_EQ(lma().bindings(), before);
  EXPECT_EQ(lma().stats().pba_count(PbaStatus::kAccepted), accepted_before);
}

TEST_F(AuthReceivePathTest, ForgedPbuFromAnUnkeyedSenderNeverReachesTheCore) {
  KeyStore attacker_keys;
  ASSERT_TRUE(attacker_keys.add_key(kLmaa, kSpi, test_key(42)).has_value());
  auto forged =
      MessageAuthenticator(attacker_keys)
          .sign(pbu(kBob, HandoffIndicator::kNewInterface), PseudoHeaderAddresses{kMag1, kLmaa});
  ASSERT_TRUE(forged.has_value());
  EXPECT_EQ(receive(forged->bytes).outcome, VerifyOutcome::kBadAuthenticator);
  // Unsigned, from a MAG the policy knows but the key store does not.
  auto unsigned_pbu = encode_mobility_header(pbu(kBob, HandoffIndicator::kNewInterface),
                                             PseudoHeaderAddresses{kMag2, kLmaa});
  ASSERT_TRUE(unsigned_pbu.has_value());
  EXPECT_EQ(receive(unsigned_pbu->bytes, kMag2).outcome, VerifyOutcome::kUnknownPeer);
  EXPECT_TRUE(lma().bindings().empty());
  EXPECT_EQ(lma().stats().bindings_created, 0u);
}

}  // namespace
}  // namespace xpmip::lma_test
