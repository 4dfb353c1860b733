#include "xpmip/daemon/state_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "value_forms.hpp"
#include "xpmip/address.hpp"

namespace xpmip::daemon {

using xpmip::to_string;

namespace {

using nlohmann::json;

std::optional<std::vector<std::uint8_t>> unhex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> octets;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    unsigned value = 0;
    for (char c : text.substr(i, 2)) {
      if (c >= '0' && c <= '9') {
        value = value * 16 + static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        value = value * 16 + static_cast<unsigned>(c - 'a' + 10);
      } else {
        return std::nullopt;
      }
    }
    octets.push_back(static_cast<std::uint8_t>(value));
  }
  return octets;
}

std::string system_error(const std::string& step) {
  return step + ": " + std::strerror(errno);
}

// Reads one binding, naming the first field that is missing or malformed.
class RecordReader {
 public:
  RecordReader(const json& object, std::string path) : object_(object), path_(std::move(path)) {}

  template <typename T>
  bool number(std::string_view key, T& out) {
    const json* value = field(key);
    if (value == nullptr) return false;
    // JSON numbers read back as unsigned exactly when they are non-negative integers.
    if (!value->is_number_unsigned()) return fail(key, "expected a non-negative integer");
    const auto number = value->get<std::uint64_t>();
    if (number > std::numeric_limits<T>::max()) return fail(key, "out of range");
    out = static_cast<T>(number);
    return true;
  }

  bool text(std::string_view key, std::string& out) {
    const json* value = field(key);
    if (value == nullptr) return false;
    if (!value->is_string()) return fail(key, "expected a string");
    out = value->get<std::string>();
    return true;
  }

  template <typename T, typename Parse>
  bool parsed(std::string_view key, T& out, Parse parse_text, std::string_view what) {
    std::string value;
    if (!text(key, value)) return false;
    auto result = parse_text(value);
    if (!result) return fail(key, "not " + std::string(what) + ": \"" + value + "\"");
    out = std::move(*result);
    return true;
  }

  bool prefixes(std::string_view key, std::vector<Prefix>& out) {
    const json* value = field(key);
    if (value == nullptr) return false;
    if (!value->is_array()) return fail(key, "expected an array");
    for (const auto& item : *value) {
      auto prefix = item.is_string() ? parse_ipv6_prefix(item.get<std::string>()) : std::nullopt;
      if (!prefix) return fail(key, "not a list of IPv6 prefixes");
      out.push_back(*prefix);
    }
    return true;
  }

  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  const json* field(std::string_view key) {
    if (!error_.empty()) return nullptr;
    auto it = object_.find(key);
    if (it == object_.end()) {
      fail(key, "missing");
      return nullptr;
    }
    return &*it;
  }
  bool fail(std::string_view key, const std::string& reason) {
    if (error_.empty()) error_ = path_ + "." + std::string(key) + ": " + reason;
    return false;
  }

  const json& object_;
  std::string path_;
  std::string error_;
};

std::optional<BindingState> parse_state(std::string_view text) {
  if (text == "active") return BindingState::kActive;
  if (text == "pending_delete") return BindingState::kPendingDelete;
  return std::nullopt;
}

tl::expected<BindingRecord, std::string> record_from_json(const json& object,
                                                          const std::string& path) {
  if (!object.is_object()) return tl::unexpected(path + ": expected an object");
  BindingRecord r;
  RecordReader in(object, path);
  in.number("mn_id_subtype", r.mn_id.subtype);
  in.parsed(
      "mn_id_hex", r.mn_id.identifier,
      [](std::string_view t) -> std::optional<std::string> {
        auto octets = unhex(t);
        if (!octets || octets->empty()) return std::nullopt;
        return std::string(octets->begin(), octets->end());
      },
      "a non-empty hex string");
  in.parsed("mn_link_layer_id", r.mn_link_layer_id, unhex, "a hex string");
  in.prefixes("hnps", r.home_network_prefixes);
  in.parsed("proxy_coa", r.proxy_coa, parse_ipv6_address, "an IPv6 address");
  in.parsed("mag_link_local", r.mag_link_local, parse_ipv6_address, "an IPv6 address");
  std::uint8_t tech = 0;
  std::uint8_t handoff = 0;
  in.number("access_tech", tech);
  in.number("handoff_indicator", handoff);
  r.access_tech = static_cast<AccessTechnology>(tech);
  r.handoff_indicator = static_cast<HandoffIndicator>(handoff);
  in.number("last_timestamp", r.last_timestamp);
  in.number("last_sequence", r.last_sequence);
  in.number("granted_lifetime", r.granted_lifetime);
  std::uint32_t time_left = 0;
  std::uint32_t age = 0;
  in.number("time_left_s", time_left);
  in.number("age_s", age);
  r.time_left = std::chrono::seconds{time_left};
  r.age = std::chrono::seconds{age};
  in.parsed("state", r.state, parse_state, "\"active\" or \"pending_delete\"");
  if (!in.error().empty()) return tl::unexpected(in.error());
  return r;
}

}  // namespace

