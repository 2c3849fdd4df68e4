#include "vafa/ingest/table.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "vafa/core/text.hpp"
#include "vafa/ingest/ndjson_reader.hpp"

namespace vafa::ingest {

namespace {

// Header names compare case-blind and ignoring everything but letters and digits, so
// "Customer ID", "customer_id" and "CustomerID" are one name.
std::string normalise_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0) {
      out.push_back(static_cast<char>(std::tolower(u)));
    } else if (u >= 0x80) {
      out.push_back(c);  // keep non-ASCII names intact
    }
  }
  return out;
}

const std::vector<FieldDef>& order_fields() {
  static const std::vector<FieldDef> fields = {
      {"order", {"order_id", "order_no", "invoice", "invoice_no", "invoiceno", "transaction_id"}},
      {"customer", {"customer_id", "customerid", "client_id", "user_id", "member_id"}},
      {"time",
       {"date", "order_date", "invoice_date", "invoicedate", "timestamp", "placed_at", "created_at",
        "datetime"},
       true},
      {"amount", {"total", "line_total", "value", "dollar_value", "sales", "revenue"}},
      {"quantity", {"qty", "number_of_cds", "cds", "units"}},
      {"unit_price", {"price", "unitprice"}},
      {"discount", {"discount_amount"}},
      {"product", {"sku", "product_id", "stockcode", "stock_code", "item_id"}},
      {"product_name", {"description", "item_name"}},
      {"category", {"product_category"}},
      {"channel", {"source", "sales_channel"}},
      {"country", {"country_code"}},
      {"currency", {"currency_code"}},
      {"status", {"order_status"}},
      // The customer as the order names them: an email (the customer's id when no customer
      // column is mapped), a phone, a name and email consent update the customer's record.
      {"email", {"customer_email", "billing_email", "email_address"}},
      {"phone", {"customer_phone", "billing_phone"}},
      {"customer_name", {"billing_name"}},
      {"consent_email", {"accepts_marketing", "accepts_email_marketing"}},
      {"cancelled_at", {"canceled_at", "cancelled_date"}},
  };
  return fields;
}

struct PresetColumns {
  std::string_view field;
  std::vector<std::string_view> columns;  // the first present in the header is used
};

const std::vector<PresetColumns>& preset_columns(Preset preset) {
  static const std::vector<PresetColumns> shopify = {
      {"order", {"Name"}},
      {"time", {"Created at"}},
      {"quantity", {"Lineitem quantity"}},
      {"unit_price", {"Lineitem price"}},
      {"discount", {"Lineitem discount"}},
      {"product", {"Lineitem sku"}},
      {"product_name", {"Lineitem name"}},
      {"channel", {"Source"}},
      {"country", {"Billing Country", "Shipping Country"}},
      {"currency", {"Currency"}},
      {"status", {"Financial Status"}},
      {"email", {"Email"}},
      {"phone", {"Phone", "Billing Phone"}},
      {"customer_name", {"Billing Name"}},
      {"consent_email", {"Accepts Marketing", "Accepts Email Marketing"}},
      {"cancelled_at", {"Cancelled at"}},
  };
  static const std::vector<PresetColumns> woocommerce = {
      {"order", {"order_id", "order_number"}},
      {"time", {"order_date", "date_created"}},
      {"quantity", {"item_quantity", "quantity"}},
      {"amount", {"item_total", "line_total"}},
      {"product", {"item_sku", "sku"}},
      {"product_name", {"item_name", "product_name"}},
      {"country", {"billing_country", "shipping_country"}},
      {"currency", {"order_currency", "currency"}},
      {"status", {"status", "order_status"}},
      {"email", {"billing_email", "customer_email"}},
      {"phone", {"billing_phone"}},
      {"customer_name", {"billing_full_name", "billing_name"}},
  };
  static const std::vector<PresetColumns> online_retail = {
      {"order", {"InvoiceNo", "Invoice"}},
      {"customer", {"CustomerID", "Customer ID"}},
      {"time", {"InvoiceDate"}},
      {"quantity", {"Quantity"}},
      {"unit_price", {"UnitPrice", "Price"}},
      {"product", {"StockCode"}},
      {"product_name", {"Description"}},
      {"country", {"Country"}},
  };
  static const std::vector<PresetColumns> none;
  switch (preset) {
    case Preset::shopify: return shopify;
    case Preset::woocommerce: return woocommerce;
    case Preset::online_retail: return online_retail;
    case Preset::none: break;
  }
  return none;
}

