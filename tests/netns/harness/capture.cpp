#include "capture.hpp"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "process.hpp"

namespace xpmip::netns {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, separator)) out.push_back(item);
  if (!text.empty() && text.back() == separator) out.emplace_back();
  return out;
}

constexpr int kReceiveBufferBytes = 4 << 20;

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// Classic pcap file format (the one libpcap has written since 1998): a global header, then per
// frame a record header and the bytes.
struct PcapFileHeader {
  std::uint32_t magic = 0xa1b2c3d4;
  std::uint16_t version_major = 2;
  std::uint16_t version_minor = 4;
  std::int32_t this_zone = 0;
  std::uint32_t sigfigs = 0;
  std::uint32_t snaplen = 65535;
  std::uint32_t link_type = 1;  // LINKTYPE_ETHERNET
};
struct PcapRecordHeader {
  std::uint32_t seconds;
  std::uint32_t microseconds;
  std::uint32_t captured_length;
  std::uint32_t original_length;
};

// Appends every frame queued on `fd` to `file`; returns how many there were.
tl::expected<std::size_t, std::string> drain(int fd, std::ofstream& file) {
  const PcapFileHeader header;
  std::vector<char> frame(header.snaplen);
  std::size_t frames = 0;
  while (true) {
    // MSG_TRUNC: a packet socket then returns the frame's real length even when it was cut to
    // the buffer, so the record says so instead of passing a truncated frame off as whole.
    ssize_t n = recv(fd, frame.data(), frame.size(), MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0) return tl::unexpected(errno_text("recv on packet socket"));
    const auto original = static_cast<std::uint32_t>(n);
    const std::uint32_t captured = std::min(original, header.snaplen);
    // Arrival times are not part of any assertion, so they are left at zero.
    const PcapRecordHeader record{0, 0, captured, original};
    file.write(reinterpret_cast<const char*>(&record), sizeof record);
    file.write(frame.data(), captured);
    ++frames;
  }
  file.flush();
  if (!file) return tl::unexpected(std::string("cannot write the capture file"));
  return frames;
}

int to_int(const std::string& text) {
  if (text.empty()) return -1;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

// Element `i` of a tshark occurrence list ("outer,inner"), or "" when absent.
std::string nth(const std::vector<std::string>& items, std::size_t i) {
  return i < items.size() ? items[i] : std::string();
}

// One line of the tshark field list requested in tunnelled_packets(), in that order.
tl::expected<TunnelledPacket, std::string> parse_line(const std::string& line) {
  const auto fields = split(line, '\t');
  if (fields.size() != 7 || to_int(fields[0]) <= 0)
    return tl::unexpected("unexpected tshark line: " + line);
  TunnelledPacket packet;
  packet.frame_number = static_cast<std::size_t>(to_int(fields[0]));
  const auto sources = split(fields[1], ',');
  const auto destinations = split(fields[2], ',');
  for (const auto& next_header : split(fields[3], ','))
    packet.next_headers.push_back(to_int(next_header));
  const auto lengths = split(fields[4], ',');
  const auto hop_limits = split(fields[5], ',');
  packet.outer_src = canonical(nth(sources, 0));
  packet.inner_src = canonical(nth(sources, 1));
  packet.outer_dst = canonical(nth(destinations, 0));
  packet.inner_dst = canonical(nth(destinations, 1));
  packet.outer_payload_length = to_int(nth(lengths, 0));
  packet.inner_payload_length = to_int(nth(lengths, 1));
  packet.outer_hop_limit = to_int(nth(hop_limits, 0));
  packet.inner_hop_limit = to_int(nth(hop_limits, 1));
  packet.icmpv6_type = to_int(fields[6]);
  return packet;
}

}  // namespace

std::string canonical(const std::string& ipv6_address) {
  in6_addr addr{};
  if (inet_pton(AF_INET6, ipv6_address.c_str(), &addr) != 1) return ipv6_address;
  char text[INET6_ADDRSTRLEN];
  return inet_ntop(AF_INET6, &addr, text, sizeof text) ? std::string(text) : ipv6_address;
}

std::pair<std::vector<TunnelledPacket>, std::vector<TunnelledPacket>> split_at_frame(
    const std::vector<TunnelledPacket>& packets, std::size_t checkpoint) {
  std::pair<std::vector<TunnelledPacket>, std::vector<TunnelledPacket>> phases;
  for (const auto& packet : packets)
    (packet.frame_number <= checkpoint ? phases.first : phases.second).push_back(packet);
  return phases;
}