json state_to_json(const std::vector<BindingRecord>& records) {
  json bindings = json::array();
  for (const auto& r : records) {
    const std::vector<std::uint8_t> id(r.mn_id.identifier.begin(), r.mn_id.identifier.end());
    json prefixes = json::array();
    for (const auto& prefix : r.home_network_prefixes) prefixes.push_back(to_string(prefix));
    bindings.push_back({
        // The MN-ID is opaque octets (RFC 4283 §3); hex keeps it exact, "mn_id" is for readers.
        {"mn_id", r.mn_id.identifier},
        {"mn_id_subtype", r.mn_id.subtype},
        {"mn_id_hex", value_forms::hex(id)},
        {"mn_link_layer_id", value_forms::hex(r.mn_link_layer_id)},
        {"hnps", std::move(prefixes)},
        {"proxy_coa", to_string(r.proxy_coa)},
        {"mag_link_local", to_string(r.mag_link_local)},
        {"access_tech", static_cast<unsigned>(r.access_tech)},
        {"handoff_indicator", static_cast<unsigned>(r.handoff_indicator)},
        {"last_timestamp", r.last_timestamp},
        {"last_sequence", r.last_sequence},
        {"granted_lifetime", r.granted_lifetime},
        {"time_left_s", r.time_left.count()},
        {"age_s", r.age.count()},
        {"state", r.state == BindingState::kActive ? "active" : "pending_delete"},
    });
  }
  return {{"version", kStateFileVersion}, {"bindings", std::move(bindings)}};
}

tl::expected<std::vector<BindingRecord>, std::string> state_from_json(const json& document) {
  if (!document.is_object()) return tl::unexpected(std::string("not a JSON object"));
  auto version = document.find("version");
  if (version == document.end() || !version->is_number_integer())
    return tl::unexpected(std::string("no \"version\" field"));
  if (version->get<std::int64_t>() != kStateFileVersion)
    return tl::unexpected("unsupported version " + version->dump() + " (this daemon reads " +
                          std::to_string(kStateFileVersion) + ")");
  auto bindings = document.find("bindings");
  if (bindings == document.end() || !bindings->is_array())
    return tl::unexpected(std::string("no \"bindings\" array"));
  std::vector<BindingRecord> records;
  for (std::size_t i = 0; i < bindings->size(); ++i) {
    auto record = record_from_json((*bindings)[i], "bindings[" + std::to_string(i) + "]");
    if (!record) return tl::unexpected(record.error());
    records.push_back(std::move(*record));
  }
  return records;
}

tl::expected<std::vector<BindingRecord>, std::string> load_state_file(
    const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return std::vector<BindingRecord>{};
    return tl::unexpected(system_error("cannot read " + file.string()));
  }
  std::ostringstream text;
  text << in.rdbuf();
  const json document = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded())
    return tl::unexpected(file.string() + ": not valid JSON (corrupt state file)");
  auto records = state_from_json(document);
  if (!records) return tl::unexpected(file.string() + ": " + records.error());
  return records;
}

tl::expected<void, std::string> save_state_file(const std::filesystem::path& file,
                                                const std::vector<BindingRecord>& records) {
  const std::filesystem::path dir = file.parent_path().empty() ? "." : file.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return tl::unexpected("cannot create " + dir.string() + ": " + ec.message());

  const std::string text =
      state_to_json(records).dump(1, '\t', false, nlohmann::json::error_handler_t::replace) + "\n";
  const std::filesystem::path tmp = file.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return tl::unexpected(system_error("cannot create " + tmp.string()));
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto error = system_error("cannot write " + tmp.string());
      ::close(fd);
      ::unlink(tmp.c_str());
      return tl::unexpected(error);
    }
    written += static_cast<std::size_t>(n);
  }
  // The data must be on disk before the rename makes it the state file.
  if (::fsync(fd) != 0) {
    auto error = system_error("cannot fsync " + tmp.string());
    ::close(fd);
    ::unlink(tmp.c_str());
    return tl::unexpected(error);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    auto error = system_error("cannot rename " + tmp.string() + " to " + file.string());
    ::unlink(tmp.c_str());
    return tl::unexpected(error);
  }
  // And the rename itself must survive a crash.
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return {};
}

}  // namespace xpmip::daemon
