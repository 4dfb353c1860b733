#include "bench_report.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>

namespace xpmip::bench {

namespace {

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon != std::string::npos && colon + 2 <= line.size()) return line.substr(colon + 2);
  }
  return "unknown";
}

std::string kernel_release() {
  utsname name{};
  if (::uname(&name) != 0) return "unknown";
  return std::string(name.sysname) + " " + name.release;
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace

nlohmann::json load_average() {
  std::ifstream file("/proc/loadavg");
  double one = 0, five = 0, fifteen = 0;
  if (!(file >> one >> five >> fifteen)) return nlohmann::json::array();
  return nlohmann::json::array({one, five, fifteen});
}

nlohmann::json machine_description() {
  return {{"cpu_model", cpu_model()},
          {"kernel", kernel_release()},
          {"online_cores", ::sysconf(_SC_NPROCESSORS_ONLN)},
          {"started_utc", utc_now()},
          {"load_average", load_average()}};
}

bool write_json_file(const std::string& path, const nlohmann::json& document) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary);
    out << document.dump(2) << '\n';
    if (!out) {
      std::cerr << "cannot write " << temporary << '\n';
      return false;
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::perror(("rename to " + path).c_str());
    return false;
  }
  return true;
}

}  // namespace xpmip::bench
