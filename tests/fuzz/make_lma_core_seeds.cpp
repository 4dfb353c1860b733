// Writes the seed corpus of fuzz_lma_core: short programs that walk the LMA through each RFC 5213
// §5.3 path (attach, refresh, handoff, de-registration and delayed delete, an HI=4 PBU parked and
// released, replays in both ordering modes, signed and tampered PBUs, restore and restart), so
// the fuzzer mutates from there instead of discovering each path from random bytes.
// Usage: make_lma_core_seeds <directory>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "lma_core_ops.hpp"

namespace {

using namespace xpmip::fuzz;
using Bytes = std::vector<std::uint8_t>;

class Program {
 public:
  explicit Program(std::uint8_t config = 0) : bytes_{config} {}

  Program& pbu(const PbuFields& f) {
    op(Op::kPbu);
    append_fields(f, kPbuFieldOrder, bytes_);
    return *this;
  }
  Program& signed_pbu(const PbuFields& f, std::uint8_t tamper = 0, std::uint8_t position = 0) {
    op(Op::kSignedPbu);
    append_fields(f, kPbuFieldOrder, bytes_);
    bytes_.insert(bytes_.end(), {tamper, position});
    return *this;
  }
  Program& advance_ms(std::uint16_t ms) {
    op(Op::kAdvance);
    bytes_.insert(bytes_.end(),
                  {static_cast<std::uint8_t>(ms >> 8), static_cast<std::uint8_t>(ms), 0});
    return *this;
  }
  Program& retransmit() { return op(Op::kRetransmit); }
  Program& restart() { return op(Op::kRestart); }
  Program& restore(const RestoreFields& f) {
    op(Op::kRestore);
    append_fields(f, kRestoreFieldOrder, bytes_);
    return *this;
  }

  [[nodiscard]] const Bytes& bytes() const { return bytes_; }

 private:
  Program& op(Op code) {
    bytes_.push_back(static_cast<std::uint8_t>(code));
    return *this;
  }
  Bytes bytes_;
};

PbuFields attach(std::uint8_t source, std::uint8_t mn = pick::kAlice) {
  PbuFields f;
  f.source = source;
  f.mn = mn;
  f.handoff_indicator = 1;  // new interface
  f.hnps = pick::kHnpAllZero;
  return f;
}

PbuFields with(PbuFields f, std::uint8_t hi, std::uint8_t hnps, std::uint8_t sequence) {
  f.handoff_indicator = hi;
  f.hnps = hnps;
  f.sequence_low = sequence;
  return f;
}

PbuFields deregistration(PbuFields f, std::uint8_t sequence) {
  f = with(f, 4, pick::kHnpPoolFirst, sequence);
  f.lifetime = pick::kLifetimeZero;
  return f;
}

bool write_seed(const std::string& directory, const std::string& name, const Program& program) {
  std::ofstream out(directory + "/" + name, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(program.bytes().data()),
            static_cast<std::streamsize>(program.bytes().size()));
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <seed directory>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const PbuFields alice = attach(pick::kMag1);
  PbuFields alice_at_mag2 = with(attach(pick::kMag2), 3, pick::kHnpPoolFirst, 2);
  PbuFields alice_new_mac = with(attach(pick::kMag2), 4, pick::kHnpAllZero, 2);
  alice_new_mac.ll_id = pick::kLlIdSecondMac;
  PbuFields no_timestamp = attach(pick::kMag2);
  no_timestamp.timestamp = 1;

  bool ok = true;
  ok = write_seed(dir, "attach-refresh-deregister-delete",
                  Program()
                      .pbu(alice)
                      .advance_ms(1000)
                      .pbu(with(alice, 5, pick::kHnpPoolFirst, 1))
                      .advance_ms(1000)
                      .pbu(deregistration(alice, 2))
                      .advance_ms(11000)) &&
       ok;
  ok = write_seed(dir, "handoff-and-late-deregistration",
                  Program()
                      .pbu(alice)
                      .advance_ms(500)
                      .pbu(alice_at_mag2)
                      .advance_ms(500)
                      .pbu(deregistration(alice, 3))
                      .retransmit()) &&
       ok;
  ok = write_seed(dir, "held-then-released-by-deregistration",
                  Program()
                      .pbu(alice)
                      .advance_ms(500)
                      .pbu(alice_new_mac)
                      .advance_ms(500)
                      .pbu(deregistration(alice, 3))) &&
       ok;
  ok = write_seed(dir, "held-then-new-session",
                  Program().pbu(alice).advance_ms(500).pbu(alice_new_mac).advance_ms(2000)) &&
       ok;
  ok = write_seed(dir, "signed-replayed-tampered",
                  Program().signed_pbu(alice).advance_ms(100).retransmit().signed_pbu(
                      with(alice, 5, pick::kHnpPoolFirst, 1), 0x01, 10)) &&
       ok;
  ok = write_seed(dir, "sequence-mode-replay",
                  Program(kConfigMag2SequenceMode).pbu(no_timestamp).retransmit()) &&
       ok;
  RestoreFields bob;
  bob.mn = pick::kBob;
  ok = write_seed(dir, "restore-attach-restart",
                  Program()
                      .restore(bob)
                      .pbu(alice)
                      .pbu(attach(pick::kMag2, pick::kCarol))
                      .restart()
                      .advance_ms(60000)) &&
       ok;
  return ok ? 0 : 1;
}