tl::expected<PacketCapture, std::string> PacketCapture::start(const NetNamespace& ns,
                                                              const std::string& dev,
                                                              std::string pcap_path) {
  // A packet socket belongs to the namespace it was created in and keeps capturing there after
  // the thread has switched back.
  auto inside = ScopedNetnsEntry::enter(ns);
  if (!inside) return tl::unexpected(inside.error());
  const unsigned ifindex = if_nametoindex(dev.c_str());
  if (ifindex == 0) return tl::unexpected(errno_text("if_nametoindex " + ns.name() + "/" + dev));
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
  if (fd < 0) return tl::unexpected(errno_text("socket(AF_PACKET)"));
  PacketCapture capture(fd, std::move(pcap_path));
  sockaddr_ll where{};
  where.sll_family = AF_PACKET;
  where.sll_protocol = htons(ETH_P_ALL);
  where.sll_ifindex = static_cast<int>(ifindex);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&where), sizeof where) != 0)
    return tl::unexpected(errno_text("bind packet socket to " + dev));
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kReceiveBufferBytes, sizeof kReceiveBufferBytes) != 0)
    return tl::unexpected(errno_text("SO_RCVBUF"));
  capture.file_.open(capture.pcap_path_, std::ios::binary | std::ios::trunc);
  const PcapFileHeader header;
  capture.file_.write(reinterpret_cast<const char*>(&header), sizeof header);
  if (!capture.file_) return tl::unexpected("cannot create " + capture.pcap_path_);
  return capture;
}

PacketCapture::PacketCapture(PacketCapture&& other) noexcept
    : socket_fd_(std::exchange(other.socket_fd_, -1)),
      pcap_path_(std::exchange(other.pcap_path_, {})),
      file_(std::move(other.file_)),
      frames_(other.frames_) {}

PacketCapture::~PacketCapture() {
  if (socket_fd_ >= 0) close(socket_fd_);
  file_.close();
  if (pcap_path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove(pcap_path_, ec);
}

tl::expected<std::size_t, std::string> PacketCapture::checkpoint() {
  if (socket_fd_ < 0) return tl::unexpected(std::string("checkpoint after the capture stopped"));
  auto drained = drain(socket_fd_, file_);
  if (!drained) return tl::unexpected(drained.error());
  frames_ += *drained;
  return frames_;
}

tl::expected<void, std::string> PacketCapture::stop() {
  if (socket_fd_ < 0) return {};
  auto drained = checkpoint();
  const int fd = std::exchange(socket_fd_, -1);
  tpacket_stats stats{};
  socklen_t stats_len = sizeof stats;
  const int stats_rc = getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &stats, &stats_len);
  close(fd);
  file_.close();
  if (!drained) return tl::unexpected(drained.error());
  if (stats_rc != 0) return tl::unexpected(errno_text("PACKET_STATISTICS"));
  if (stats.tp_drops != 0)
    return tl::unexpected("capture incomplete: kernel dropped " + std::to_string(stats.tp_drops) +
                          " frames");
  return {};
}

tl::expected<std::vector<TunnelledPacket>, std::string> PacketCapture::tunnelled_packets() {
  if (auto stopped = stop(); !stopped) return tl::unexpected(stopped.error());
  std::vector<std::string> argv{
      "tshark", "-n",           "-r", pcap_path_,     "-Y", "ipv6.nxt == 41", "-T", "fields",
      "-E",     "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"};
  // The order parse_line() reads them in; "occurrence=a" lists a field once per IPv6 header.
  for (const char* field : {"frame.number", "ipv6.src", "ipv6.dst", "ipv6.nxt", "ipv6.plen",
                            "ipv6.hlim", "icmpv6.type"}) {
    argv.push_back("-e");
    argv.push_back(field);
  }
  auto out = run_checked(argv, 30s);
  if (!out) return tl::unexpected(out.error());
  std::vector<TunnelledPacket> packets;
  for (const auto& line : split(*out, '\n')) {
    if (line.empty()) continue;
    auto packet = parse_line(line);
    if (!packet) return tl::unexpected(packet.error());
    packets.push_back(std::move(*packet));
  }
  return packets;
}

}  // namespace xpmip::netns
