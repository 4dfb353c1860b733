// Packet capture on one device of a namespace, decoded afterwards with tshark: the tests judge
// what actually crossed the wire, independently of any counter our programs keep.
//
// The capture is an AF_PACKET socket opened inside the namespace rather than dumpcap: the kernel
// queues a frame on the socket before the frame travels on, so once the last reply of a ping has
// arrived every frame is already queued; dumpcap, stopped by a signal, dropped the frames its
// TPACKET_V3 ring had not yet handed over.
#pragma once

#include <cstddef>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include "netns.hpp"

namespace xpmip::netns {

// One IPv6-in-IPv6 frame as tshark decodes it. Addresses are in canonical text form
// (inet_ntop), so they compare equal to canonical(...) of the expected value.
struct TunnelledPacket {
  std::size_t frame_number = 0;   // 1-based position in the capture, as tshark counts
  std::vector<int> next_headers;  // per IPv6 header, outermost first: {41, 58} for 6in6 ICMPv6
  std::string outer_src;
  std::string outer_dst;
  std::string inner_src;
  std::string inner_dst;
  int outer_payload_length = -1;
  int inner_payload_length = -1;
  int outer_hop_limit = -1;
  int inner_hop_limit = -1;
  int icmpv6_type = -1;  // -1 when the inner packet is not ICMPv6
};

// inet_pton + inet_ntop; returns the input unchanged when it is not an IPv6 address, so a
// mismatch shows up in the assertion message instead of disappearing.
std::string canonical(const std::string& ipv6_address);

// Splits decoded packets at a checkpoint(): those captured up to it, and those after.
std::pair<std::vector<TunnelledPacket>, std::vector<TunnelledPacket>> split_at_frame(
    const std::vector<TunnelledPacket>& packets, std::size_t checkpoint);

// One capture per test, decoded once at the end (tshark's start-up dominates the cost of a
// decode); checkpoint() marks where each phase of the test ends.
class PacketCapture {
 public:
  // Starts capturing every frame `dev` inside `ns` sends or receives, into `pcap_path`.
  static tl::expected<PacketCapture, std::string> start(const NetNamespace& ns,
                                                        const std::string& dev,
                                                        std::string pcap_path);

  PacketCapture(PacketCapture&& other) noexcept;
  PacketCapture& operator=(PacketCapture&&) = delete;
  PacketCapture(const PacketCapture&) = delete;
  PacketCapture& operator=(const PacketCapture&) = delete;
  ~PacketCapture();  // closes the socket and deletes the file

  // Moves every frame captured so far into the file; returns how many frames it holds.
  tl::expected<std::size_t, std::string> checkpoint();

  // Stops capturing and decodes every frame whose outer IPv6 next header is 41. An error if the
  // kernel dropped any frame for lack of buffer space (the capture would be incomplete).
  tl::expected<std::vector<TunnelledPacket>, std::string> tunnelled_packets();

 private:
  PacketCapture(int socket_fd, std::string pcap_path)
      : socket_fd_(socket_fd), pcap_path_(std::move(pcap_path)) {}
  tl::expected<void, std::string> stop();
  int socket_fd_ = -1;
  std::string pcap_path_;
  std::ofstream file_;
  std::size_t frames_ = 0;
};

}  // namespace xpmip::netns
