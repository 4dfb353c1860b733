#include "toml_reader.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

namespace xpmip::daemon::toml_reader {

namespace {

SourcePosition position_of(const std::string& file, const toml::source_region& where) {
  return SourcePosition{file, where.begin.line, where.begin.column};
}

}  // namespace

ConfigResult<std::string> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    const int error = errno;
    return tl::unexpected(
        ConfigError{SourcePosition{file.string(), 0, 0}, "",
                    std::string("cannot read the file: ") + std::strerror(error)});
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

ConfigResult<toml::table> parse(std::string_view text, const std::string& file) {
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& error) {
    // toml++ reports syntax errors only by exception in its shared-library build.
    return tl::unexpected(
        ConfigError{position_of(file, error.source()), "", std::string(error.description())});
  }
}

void Document::fail(const toml::source_region& where, std::string key, std::string reason) {
  if (error_) return;
  error_ = ConfigError{position_of(file_, where), std::move(key), std::move(reason)};
}

Table::Table(Document& document, const toml::table& table, std::string path)
    : document_(&document), table_(&table), path_(std::move(path)) {}

std::string Table::key_path(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  return path_ + "." + std::string(key);
}

std::string Table::type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date/time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

const toml::node* Table::lookup(std::string_view key) {
  known_.emplace(key);
  if (document_->failed()) return nullptr;
  return table_->get(key);
}

const toml::node* Table::string_node(std::string_view key) {
  const toml::node* node = lookup(key);
  if (node == nullptr) return nullptr;
  if (!node->is_string()) {
    document_->fail(node->source(), key_path(key), "expected a string, got " + type_name(*node));
    return nullptr;
  }
  return node;
}

const toml::array* Table::array_node(std::string_view key) {
  const toml::node* node = lookup(key);
  if (node == nullptr) return nullptr;
  if (!node->is_array()) {
    document_->fail(node->source(), key_path(key), "expected an array, got " + type_name(*node));
    return nullptr;
  }
  return node->as_array();
}

bool Table::read(std::string_view key, std::string& out) {
  const toml::node* node = string_node(key);
  if (node == nullptr) return false;
  out = node->as_string()->get();
  return true;
}

bool Table::read(std::string_view key, bool& out) {
  const toml::node* node = lookup(key);
  if (node == nullptr) return false;
  if (!node->is_boolean()) {
    document_->fail(node->source(), key_path(key), "expected a boolean, got " + type_name(*node));
    return false;
  }
  out = node->as_boolean()->get();
  return true;
}

bool Table::read(std::string_view key, std::vector<std::string>& out) {
  return read_list_as(
      key, out, [](std::string_view text) { return std::optional<std::string>(text); }, "a string");
}

bool Table::read_integer(std::string_view key, std::int64_t& out, std::int64_t min,
                         std::int64_t max) {
  const toml::node* node = lookup(key);
  if (node == nullptr) return false;
  if (!node->is_integer()) {
    document_->fail(node->source(), key_path(key), "expected an integer, got " + type_name(*node));
    return false;
  }
  const std::int64_t value = node->as_integer()->get();
  if (value < min || value > max) {
    document_->fail(node->source(), key_path(key),
                    "out of range: " + std::to_string(value) + " (allowed " + std::to_string(min) +
                        ".." + std::to_string(max) + ")");
    return false;
  }
  out = value;
  return true;
}

std::optional<Table> Table::table(std::string_view key) {
  const toml::node* node = lookup(key);
  if (node == nullptr) return std::nullopt;
  if (!node->is_table()) {
    document_->fail(node->source(), key_path(key), "expected a table, got " + type_name(*node));
    return std::nullopt;
  }
  return Table(*document_, *node->as_table(), key_path(key));
}

std::vector<Table> Table::tables(std::string_view key) {
  const toml::array* array = array_node(key);
  if (array == nullptr) return {};
  std::vector<Table> result;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& item = *array->get(i);
    std::string path = key_path(key) + "[" + std::to_string(i) + "]";
    if (!item.is_table()) {
      document_->fail(item.source(), path,
                      "expected a table ([[" + std::string(key) + "]]), got " + type_name(item));
      return {};
    }
    result.emplace_back(*document_, *item.as_table(), std::move(path));
  }
  return result;
}

void Table::require(std::string_view key) {
  known_.emplace(key);
  if (!table_->contains(key))
    document_->fail(table_->source(), key_path(key), "missing required key");
}

void Table::reject_unknown() {
  if (document_->failed()) return;
  for (auto&& [key, value] : *table_) {
    if (known_.count(key.str()) == 0) {
      document_->fail(key.source(), key_path(key.str()), "unknown key");
      return;
    }
  }
}

void Table::fail(std::string_view key, std::string reason) {
  const toml::node* node = table_->get(key);
  document_->fail(node != nullptr ? node->source() : table_->source(), key_path(key),
                  std::move(reason));
}

}  // namespace xpmip::daemon::toml_reader
