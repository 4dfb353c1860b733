// Writes the fuzz seed corpus: every sample PBU/PBA encoded (with and without checksum), plus a
// few other MH types, so the fuzzer starts from well-formed messages instead of random bytes.
// Usage: make_codec_seeds <directory>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "test_codec_samples.hpp"
#include "xpmip/codec.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;

bool write_seed(const std::string& directory, const std::string& name, const Bytes& bytes) {
  std::ofstream out(directory + "/" + name, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

template <typename Message>
bool write_encoded(const std::string& directory, const std::string& name, const Message& message) {
  const xpmip::PseudoHeaderAddresses addresses{xpmip::samples::kMagAddress,
                                               xpmip::samples::kLmaAddress};
  auto plain = xpmip::encode_mobility_header(message, std::nullopt);
  auto summed = xpmip::encode_mobility_header(message, addresses);
  if (!plain || !summed) {
    std::fprintf(stderr, "make_codec_seeds: cannot encode %s\n", name.c_str());
    return false;
  }
  return write_seed(directory, name, plain->bytes) &&
         write_seed(directory, name + "-checksum", summed->bytes);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <seed directory>\n", argv[0]);
    return 2;
  }
  const std::string directory = argv[1];
  bool ok = true;
  int index = 0;
  for (const auto& pbu : xpmip::samples::all_pbus()) {
    ok = write_encoded(directory, "pbu-" + std::to_string(index++), pbu) && ok;
  }
  index = 0;
  for (const auto& pba : xpmip::samples::all_pbas()) {
    ok = write_encoded(directory, "pba-" + std::to_string(index++), pba) && ok;
  }
  // Heartbeat request (RFC 5847 §3.3) and a Binding Error (RFC 6275 §6.1.9), which decode to
  // OtherMobilityMessage, and an unknown option inside a PBU (RFC 6275 §6.2.1).
  ok = write_seed(directory, "heartbeat", {59, 1, 13, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 0}) && ok;
  Bytes binding_error = {59, 2, 7, 0, 0, 0, 2, 0};
  binding_error.resize(24, 0);
  ok = write_seed(directory, "binding-error", binding_error) && ok;
  ok = write_seed(directory, "pbu-unknown-option",
                  {59, 1, 5, 0, 0, 0, 0, 1, 0x82, 0, 0, 1, 200, 2, 0xab, 0xcd}) &&
       ok;
  return ok ? 0 : 1;
}
