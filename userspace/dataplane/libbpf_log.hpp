// libbpf's print callback is process-wide; this routes it to the Dataplane logger and, while a
// LogCapture is alive, also records it so a failed load can report the verifier log.
#pragma once

#include <string>

#include "xpmip/dataplane.hpp"

namespace xpmip::dataplane {

// Makes `logger` (or spdlog's default logger when empty) the destination of libbpf's messages.
void route_libbpf_log(Logger logger);

// Sends one message to the routed logger.
void log_message(LogLevel level, const std::string& message);

class LogCapture {
 public:
  LogCapture();
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  [[nodiscard]] std::string text() const;
};

}  // namespace xpmip::dataplane
