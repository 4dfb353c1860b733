// Cross-checks the codec against an independent dissector: encoded PBU and PBA frames (Ethernet,
// IPv6 with Next Header 135, MH with a valid checksum) are written to a pcap file and Debian's
// tshark must decode every field to the value we meant, without malformed or expert errors.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "test_codec_samples.hpp"
#include "xpmip/address.hpp"
#include "xpmip/codec.hpp"

namespace xpmip {
namespace {

using Bytes = std::vector<std::uint8_t>;

void append_be16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

// Ethernet II + IPv6 header (RFC 8200 §3) around a Mobility Header.
Bytes ethernet_ipv6_frame(const Bytes& mh, const PseudoHeaderAddresses& addresses) {
  Bytes frame = {0x02, 0, 0, 0, 0, 0xb, 0x02, 0, 0, 0, 0, 0xa};  // destination, source MAC
  append_be16(frame, 0x86dd);                                    // EtherType IPv6
  frame.insert(frame.end(), {0x60, 0, 0, 0});  // version 6, traffic class 0, flow label 0
  append_be16(frame, static_cast<std::uint16_t>(mh.size()));  // Payload Length
  frame.push_back(kIpProtoMobilityHeader);                    // Next Header
  frame.push_back(64);                                        // Hop Limit
  frame.insert(frame.end(), addresses.source.begin(), addresses.source.end());
  frame.insert(frame.end(), addresses.destination.begin(), addresses.destination.end());
  frame.insert(frame.end(), mh.begin(), mh.end());
  return frame;
}

// Classic libpcap format, host byte order, LINKTYPE_ETHERNET.
void write_pcap(const std::string& path, const std::vector<Bytes>& frames) {
  std::ofstream out(path, std::ios::binary);
  auto put32 = [&](std::uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  auto put16 = [&](std::uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
  put32(0xa1b2c3d4);
  put16(2);
  put16(4);
  put32(0);      // thiszone
  put32(0);      // sigfigs
  put32(65535);  // snaplen
  put32(1);      // LINKTYPE_ETHERNET
  std::uint32_t second = 1'700'000'000;
  for (const Bytes& frame : frames) {
    put32(second++);
    put32(0);
    put32(static_cast<std::uint32_t>(frame.size()));
    put32(static_cast<std::uint32_t>(frame.size()));
    out.write(reinterpret_cast<const char*>(frame.data()),
              static_cast<std::streamsize>(frame.size()));
  }
}

std::string run(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
  const int status = pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command << "\n" << output;
  return output;
}

bool tshark_available() {
  return system("command -v tshark >/dev/null 2>&1") == 0;
}

// Field name -> value for one frame; repeated fields come joined with ','.
using Fields = std::map<std::string, std::string>;

std::vector<Fields> decode_with_tshark(const std::string& pcap,
                                       const std::vector<std::string>& names) {
  std::string command = "tshark -n -r " + pcap + " -T fields -E separator=/t -E occurrence=a";
  command += " -E aggregator=,";
  for (const auto& name : names) command += " -e " + name;
  command += " 2>/dev/null";
  std::vector<Fields> frames;
  std::istringstream lines(run(command));
  std::string line;
  while (std::getline(lines, line)) {
    Fields fields;
    std::istringstream values(line);
    std::string value;
    for (const auto& name : names) {
      std::getline(values, value, '\t');
      fields[name] = value;
    }
    frames.push_back(fields);
  }
  return frames;
}

class CodecTshark : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!tshark_available()) GTEST_SKIP() << "tshark not installed (scripts/setup.sh adds it)";
    char path[] = "/tmp/xpmip_codec_XXXXXX.pcap";
    const int fd = mkstemps(path, 5);
    ASSERT_GE(fd, 0);
    close(fd);
    pcap_ = path;
  }
  void TearDown() override {
    if (!pcap_.empty()) unlink(pcap_.c_str());
  }

  template <typename Message>
  Bytes encode(const Message& message, const PseudoHeaderAddresses& addresses) {
    auto encoded = encode_mobility_header(message, addresses);
    EXPECT_TRUE(encoded.has_value());
    return encoded ? encoded->bytes : Bytes{};
  }