const std::vector<FieldDef>& customer_fields() {
  static const std::vector<FieldDef> fields = {
      {"customer", {"id", "customer_id", "customerid", "client_id", "user_id", "member_id"}, true},
      {"created_at", {"signup_date", "signed_up_at", "registered_at", "joined"}},
      {"name", {"full_name", "customer_name"}},
      {"birthday", {"birth_date", "date_of_birth", "dob"}},
      {"locale", {"language", "lang"}},
      {"country", {"country_code"}},
      {"time_zone", {"timezone", "tz"}},
      {"email", {"email_address", "e_mail"}},
      {"phone", {"mobile", "phone_number", "cell"}},
      {"card", {"loyalty_card", "card_number", "card_no"}},
      {"external", {"external_ids"}},
      {"consent_email", {}},
      {"consent_sms", {}},
      {"consent_phone", {}},
      {"consent_app", {"consent_push"}},
      {"consent_chat", {}},
      {"consent_web", {}},
  };
  return fields;
}

const std::vector<FieldDef>& product_fields() {
  static const std::vector<FieldDef> fields = {
      {"product", {"sku", "product_id", "stockcode", "stock_code", "item_id"}, true},
      {"product_name", {"name", "description", "title"}},
      {"category", {"product_category"}},
      {"price", {"unit_price", "list_price"}},
      {"currency", {"currency_code"}},
      {"active", {"status", "available", "in_catalogue", "in_catalog"}},
  };
  return fields;
}

const std::vector<FieldDef>& event_fields() {
  static const std::vector<FieldDef> fields = {
      {"id", {"event_id"}},
      {"customer", {"customer_id", "customerid", "user_id", "member_id"}, true},
      {"type", {"event_type", "event", "name"}, true},
      {"channel", {"source"}},
      {"time", {"timestamp", "occurred_at", "date", "datetime", "created_at"}, true},
      {"properties", {"props", "data", "payload"}},
  };
  return fields;
}

// Marketing spend per day, channel and campaign: the channel is the one new customers are
// attributed to by their first order (web, app, store, ...), so CAC compares like with like.
const std::vector<FieldDef>& spend_fields() {
  static const std::vector<FieldDef> fields = {
      {"time", {"date", "day", "spend_date", "timestamp"}, true},
      {"channel", {"sales_channel"}, true},
      {"campaign", {"campaign_name", "campaign_id", "utm_campaign"}},
      {"amount", {"spend", "cost", "amount_spent", "value"}, true},
      {"currency", {"currency_code"}},
  };
  return fields;
}

std::string field_names(std::span<const FieldDef> fields) {
  std::vector<std::string_view> names;
  for (const FieldDef& f : fields) names.push_back(f.name);
  return fmt::format("{}", fmt::join(names, ", "));
}

std::optional<std::size_t> parse_index(std::string_view text) {
  std::size_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || value == 0) return std::nullopt;
  return value;
}

struct MapEntry {
  std::size_t field;
  std::string column;
};

// Parses "field=column" entries (each may hold several, comma-separated).
Result<std::vector<MapEntry>> parse_mapping(ImportKind kind, const std::vector<std::string>& raw) {
  const auto fields = fields_of(kind);
  std::vector<MapEntry> out;
  for (const std::string& item : raw) {
    std::string_view rest = item;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      const std::string_view entry = trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (entry.empty()) continue;
      const std::size_t eq = entry.find('=');
      if (eq == std::string_view::npos || trim(entry.substr(0, eq)).empty() ||
          trim(entry.substr(eq + 1)).empty()) {
        return fail(ErrorCode::invalid_argument,
                    "--map entry '{}' is not field=column (e.g. --map customer=CustomerID)", entry);
      }
      const std::string name = to_lower_ascii(trim(entry.substr(0, eq)));
      const auto it = std::find_if(fields.begin(), fields.end(),
                                   [&](const FieldDef& f) { return f.name == name; });
      if (it == fields.end()) {
        return fail(ErrorCode::invalid_argument,
                    "--map names unknown field '{}' for {}; fields are: {}", name, to_string(kind),
                    field_names(fields));
      }
      const auto index = static_cast<std::size_t>(it - fields.begin());
      if (std::any_of(out.begin(), out.end(),
                      [&](const MapEntry& e) { return e.field == index; })) {
        return fail(ErrorCode::invalid_argument, "--map gives field '{}' twice", name);
      }
      out.push_back({index, std::string(trim(entry.substr(eq + 1)))});
    }
  }
  return out;
}

