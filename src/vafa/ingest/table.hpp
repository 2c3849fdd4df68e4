// A TableSource turns a CSV or NDJSON file into rows of the fields an import wants, following
// the user's column mapping. All mapping problems (an unknown field, a column that is not in the
// file, a required field left unmapped, an empty file) are found by open(), before anything is
// written. Per-record problems (wrong column count, invalid UTF-8, malformed quoting or JSON,
// over-long records) come back on the row, for the quarantine.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vafa/core/error.hpp"
#include "vafa/ingest/csv_reader.hpp"

namespace vafa::ingest {

enum class ImportKind { orders, customers, products, events, spend };
Result<ImportKind> parse_import_kind(std::string_view text);
std::string_view to_string(ImportKind kind);

// A field an import reads. `synonyms` are other header names that map to it by default.
struct FieldDef {
  std::string_view name;
  std::vector<std::string_view> synonyms;
  bool required = false;
};

// The fields of each kind, in a fixed order; the importers index rows by position in this list.
std::span<const FieldDef> fields_of(ImportKind kind);

enum class Format { csv, ndjson };
// "csv", "ndjson" (or "jsonl"); "auto" picks ndjson for .ndjson/.jsonl/.json files.
Result<Format> parse_format(std::string_view text, std::string_view path);

// The exports shops have, read without a mapping: Shopify's admin "Export orders" CSV (one row
// per line item, rows of an order sharing Name), WooCommerce's order export (one row per line
// item: Customer/Order/Coupon Export's columns, or the Import Export Suite's names for the order
// fields), and the UCI "Online Retail" layout (I and II). A preset names the columns of each
// field; --map still overrides any of them.
enum class Preset { none, shopify, woocommerce, online_retail };
// "shopify", "woocommerce", "online-retail"; nullopt for anything else.
std::optional<Preset> parse_preset(std::string_view text);
std::string_view to_string(Preset preset);

struct SourceOptions {
  Format format = Format::csv;
  Preset preset = Preset::none;
  CsvDialect dialect;
  bool header = true;
  // "field=column" entries; a column is a header name (or NDJSON key) or a 1-based index.
  std::vector<std::string> mapping;
};

struct Row {
  std::int64_t line = 0;
  std::string_view raw;
  std::vector<std::string_view> values;  // by field position; empty means absent
  std::string error;                     // the record is unusable; nothing in `values`
  std::string error_column;              // where, when the error is in one column
};

class TableSource {
 public:
  static Result<std::unique_ptr<TableSource>> open(const std::string& path, ImportKind kind,
                                                   const SourceOptions& options);
  virtual ~TableSource() = default;

  // The next row, or false at the end. Views stay valid until the next call.
  virtual Result<bool> next(Row& row) = 0;

  // How each field is found, for messages ("column 'date'", "column 3", "key 'ts'"); empty
  // for unmapped fields.
  const std::vector<std::string>& labels() const { return labels_; }
  bool bound(std::size_t field) const { return !labels_[field].empty(); }
  virtual std::int64_t bytes_consumed() const = 0;

 protected:
  std::vector<std::string> labels_;
};

}  // namespace vafa::ingest
