// Typed, position-aware reading of TOML tables for the config and policy loaders. Every read marks
// its key as known, so reject_unknown() can name the keys nobody asked for (typos). The first
// error is kept in the Document with file:line:column and the dotted key; later reads become
// no-ops, which lets a loader read a whole section in straight-line code and check once.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "xpmip/daemon/config.hpp"

namespace xpmip::daemon::toml_reader {

// The whole file as text; an unreadable file becomes a ConfigError naming it and the errno.
[[nodiscard]] ConfigResult<std::string> read_file(const std::filesystem::path& file);

// Parses `text`; a syntax error becomes a ConfigError at the offending position.
[[nodiscard]] ConfigResult<toml::table> parse(std::string_view text, const std::string& file);

// The file being read and its first error.
class Document {
 public:
  explicit Document(std::string file) : file_(std::move(file)) {}

  void fail(const toml::source_region& where, std::string key, std::string reason);
  [[nodiscard]] bool failed() const { return error_.has_value(); }
  [[nodiscard]] const ConfigError& error() const { return *error_; }
  [[nodiscard]] const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::optional<ConfigError> error_;
};

// One TOML table and its dotted path ("" for the root, "lma", "mobile_node[2]").
class Table {
 public:
  Table(Document& document, const toml::table& table, std::string path);

  // Each read leaves `out` untouched when the key is absent and returns whether it was present
  // and valid.
  bool read(std::string_view key, std::string& out);
  bool read(std::string_view key, bool& out);
  bool read(std::string_view key, std::vector<std::string>& out);

  template <std::integral Int>
  bool read(std::string_view key, Int& out, std::int64_t min, std::int64_t max) {
    std::int64_t value = 0;
    if (!read_integer(key, value, min, max)) return false;
    out = static_cast<Int>(value);
    return true;
  }
  template <typename Rep, typename Period>
  bool read(std::string_view key, std::chrono::duration<Rep, Period>& out, std::int64_t min,
            std::int64_t max) {
    std::int64_t value = 0;
    if (!read_integer(key, value, min, max)) return false;
    out = std::chrono::duration<Rep, Period>{value};
    return true;
  }

  // A string turned into a value by `parse_text` (returning std::optional); `what` names the
  // expected form in the error ("an IPv6 address").
  template <typename T, typename Parse>
  bool read_as(std::string_view key, T& out, Parse parse_text, std::string_view what) {
    const toml::node* node = string_node(key);
    if (node == nullptr) return false;
    return convert(*node, key_path(key), out, parse_text, what);
  }
  template <typename T, typename Parse>
  bool read_list_as(std::string_view key, std::vector<T>& out, Parse parse_text,
                    std::string_view what) {
    const toml::array* array = array_node(key);
    if (array == nullptr) return false;
    std::vector<T> values;
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::node& item = *array->get(i);
      std::string path = key_path(key) + "[" + std::to_string(i) + "]";
      T value{};
      if (!item.is_string()) {
        document_->fail(item.source(), path, "expected a string, got " + type_name(item));
        return false;
      }
      if (!convert(item, path, value, parse_text, what)) return false;
      values.push_back(std::move(value));
    }
    out = std::move(values);
    return true;
  }

  [[nodiscard]] std::optional<Table> table(std::string_view key);
  // [[key]] arrays of tables; an empty vector when absent.
  [[nodiscard]] std::vector<Table> tables(std::string_view key);

  [[nodiscard]] bool has(std::string_view key) const { return table_->contains(key); }
  // Fails with "missing required key" at the table unless `key` is present.
  void require(std::string_view key);
  // Fails on the first key no read, require, table or allow call asked about.
  void reject_unknown();
  // Marks a key as known without reading it.
  void allow(std::string_view key) { known_.emplace(key); }
  // Fails at `key`'s value (or at the table when absent).
  void fail(std::string_view key, std::string reason);

  [[nodiscard]] std::string key_path(std::string_view key) const;
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const toml::source_region& source() const { return table_->source(); }
  [[nodiscard]] Document& document() const { return *document_; }

 private:
  bool read_integer(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max);
  // The node at `key` if it is a string; nullptr when absent or of another type (then failed).
  const toml::node* string_node(std::string_view key);
  const toml::array* array_node(std::string_view key);
  const toml::node* lookup(std::string_view key);
  [[nodiscard]] static std::string type_name(const toml::node& node);

  template <typename T, typename Parse>
  bool convert(const toml::node& node, const std::string& path, T& out, Parse parse_text,
               std::string_view what) {
    const std::string& text = node.as_string()->get();
    auto value = parse_text(std::string_view{text});
    if (!value) {
      document_->fail(node.source(), path, "not " + std::string(what) + ": \"" + text + "\"");
      return false;
    }
    out = std::move(*value);
    return true;
  }

  Document* document_;
  const toml::table* table_;
  std::string path_;
  std::set<std::string, std::less<>> known_;
};

}  // namespace xpmip::daemon::toml_reader