Status check_required(ImportKind kind, const std::vector<std::string>& labels,
                      std::string_view columns) {
  const auto fields = fields_of(kind);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].required && labels[i].empty()) {
      return fail(ErrorCode::invalid_argument,
                  "field '{}' is required for {} but no column is mapped to it; add --map "
                  "{}=COLUMN (columns: {})",
                  fields[i].name, to_string(kind), fields[i].name, columns);
    }
  }
  return {};
}

// The part of a source that is the same for every reader: the first record is read by bind()
// and handed out again by the first next().
template <typename Reader, typename Record>
class ReaderSource : public TableSource {
 public:
  Result<bool> next(Row& row) override {
    if (pending_) {
      pending_ = false;
    } else {
      VAFA_TRY(const bool more, reader_.next(record_));
      if (!more) return false;
    }
    fill_row(row);
    return true;
  }
  std::int64_t bytes_consumed() const override { return reader_.bytes_consumed(); }

 protected:
  explicit ReaderSource(Reader reader) : reader_(std::move(reader)) {}
  virtual void fill_row(Row& row) = 0;

  Reader reader_;
  Record record_;
  bool pending_ = false;
};

class CsvSource final : public ReaderSource<CsvReader, CsvRecord> {
 public:
  static Result<std::unique_ptr<TableSource>> open(const std::string& path, ImportKind kind,
                                                   const SourceOptions& options) {
    VAFA_TRY(CsvReader reader, CsvReader::open(path, options.dialect));
    auto source = std::unique_ptr<CsvSource>(new CsvSource(std::move(reader)));
    VAFA_CHECK(source->bind(path, kind, options));
    return std::unique_ptr<TableSource>(std::move(source));
  }

 private:
  explicit CsvSource(CsvReader reader) : ReaderSource(std::move(reader)) {}

