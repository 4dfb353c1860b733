#include "libbpf_log.hpp"

#include <bpf/libbpf.h>
#include <spdlog/spdlog.h>

#include <cstdarg>
#include <cstdio>
#include <mutex>

namespace xpmip::dataplane {
namespace {

struct LogRoute {
  std::mutex mutex;
  Logger logger;
  std::string capture;
  int capturing = 0;
};

LogRoute& route() {
  static LogRoute r;
  return r;
}

void default_log(LogLevel level, const std::string& message) {
  switch (level) {
    case LogLevel::kDebug:
      spdlog::debug("{}", message);
      break;
    case LogLevel::kInfo:
      spdlog::info("{}", message);
      break;
    case LogLevel::kWarn:
      spdlog::warn("{}", message);
      break;
  }
}

int libbpf_print(enum libbpf_print_level level, const char* format, va_list args) {
  char buffer[2048];
  va_list copy;
  va_copy(copy, args);
  std::vsnprintf(buffer, sizeof(buffer), format, copy);
  va_end(copy);
  std::string message(buffer);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  LogLevel ours = level == LIBBPF_WARN   ? LogLevel::kWarn
                  : level == LIBBPF_INFO ? LogLevel::kInfo
                                         : LogLevel::kDebug;
  {
    std::lock_guard lock(route().mutex);
    if (route().capturing > 0 && level != LIBBPF_DEBUG) route().capture += message + "\n";
  }
  log_message(ours, message);
  return 0;
}

}  // namespace

void route_libbpf_log(Logger logger) {
  {
    std::lock_guard lock(route().mutex);
    route().logger = std::move(logger);
  }
  libbpf_set_print(libbpf_print);
}

void log_message(LogLevel level, const std::string& message) {
  Logger logger;
  {
    std::lock_guard lock(route().mutex);
    logger = route().logger;
  }
  if (logger) {
    logger(level, message);
  } else {
    default_log(level, message);
  }
}

LogCapture::LogCapture() {
  std::lock_guard lock(route().mutex);
  if (route().capturing++ == 0) route().capture.clear();
}

LogCapture::~LogCapture() {
  std::lock_guard lock(route().mutex);
  --route().capturing;
}

std::string LogCapture::text() const {
  std::lock_guard lock(route().mutex);
  return route().capture;
}

}  // namespace xpmip::dataplane
