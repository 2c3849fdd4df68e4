#include "vafa/cli/output.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "vafa/core/money.hpp"

namespace vafa::cli {

using nlohmann::ordered_json;

void add_format_flags(CLI::App& command, Format& format) {
  auto* json = command.add_flag_callback(
      "--json", [&format] { format = Format::json; }, "Print JSON");
  auto* csv = command.add_flag_callback(
      "--csv", [&format] { format = Format::csv; }, "Print CSV with a header line");
  json->excludes(csv);
}

namespace {

std::string cell(const ordered_json& value, Format format) {
  if (value.is_null()) return format == Format::csv ? "" : "-";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_number_float()) {
    const double x = value.get<double>();
    std::string text = fmt::format("{:.4g}", x);
    return text.find('e') == std::string::npos ? text : fmt::format("{:.6f}", x);
  }
  return value.dump();
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

// Display width of UTF-8 text: code points, not bytes.
std::size_t width(const std::string& text) {
  return static_cast<std::size_t>(std::ranges::count_if(
      text, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Money and percentages arrive as text ("12.34", "-5.00", "41.2%"); they align as numbers.
bool numeric_text(const std::string& text) {
  std::string_view t = text;
  if (t.starts_with('-')) t.remove_prefix(1);
  if (t.ends_with('%')) t.remove_suffix(1);
  if (t.empty() || std::isdigit(static_cast<unsigned char>(t.front())) == 0) return false;
  return std::ranges::all_of(t, [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '.' || c == ',';
  });
}

}  // namespace

void print_rows(const std::vector<ordered_json>& rows, Format format) {
  if (format == Format::json) {
    fmt::print("{}\n", ordered_json(rows).dump(2));
    return;
  }
  if (rows.empty()) {
    if (format == Format::table) fmt::print("(none)\n");
    return;
  }
  std::vector<std::string> keys;
  for (const auto& [key, value] : rows.front().items()) keys.push_back(key);
  if (format == Format::csv) {
    std::string line;
    for (std::size_t k = 0; k < keys.size(); ++k) line += (k ? "," : "") + csv_field(keys[k]);
    fmt::print("{}\n", line);
    for (const ordered_json& row : rows) {
      line.clear();
      for (std::size_t k = 0; k < keys.size(); ++k) {
        line += (k ? "," : "") + csv_field(cell(row.value(keys[k], ordered_json()), format));
      }
      fmt::print("{}\n", line);
    }
    return;
  }
  std::vector<std::size_t> widths(keys.size());
  std::vector<bool> numeric(keys.size(), true);
  for (std::size_t k = 0; k < keys.size(); ++k) widths[k] = width(keys[k]);
  std::vector<std::vector<std::string>> cells;
  for (const ordered_json& row : rows) {
    auto& line = cells.emplace_back();
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const ordered_json value = row.value(keys[k], ordered_json());
      line.push_back(cell(value, format));
      if (!value.is_number() && !value.is_null() && !numeric_text(line.back())) numeric[k] = false;
      widths[k] = std::max(widths[k], width(line.back()));
    }
  }
  auto print_line = [&](const std::vector<std::string>& line) {
    std::string out;
    for (std::size_t k = 0; k < line.size(); ++k) {
      const std::string pad(widths[k] - width(line[k]), ' ');
      if (k) out += "  ";
      out += numeric[k] ? pad + line[k] : line[k] + (k + 1 < line.size() ? pad : "");
    }
    fmt::print("{}\n", out);
  };
  print_line(keys);
  for (const auto& line : cells) print_line(line);
}

std::string grouped(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::string decimal(const std::string& currency, std::int64_t minor) {
  auto parsed = Currency::parse(currency);
  return format_minor_units(minor, parsed ? parsed->exponent() : 2);
}

}  // namespace vafa::cli