  Status bind(const std::string& path, ImportKind kind, const SourceOptions& options) {
    const auto fields = fields_of(kind);
    labels_.assign(fields.size(), {});
    columns_.assign(fields.size(), kUnbound);
    VAFA_TRY(auto mapping, parse_mapping(kind, options.mapping));
    // Read the first record: the header, or the first data row whose width sets the rule.
    VAFA_TRY(const bool any, reader_.next(record_));
    if (!any) return fail(ErrorCode::invalid_argument, "'{}' is empty", path);
    if (!record_.error.empty()) {
      return fail(ErrorCode::invalid_argument, "'{}' line {}: {}", path, record_.line,
                  record_.error);
    }
    width_ = record_.fields.size();
    std::vector<std::string> header;
    if (options.header) {
      if (!is_valid_utf8(record_.raw)) {
        return fail(ErrorCode::invalid_argument, "'{}': the header is not valid UTF-8", path);
      }
      for (const auto f : record_.fields) header.emplace_back(trim(f));
    } else {
      pending_ = true;  // the first record is data
    }
    std::string columns;
    if (options.header) {
      columns = fmt::format("{}", fmt::join(header, ", "));
    } else {
      columns = fmt::format("1..{} (no header)", width_);
    }

    for (const MapEntry& entry : mapping) {
      const FieldDef& field = fields[entry.field];
      if (const auto index = parse_index(entry.column)) {
        if (*index > width_) {
          return fail(ErrorCode::invalid_argument, "--map {}={}: '{}' has only {} columns",
                      field.name, entry.column, path, width_);
        }
        columns_[entry.field] = *index - 1;
        labels_[entry.field] = options.header ? fmt::format("{}", header[*index - 1])
                                              : fmt::format("column {}", *index);
        continue;
      }
      if (!options.header) {
        return fail(ErrorCode::invalid_argument,
                    "--map {}={}: without a header, columns are numbers (e.g. --map {}=2)",
                    field.name, entry.column, field.name);
      }
      auto it = std::find(header.begin(), header.end(), entry.column);
      if (it == header.end()) {
        const std::string wanted = normalise_name(entry.column);
        it = std::find_if(header.begin(), header.end(),
                          [&](const std::string& h) { return normalise_name(h) == wanted; });
      }
      if (it == header.end()) {
        return fail(ErrorCode::invalid_argument,
                    "--map {}={}: '{}' has no column '{}'; its columns are: {}", field.name,
                    entry.column, path, entry.column, columns);
      }
      columns_[entry.field] = static_cast<std::size_t>(it - header.begin());
      labels_[entry.field] = *it;
    }
    if (options.preset != Preset::none && !options.header) {
      return fail(ErrorCode::invalid_argument, "--format {} needs the file's header line",
                  to_string(options.preset));
    }
    if (options.header) {  // defaults by name for the fields the mapping did not give
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (columns_[i] != kUnbound) continue;
        std::vector<std::string> names;
        if (options.preset == Preset::none) {
          names.push_back(normalise_name(fields[i].name));
          for (const auto s : fields[i].synonyms) names.push_back(normalise_name(s));
        } else {  // a preset knows its columns: nothing else is taken by name
          for (const PresetColumns& p : preset_columns(options.preset)) {
            if (p.field != fields[i].name) continue;
            for (const auto c : p.columns) names.push_back(normalise_name(c));
          }
        }
        for (const auto& name : names) {
          const auto it = std::find_if(header.begin(), header.end(), [&](const std::string& h) {
            return normalise_name(h) == name;
          });
          if (it == header.end()) continue;
          const auto index = static_cast<std::size_t>(it - header.begin());
          if (columns_[i] == kUnbound) {
            columns_[i] = index;
            labels_[i] = *it;
            if (options.preset == Preset::none) break;
          } else if (index != columns_[i]) {
            // A preset's later columns stand in when the first is empty ("Billing Phone"
            // when "Phone" is).
            fallbacks_.push_back({i, index});
          }
        }
      }
    }
    if (options.preset != Preset::none) {
      // The file must be the export the preset names: its order id and time columns are there.
      for (const std::string_view field : {"order", "time"}) {
        for (std::size_t i = 0; i < fields.size(); ++i) {
          if (fields[i].name != field || columns_[i] != kUnbound) continue;
          std::vector<std::string_view> wanted;
          for (const PresetColumns& p : preset_columns(options.preset)) {
            if (p.field == field) wanted = p.columns;
          }
          return fail(ErrorCode::invalid_argument,
                      "'{}' is not a {} export: it has no column {} (its columns are: {}); "
                      "check --format, or give --map {}=COLUMN",
                      path, to_string(options.preset), fmt::join(wanted, " or "), columns, field);
        }
      }
    }
    return check_required(kind, labels_, columns);
  }

  void fill_row(Row& row) override {
    row.line = record_.line;
    row.raw = record_.raw;
    row.error.clear();
    row.error_column.clear();
    row.values.assign(columns_.size(), {});
    if (!record_.error.empty()) {
      row.error = record_.error;
      return;
    }
    if (record_.fields.size() != width_) {
      row.error = fmt::format("expected {} fields, found {}", width_, record_.fields.size());
      return;
    }
    if (!is_valid_utf8(record_.raw)) {
      row.error = "invalid UTF-8";
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        if (columns_[i] != kUnbound && !is_valid_utf8(record_.fields[columns_[i]])) {
          row.error_column = labels_[i];
          break;
        }
      }
      return;
    }
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i] != kUnbound) row.values[i] = trim(record_.fields[columns_[i]]);
    }
    for (const auto& [field, column] : fallbacks_) {
      if (row.values[field].empty()) row.values[field] = trim(record_.fields[column]);
    }
  }

  static constexpr std::size_t kUnbound = static_cast<std::size_t>(-1);
  std::size_t width_ = 0;
  std::vector<std::size_t> columns_;
  std::vector<std::pair<std::size_t, std::size_t>> fallbacks_;  // field, column
};

class NdjsonSource final : public ReaderSource<NdjsonReader, NdjsonRecord> {
 public:
  static Result<std::unique_ptr<TableSource>> open(const std::string& path, ImportKind kind,
                                                   const SourceOptions& options) {
    VAFA_TRY(NdjsonReader reader, NdjsonReader::open(path, options.dialect.max_record_bytes));
    auto source = std::unique_ptr<NdjsonSource>(new NdjsonSource(std::move(reader)));
    VAFA_CHECK(source->bind(path, kind, options));
    return std::unique_ptr<TableSource>(std::move(source));
  }

