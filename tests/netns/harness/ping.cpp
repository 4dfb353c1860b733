#include "ping.hpp"

#include <regex>

#include "process.hpp"

namespace xpmip::netns {

tl::expected<PingResult, std::string> ping(const NetNamespace& from, const std::string& destination,
                                           int count) {
  auto run = run_command(from.exec_argv(
      {"ping", "-6", "-n", "-c", std::to_string(count), "-i", "0.1", "-W", "1", destination}));
  if (!run) return tl::unexpected(run.error());
  PingResult result;
  result.transcript = run->out + run->err;
  // iputils: "3 packets transmitted, 3 received, 0% packet loss, time 203ms"
  static const std::regex summary(R"((\d+) packets transmitted, (\d+) received)");
  std::smatch match;
  if (!std::regex_search(run->out, match, summary))
    return tl::unexpected("no ping summary from " + from.name() + ": " + result.transcript);
  result.transmitted = std::stoi(match[1].str());
  result.received = std::stoi(match[2].str());
  return result;
}

}  // namespace xpmip::netns