  std::string pcap_;
};

const PseudoHeaderAddresses kMagToLma{samples::kMagAddress, samples::kLmaAddress};
const PseudoHeaderAddresses kLmaToMag{samples::kLmaAddress, samples::kMagAddress};

TEST_F(CodecTshark, DecodesEveryPbuAndPbaField) {
  ProxyBindingUpdate pbu = samples::refresh_pbu();
  pbu.options.link_local_address = samples::kMagLinkLocal;
  const ProxyBindingAck pba = samples::accepted_pba();
  const Bytes pbu_mh = encode(pbu, kMagToLma);
  const Bytes pba_mh = encode(pba, kLmaToMag);
  write_pcap(pcap_,
             {ethernet_ipv6_frame(pbu_mh, kMagToLma), ethernet_ipv6_frame(pba_mh, kLmaToMag)});

  const std::vector<std::string> names = {
      "ipv6.nxt",          "ipv6.plen",         "mip6.proto",
      "mip6.hlen",         "mip6.mhtype",       "mip6.csum",
      "mip6.bu.seqnr",     "mip6.bu.a_flag",    "mip6.bu.h_flag",
      "mip6.bu.p_flag",    "mip6.bu.lifetime",  "mip6.ba.status",
      "mip6.ba.p_flag",    "mip6.ba.k_flag",    "mip6.ba.seqnr",
      "mip6.ba.lifetime",  "mip6.mnid.subtype", "mip6.mnid.identifier",
      "mip6.nemo.mnp.pfl", "mip6.nemo.mnp.mnp", "mip6.hi",
      "mip6.att",          "mip6.mnlli.lli",    "mip6.lila_lla",
      "mip6.timestamp_tmp"};
  const auto frames = decode_with_tshark(pcap_, names);
  ASSERT_EQ(frames.size(), 2u);

  const Fields& bu = frames[0];
  EXPECT_EQ(bu.at("ipv6.nxt"), "135");
  EXPECT_EQ(bu.at("ipv6.plen"), std::to_string(pbu_mh.size()));
  EXPECT_EQ(bu.at("mip6.proto"), "59");
  EXPECT_EQ(bu.at("mip6.hlen"), std::to_string(pbu_mh.size() / 8 - 1));
  EXPECT_EQ(bu.at("mip6.mhtype"), "5");
  EXPECT_EQ(
      bu.at("mip6.csum"), "0x" + [&] {
        char hex[5];
        std::snprintf(hex, sizeof hex, "%02x%02x", pbu_mh[4], pbu_mh[5]);
        return std::string(hex);
      }());
  EXPECT_EQ(bu.at("mip6.bu.seqnr"), "2");
  EXPECT_EQ(bu.at("mip6.bu.a_flag"), "1");
  EXPECT_EQ(bu.at("mip6.bu.h_flag"), "0");
  EXPECT_EQ(bu.at("mip6.bu.p_flag"), "1");
  EXPECT_EQ(bu.at("mip6.bu.lifetime"), "900");
  EXPECT_EQ(bu.at("mip6.mnid.subtype"), "1");
  EXPECT_EQ(bu.at("mip6.mnid.identifier"), "mn1@example.com");
  EXPECT_EQ(bu.at("mip6.nemo.mnp.pfl"), "64,64");
  EXPECT_EQ(bu.at("mip6.nemo.mnp.mnp"), "2001:db8:1:1::,2001:db8:1:2::");
  EXPECT_EQ(bu.at("mip6.hi"), "5");
  EXPECT_EQ(bu.at("mip6.att"), "4");
  EXPECT_EQ(bu.at("mip6.mnlli.lli"), "020000000001");
  EXPECT_EQ(bu.at("mip6.lila_lla"), "fe80::200:5eff:fe00:5213");
  // kTimestamp + 1 s: 1700000001.5 s after 1970 (Wireshark's ENC_TIME_MIP6 reading).
  EXPECT_NE(bu.at("mip6.timestamp_tmp").find("2023 22:13:21.5"), std::string::npos)
      << bu.at("mip6.timestamp_tmp");

  const Fields& ba = frames[1];
  EXPECT_EQ(ba.at("ipv6.nxt"), "135");
  EXPECT_EQ(ba.at("mip6.mhtype"), "6");
  EXPECT_EQ(ba.at("mip6.ba.status"), "0");
  EXPECT_EQ(ba.at("mip6.ba.p_flag"), "1");
  EXPECT_EQ(ba.at("mip6.ba.k_flag"), "0");
  EXPECT_EQ(ba.at("mip6.ba.seqnr"), "1");
  EXPECT_EQ(ba.at("mip6.ba.lifetime"), "900");
  EXPECT_EQ(ba.at("mip6.mnid.identifier"), "mn1@example.com");
  EXPECT_EQ(ba.at("mip6.nemo.mnp.pfl"), "64");
  EXPECT_EQ(ba.at("mip6.nemo.mnp.mnp"), "2001:db8:1:1::");
  EXPECT_EQ(ba.at("mip6.hi"), "1");
  EXPECT_EQ(ba.at("mip6.att"), "4");
  EXPECT_EQ(ba.at("mip6.mnlli.lli"), "020000000001");
  EXPECT_EQ(ba.at("mip6.lila_lla"), "fe80::200:5eff:fe00:5213");
  EXPECT_NE(ba.at("mip6.timestamp_tmp").find("2023 22:13:20.5"), std::string::npos)
      << ba.at("mip6.timestamp_tmp");
}

TEST_F(CodecTshark, RejectedPbaAndAuthenticatedDeregistration) {
  ProxyBindingUpdate pbu = samples::deregistration_pbu();
  pbu.options.authentication->authenticator = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  const Bytes pba_mh = encode(samples::rejected_pba(), kLmaToMag);
  const Bytes pbu_mh = encode(pbu, kMagToLma);
  write_pcap(pcap_,
             {ethernet_ipv6_frame(pba_mh, kLmaToMag), ethernet_ipv6_frame(pbu_mh, kMagToLma)});
  const auto frames = decode_with_tshark(
      pcap_, {"mip6.ba.status", "mip6.mnid.identifier", "mip6.nemo.mnp.pfl", "mip6.nemo.mnp.mnp",
              "mip6.bu.lifetime", "mip6.acoa.acoa", "mip6.rc", "mip6.auth.subtype",
              "mip6.auth.mobility_spi", "mip6.auth.auth_data"});
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].at("mip6.ba.status"), "160");
  EXPECT_EQ(frames[0].at("mip6.mnid.identifier"), "");
  EXPECT_EQ(frames[0].at("mip6.nemo.mnp.pfl"), "0");
  EXPECT_EQ(frames[0].at("mip6.nemo.mnp.mnp"), "::");
  EXPECT_EQ(frames[1].at("mip6.bu.lifetime"), "0");
  EXPECT_EQ(frames[1].at("mip6.acoa.acoa"), to_string(samples::kMagAddress));
  EXPECT_EQ(frames[1].at("mip6.rc"), "7");
  EXPECT_EQ(frames[1].at("mip6.auth.subtype"), "1");
  EXPECT_EQ(frames[1].at("mip6.auth.mobility_spi"), "4096");
  // Wireshark 4.0 shows Length - 7 octets of Authentication Data, two short: RFC 4285 §5 counts
  // Length from the Subtype (1 + 4 + 12 = 17), which the codec does and the golden test checks.
  EXPECT_EQ(frames[1].at("mip6.auth.auth_data"), "0102030405060708090a");

  // In tshark's own walk of the options, the authentication option is the last and the MN-ID
  // precedes it (RFC 4285 §5.1, RFC 4283 §3.2).
  std::istringstream tree(run("tshark -n -r " + pcap_ + " -Y mip6.bu.seqnr -V 2>/dev/null"));
  std::vector<std::string> options;
  for (std::string line; std::getline(tree, line);) {
    const auto at = line.find("MIPv6 Option - ");
    if (at != std::string::npos && line.find("PadN") == std::string::npos) {
      options.push_back(line.substr(at + 15));
    }
  }
  ASSERT_GE(options.size(), 2u);
  EXPECT_EQ(options.back(), "AUTH-OPTION-TYPE");
  EXPECT_EQ(options[options.size() - 2], "Mobile Node Identifier: mn2@example.org");
}

