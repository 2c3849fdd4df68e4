// Printing results three ways: an aligned table for people, JSON and CSV for machines. A command
// builds its rows once as JSON objects (numbers stay numbers) and prints them in the chosen form.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace vafa::cli {

enum class Format { table, json, csv };

// Adds --json and --csv to a command (mutually exclusive); `format` is set when parsed.
void add_format_flags(CLI::App& command, Format& format);

// Prints `rows` (objects with the same keys in the same order) as a table, a JSON array or CSV
// with a header line. Numbers are right-aligned in the table; null prints as "-" (table) or an
// empty field (CSV).
void print_rows(const std::vector<nlohmann::ordered_json>& rows, Format format);

// 1234567 -> "1,234,567".
std::string grouped(std::int64_t n);
// Minor units as a decimal in the currency's exponent ("12.34").
std::string decimal(const std::string& currency, std::int64_t minor);

}  // namespace vafa::cli