  void fill_row(Row& row) override {
    row.line = record_.line;
    row.raw = record_.raw;
    row.error = record_.error;
    row.error_column.clear();
    row.values.assign(labels_.size(), {});
    if (!row.error.empty()) return;
    for (const auto& [key, value] : record_.members) {
      auto it = keys_.find(std::string(key));
      if (it == keys_.end()) it = keys_.find(normalise_name(key));
      if (it != keys_.end() && row.values[it->second].empty()) row.values[it->second] = value;
    }
  }

 private:
  explicit NdjsonSource(NdjsonReader reader) : ReaderSource(std::move(reader)) {}

  Status bind(const std::string& path, ImportKind kind, const SourceOptions& options) {
    const auto fields = fields_of(kind);
    labels_.assign(fields.size(), {});
    VAFA_TRY(auto mapping, parse_mapping(kind, options.mapping));
    VAFA_TRY(const bool any, reader_.next(record_));
    if (!any) return fail(ErrorCode::invalid_argument, "'{}' is empty", path);
    pending_ = true;
    std::vector<bool> explicit_field(fields.size(), false);
    for (const MapEntry& entry : mapping) {
      if (record_.error.empty() && !record_.has(entry.column)) {
        std::vector<std::string_view> keys;
        for (const auto& m : record_.members) keys.push_back(m.first);
        return fail(ErrorCode::invalid_argument,
                    "--map {}={}: the first record of '{}' has no key '{}'; its keys are: {}",
                    fields[entry.field].name, entry.column, path, entry.column,
                    fmt::join(keys, ", "));
      }
      keys_.emplace(entry.column, entry.field);
      labels_[entry.field] = entry.column;
      explicit_field[entry.field] = true;
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (explicit_field[i]) continue;
      labels_[i] = std::string(fields[i].name);
      keys_.emplace(normalise_name(fields[i].name), i);
      for (const auto s : fields[i].synonyms) keys_.emplace(normalise_name(s), i);
    }
    return {};
  }

  std::unordered_map<std::string, std::size_t> keys_;
};

}  // namespace

std::optional<Preset> parse_preset(std::string_view text) {
  if (text == "shopify") return Preset::shopify;
  if (text == "woocommerce") return Preset::woocommerce;
  if (text == "online-retail") return Preset::online_retail;
  return std::nullopt;
}

std::string_view to_string(Preset preset) {
  switch (preset) {
    case Preset::shopify: return "shopify";
    case Preset::woocommerce: return "woocommerce";
    case Preset::online_retail: return "online-retail";
    case Preset::none: break;
  }
  return "none";
}

Result<ImportKind> parse_import_kind(std::string_view text) {
  if (text == "orders") return ImportKind::orders;
  if (text == "customers") return ImportKind::customers;
  if (text == "products") return ImportKind::products;
  if (text == "events") return ImportKind::events;
  if (text == "spend") return ImportKind::spend;
  return fail(ErrorCode::invalid_argument,
              "unknown import kind '{}' (expected orders, customers, products, events or spend)",
              text);
}

std::string_view to_string(ImportKind kind) {
  switch (kind) {
    case ImportKind::orders: return "orders";
    case ImportKind::customers: return "customers";
    case ImportKind::products: return "products";
    case ImportKind::events: return "events";
    case ImportKind::spend: return "spend";
  }
  return "?";
}

std::span<const FieldDef> fields_of(ImportKind kind) {
  switch (kind) {
    case ImportKind::orders: return order_fields();
    case ImportKind::customers: return customer_fields();
    case ImportKind::products: return product_fields();
    case ImportKind::events: return event_fields();
    case ImportKind::spend: return spend_fields();
  }
  return {};
}

Result<Format> parse_format(std::string_view text, std::string_view path) {
  if (text == "csv") return Format::csv;
  if (text == "ndjson" || text == "jsonl") return Format::ndjson;
  if (parse_preset(text)) return Format::csv;  // the exports are CSV
  if (text.empty() || text == "auto") {
    for (const std::string_view ext : {".ndjson", ".jsonl", ".json"}) {
      if (path.ends_with(ext)) return Format::ndjson;
    }
    return Format::csv;
  }
  return fail(ErrorCode::invalid_argument,
              "unknown format '{}' (expected csv, ndjson, shopify, woocommerce or online-retail)",
              text);
}

Result<std::unique_ptr<TableSource>> TableSource::open(const std::string& path, ImportKind kind,
                                                       const SourceOptions& options) {
  if (options.format == Format::ndjson) return NdjsonSource::open(path, kind, options);
  return CsvSource::open(path, kind, options);
}

}  // namespace vafa::ingest