TEST_F(CodecTshark, ReportsNothingMalformed) {
  std::vector<Bytes> frames;
  for (const auto& pbu : samples::all_pbus())
    frames.push_back(ethernet_ipv6_frame(encode(pbu, kMagToLma), kMagToLma));
  // Wireshark 4.0 wants an MN-ID Length of at least 2 and flags the Length-1 option that
  // RFC 5213 §5.3.6 asks for in a PBA answering a PBU without MN-ID (RFC 4283 §3 sets no
  // minimum), so samples with an empty identifier are left out here.
  for (const auto& pba : samples::all_pbas()) {
    if (pba.options.mn_id && pba.options.mn_id->identifier.empty()) continue;
    frames.push_back(ethernet_ipv6_frame(encode(pba, kLmaToMag), kLmaToMag));
  }
  write_pcap(pcap_, frames);
  const std::string all = run("tshark -n -r " + pcap_ + " -T fields -e frame.number 2>/dev/null");
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), static_cast<long>(frames.size()));
  // Any expert item at warning level or above (malformed, bad length, ...) selects the frame.
  const std::string flagged =
      run("tshark -n -r " + pcap_ +
          " -Y '_ws.malformed || _ws.expert.severity >= 0x00600000' -T fields -e frame.number"
          " -e _ws.expert.message 2>/dev/null");
  EXPECT_EQ(flagged, "");
}

TEST_F(CodecTshark, NoticesADeliberatelyBrokenOption) {
  // Control for the previous test: a Handoff Indicator with Length 3 must be flagged, so an
  // empty result above means tshark found nothing wrong rather than nothing checked.
  Bytes mh = {59, 1, 5, 0, 0, 0, 0, 1, 0x82, 0, 0, 0, 23, 3, 0, 1};
  write_mh_checksum(mh, kMagToLma);
  write_pcap(pcap_, {ethernet_ipv6_frame(mh, kMagToLma)});
  const std::string flagged =
      run("tshark -n -r " + pcap_ +
          " -Y '_ws.malformed || _ws.expert.severity >= 0x00600000' -T fields -e frame.number"
          " 2>/dev/null");
  EXPECT_EQ(flagged, "1\n");
}

}  // namespace
}  // namespace xpmip
