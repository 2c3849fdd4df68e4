#include "vafa/ingest/importer.hpp"

#include <charconv>
#include <filesystem>
#include <thread>
#include <unordered_map>
#include <variant>

#include <fmt/format.h>
#include <simdjson.h>

#include "vafa/core/handoff_queue.hpp"
#include "vafa/core/json.hpp"
#include "vafa/core/money.hpp"
#include "vafa/core/text.hpp"
#include "vafa/domain/country.hpp"

namespace vafa::ingest {

namespace {

constexpr std::size_t kRawShown = 300;
constexpr std::size_t kProductCacheLimit = 200'000;
constexpr std::size_t kBatchCommands = 2048;  // commands per hand-over between the threads
constexpr std::size_t kQueueBatches = 4;
constexpr std::int64_t kMaxPendingLines = 10'000;  // batches in flight: bounds the memory used

// Field positions, in the order of fields_of(kind).
namespace of {
enum Order : std::size_t {
  order,
  customer,
  time,
  amount,
  quantity,
  unit_price,
  discount,
  product,
  product_name,
  category,
  channel,
  country,
  currency,
  status,
  o_email,
  o_phone,
  customer_name,
  consent_email,
  cancelled_at
};
enum Customer : std::size_t {
  c_customer,
  created_at,
  name,
  birthday,
  locale,
  c_country,
  time_zone,
  email,
  phone,
  card,
  external,
  consent_first
};
enum Product : std::size_t { p_product, p_name, p_category, price, p_currency, active };
enum Event : std::size_t { id, e_customer, type, e_channel, e_time, properties };
enum Spend : std::size_t { s_time, s_channel, campaign, s_amount, s_currency };
}  // namespace of

constexpr Channel kConsentChannels[] = {Channel::email, Channel::sms,  Channel::phone,
                                        Channel::app,   Channel::chat, Channel::web};

// The record's text for the quarantine: cut to a readable length, bytes that are not UTF-8
// written as \xNN so the report itself stays valid text.
std::string shown_raw(std::string_view raw) {
  const std::string_view cut = raw.substr(0, kRawShown);
  std::string out;
  if (is_valid_utf8(cut)) {
    out.assign(cut);
  } else {
    for (const char c : cut) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x80) {
        out.push_back(c);
      } else {
        out += fmt::format("\\x{:02X}", u);
      }
    }
  }
  if (raw.size() > kRawShown) out += "...";
  return out;
}

Result<std::int64_t> parse_integer(std::string_view text) {
  std::string_view t = text;
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec == std::errc{} && ptr == t.data() + t.size() && !t.empty()) return value;
  // "2.0" is a whole number written as a decimal.
  if (auto minor = parse_minor_units(text, 0)) return *minor;
  return fail(ErrorCode::invalid_argument, "'{}' is not a whole number", text);
}

Result<bool> parse_consent(std::string_view text) {
  const std::string v = to_lower_ascii(text);
  for (const std::string_view yes :
       {"1", "true", "yes", "y", "granted", "opt-in", "optin", "subscribed"}) {
    if (v == yes) return true;
  }
  for (const std::string_view no :
       {"0", "false", "no", "n", "withdrawn", "opt-out", "optout", "unsubscribed"}) {
    if (v == no) return false;
  }
  return fail(ErrorCode::invalid_argument, "'{}' is not a consent value (yes/no, true/false, 1/0)",
              text);
}

// Whether a product is in the catalogue: yes/no words, or a status such as "discontinued".
Result<bool> parse_active(std::string_view text) {
  const std::string v = to_lower_ascii(trim(text));
  for (const std::string_view yes : {"active", "available", "in stock", "listed"}) {
    if (v == yes) return true;
  }
  for (const std::string_view no :
       {"inactive", "discontinued", "unavailable", "delisted", "archived", "retired"}) {
    if (v == no) return false;
  }
  auto flag = parse_consent(text);
  if (flag) return *flag;
  return fail(ErrorCode::invalid_argument,
              "'{}' is not a catalogue status (yes/no, active/discontinued)", text);
}

struct Rejection {
  std::string column;
  std::string reason;
};

// ---- What the reading thread hands to the writing thread ----------------------------------

// A complete order. Without an id in the file, `occurrence_key` is set and the writer names the
// order from it (the store counts occurrences, so identical rows get distinct ids).
struct OrderCommand {
  Order order;
  std::optional<std::uint64_t> occurrence_key;
  std::int64_t rows = 0;  // the records it was assembled from
  std::int64_t first_line = 0;
  std::string first_raw;
};

struct CustomerCommand {
  Customer customer;
  std::int64_t line = 0;
  std::string raw;
  bool from_order = false;  // an order's customer fields: a conflict is a warning, not a rejection
};

// A value dropped from an accepted row.
struct WarningRow {
  RejectedRow row;
};

using Command = std::variant<OrderCommand, CustomerCommand, Product, Event, SpendRecord,
                             RejectedRow, WarningRow>;

struct Batch {
  std::vector<Command> commands;
  std::int64_t records = 0;         // records read up to the end of this batch
  std::int64_t bytes = 0;           // bytes of the file read so far
  std::optional<Error> read_error;  // the reader failed; nothing follows
  bool last = false;
};

using BatchQueue = HandoffQueue<Batch>;

// One order being assembled from consecutive rows.
struct PendingOrder {
  OrderCommand command{.order = Order{.currency = *Currency::parse("USD")}};
  std::optional<CustomerCommand> customer;  // the customer fields its first row gave
  bool active = false;
  bool explicit_status = false;
};

// ---- The reading thread: parse, validate, normalise ----------------------------------------

class RowReader {
 public:
  RowReader(const ImportOptions& options, const Clock& clock, TableSource& source,
            TimeParser time_parser, std::optional<Currency> currency, std::string source_name,
            BatchQueue& queue)
      : options_(options),
        clock_(clock),
        source_(source),
        time_(std::move(time_parser)),
        default_currency_(currency),
        source_name_(std::move(source_name)),
        queue_(queue) {
    // An event's properties nest at most as deep as any JSON vafa takes in (core/json.hpp).
    if (json_parser_.allocate(simdjson::SIMDJSON_PADDING, kMaxJsonDepth) != simdjson::SUCCESS) {
      throw std::bad_alloc();
    }
  }

  void run() {
    Row row;
    while (!queue_.closed()) {
      auto more = source_.next(row);
      if (!more) {
        batch_.read_error = more.error();
        break;
      }
      if (!*more) break;
      ++records_;
      if (!row.error.empty()) {
        reject(row.line, row.raw, {row.error_column, row.error});
      } else {
        switch (options_.kind) {
          case ImportKind::orders: order_row(row); break;
          case ImportKind::customers: customer_row(row); break;
          case ImportKind::products: product_row(row); break;
          case ImportKind::events: event_row(row); break;
          case ImportKind::spend: spend_row(row); break;
        }
      }
      if (batch_.commands.size() >= kBatchCommands) hand_over(false);
    }
    if (!batch_.read_error) flush_order();
    hand_over(true);
  }

 private:
  void hand_over(bool last) {
    // Records whose order is still being assembled belong to a later batch.
    batch_.records = records_ - (pending_.active ? pending_.command.rows : 0);
    batch_.bytes = source_.bytes_consumed();
    batch_.last = last;
    queue_.push(std::move(batch_));
    if (auto spent = queue_.take_spent()) {
      batch_ = std::move(*spent);
      batch_.commands.clear();  // frees what this thread allocated
      batch_.read_error.reset();
      batch_.last = false;
    } else {
      batch_ = Batch{};
      batch_.commands.reserve(kBatchCommands);
    }
  }

  void reject(std::int64_t line, std::string_view raw, Rejection why) {
    batch_.commands.emplace_back(RejectedRow{.source = source_name_,
                                             .line = line,
                                             .column = std::move(why.column),
                                             .reason = std::move(why.reason),
                                             .raw = shown_raw(raw)});
  }

  // A bad value in an optional column: the value is dropped with a warning and the row kept; with
  // --strict the row is rejected. Returns whether the row goes on.
  bool drop_value(const Row& row, std::size_t field, std::string reason) {
    if (options_.strict) {
      reject(row.line, row.raw, {label(field), std::move(reason)});
      return false;
    }
    batch_.commands.emplace_back(WarningRow{RejectedRow{.source = source_name_,
                                                        .line = row.line,
                                                        .column = label(field),
                                                        .reason = std::move(reason),
                                                        .raw = shown_raw(row.raw)}});
    return true;
  }

  // The row's country as an ISO code: empty when absent or a placeholder ("Unspecified"); an
  // unknown name is dropped with a warning. False when --strict rejected the row.
  bool country_of(const Row& row, std::size_t field, std::string& out) {
    out.clear();
    const std::string_view text = row.values[field];
    if (text.empty()) return true;
    if (text == last_country_text_) {
      out = last_country_;
      return true;
    }
    CountryLookup found = find_country(text);
    if (found.match == CountryMatch::unknown) {
      return drop_value(row, field, parse_country_name(text).error().message);
    }
    last_country_text_.assign(text);
    last_country_ = found.code;
    out = std::move(found.code);
    return true;
  }

  const std::string& label(std::size_t field) const { return source_.labels()[field]; }
  Rejection bad(std::size_t field, const Error& error) const {
    return {label(field), error.message};
  }
  Rejection missing(std::size_t field) const {
    return {label(field), fmt::format("{} is missing", fields_of(options_.kind)[field].name)};
  }

  Result<Currency> row_currency(const Row& row, std::size_t field) {
    const std::string_view code = row.values[field];
    if (code.empty()) {
      if (default_currency_) return *default_currency_;
      return fail(ErrorCode::invalid_argument, "no currency: give --currency or a currency column");
    }
    if (last_currency_ && code == last_currency_->code()) return *last_currency_;
    VAFA_TRY(const Currency currency, Currency::parse(code));
    last_currency_ = currency;
    return currency;
  }

  // ---- orders ------------------------------------------------------------------------------

  void order_row(const Row& row) {
    auto rejection = [&](Rejection r) { reject(row.line, row.raw, std::move(r)); };
    const auto& v = row.values;
    std::string id(v[of::order]);
    if (source_.bound(of::order) && id.empty()) return rejection(missing(of::order));
    // Later rows of one order (Shopify's layout) may leave the order's own fields empty: they
    // take them from its first row.
    const bool continuation = !id.empty() && pending_.active && pending_.command.order.id == id;
    const Order* first = continuation ? &pending_.command.order : nullptr;

    // ---- required: time, currency, quantity, price or amount
    Timestamp placed_at{};
    if (!v[of::time].empty()) {
      auto parsed = time_.parse(v[of::time]);
      if (!parsed) return rejection(bad(of::time, parsed.error()));
      placed_at = *parsed;
    } else if (first != nullptr) {
      placed_at = first->placed_at;
    } else {
      return rejection(missing(of::time));
    }
    std::optional<Currency> currency;
    if (v[of::currency].empty() && first != nullptr) {
      currency = first->currency;
    } else {
      auto parsed = row_currency(row, of::currency);
      if (!parsed) return rejection(bad(of::currency, parsed.error()));
      currency = *parsed;
    }
    const int exponent = currency->exponent();

    OrderLine line;
    line.product_sku = std::string(v[of::product]);
    if (line.product_sku.empty() && options_.source.preset != Preset::none) {
      line.product_sku = std::string(v[of::product_name]);  // shops without SKUs: the name
    }
    if (!v[of::quantity].empty()) {
      auto quantity = parse_integer(v[of::quantity]);
      if (!quantity) return rejection(bad(of::quantity, quantity.error()));
      if (*quantity == 0) return rejection({label(of::quantity), "quantity is zero"});
      line.quantity = *quantity;
    }
    std::optional<std::int64_t> unit_micros;
    if (!v[of::unit_price].empty()) {
      auto price = parse_unit_price_micros(v[of::unit_price]);
      if (!price) return rejection(bad(of::unit_price, price.error()));
      if (*price < 0) return rejection({label(of::unit_price), "unit price is negative"});
      unit_micros = *price;
      line.unit_price_minor = line_amount_minor(1, *price, exponent).value_or(0);
    }
    if (!v[of::discount].empty()) {
      auto discount = parse_minor_units(v[of::discount], exponent);
      if (!discount) return rejection(bad(of::discount, discount.error()));
      line.discount_minor = *discount;
    }
    if (!v[of::amount].empty()) {
      auto amount = parse_minor_units(v[of::amount], exponent);
      if (!amount) return rejection(bad(of::amount, amount.error()));
      // A returned line is money going back, whatever sign the file gave its amount.
      line.amount_minor = line.quantity < 0 && *amount > 0 ? -*amount : *amount;
    } else if (unit_micros) {
      // quantity x price exactly (a price may have up to 6 decimals), rounded once.
      auto gross = line_amount_minor(line.quantity, *unit_micros, exponent);
      if (!gross || __builtin_sub_overflow(*gross, line.discount_minor, &line.amount_minor)) {
        return rejection({label(of::unit_price), "line amount overflows"});
      }
    } else {
      return rejection({label(of::amount), "amount is missing (and there is no unit price)"});
    }
    std::optional<OrderStatus> status;
    if (!v[of::status].empty()) {
      auto parsed = parse_order_status(v[of::status]);
      if (!parsed) return rejection(bad(of::status, parsed.error()));
      status = *parsed;
    }
    if (!v[of::cancelled_at].empty()) status = OrderStatus::cancelled;

    // ---- the customer: a customer column, else the email
    std::string customer(v[of::customer]);
    std::optional<Identity> email;
    if (!v[of::o_email].empty() && !continuation) {
      auto parsed = make_email_identity(v[of::o_email]);
      if (parsed) {
        email = std::move(*parsed);
      } else if (!drop_value(row, of::o_email, parsed.error().message)) {
        return;
      }
    }
    if (customer.empty() && !source_.bound(of::customer) && email) customer = email->value;
    if (continuation && customer.empty()) customer = first->customer_id;
    if (continuation && customer != first->customer_id) {
      return rejection(
          {label(of::customer), fmt::format("order '{}' belongs to customer '{}' on line {}", id,
                                            first->customer_id, pending_.command.first_line)});
    }
    if (continuation && *currency != first->currency) {
      return rejection(
          {label(of::currency), fmt::format("order '{}' is in {} on line {}", id,
                                            first->currency.code(), pending_.command.first_line)});
    }

    // ---- optional: a bad value is dropped with a warning
    Channel channel = Channel::other;
    if (!v[of::channel].empty()) {
      auto parsed = parse_channel(v[of::channel]);
      if (parsed) {
        channel = *parsed;
      } else if (!drop_value(row, of::channel, parsed.error().message)) {
        return;
      }
    }
    std::string country;
    if (!country_of(row, of::country, country)) return;

    if (!status && !options_.cancel_prefix.empty() && id.starts_with(options_.cancel_prefix)) {
      status = OrderStatus::cancelled;
    }
    if (!line.product_sku.empty())
      note_product(line.product_sku, v[of::product_name], v[of::category]);

    if (continuation) {
      OrderCommand& pending = pending_.command;
      if (status && !pending_.explicit_status) {
        pending.order.status = *status;
        pending_.explicit_status = true;
      }
      pending.order.lines.push_back(std::move(line));
      ++pending.rows;
      // A huge order goes to the writer in parts (the store appends the lines of an order
      // seen earlier in the same run), so memory stays bounded.
      if (pending.rows >= kMaxPendingLines) flush_order();
      return;
    }
    flush_order();

    std::optional<CustomerCommand> customer_update;
    if (!customer.empty()) {
      Customer c;
      c.id = customer;
      c.created_at = placed_at;
      c.name = std::string(v[of::customer_name]);
      c.country = country;
      if (email) c.identities.push_back(*email);
      if (!v[of::o_phone].empty()) {
        auto phone = make_phone_identity(v[of::o_phone], options_.calling_code, country);
        if (phone) {
          c.identities.push_back(std::move(*phone));
        } else if (!drop_value(row, of::o_phone, phone.error().message)) {
          return;
        }
      }
      if (!v[of::consent_email].empty()) {
        auto consent = parse_consent(v[of::consent_email]);
        if (consent) {
          c.consent[Channel::email] = *consent;
        } else if (!drop_value(row, of::consent_email, consent.error().message)) {
          return;
        }
      }
      if (!c.name.empty() || !c.identities.empty() || !c.consent.empty()) {
        customer_update = CustomerCommand{
            .customer = std::move(c), .line = row.line, .raw = {}, .from_order = true};
      }
    }

    std::optional<std::uint64_t> occurrence_key;
    if (id.empty()) {
      // A row-per-order file: the id is the row's content, and identical rows (two equal
      // purchases on one day) are told apart by their occurrence in the file (see the writer).
      const std::string key =
          fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", customer,
                      placed_at.time_since_epoch().count(), currency->code(), line.amount_minor,
                      line.quantity, line.unit_price_minor.value_or(-1), line.discount_minor,
                      line.product_sku, to_string(channel));
      occurrence_key = hash64(key);
    }
    pending_.active = true;
    pending_.explicit_status = status.has_value();
    pending_.customer = std::move(customer_update);
    pending_.command = OrderCommand{.order = Order{.id = std::move(id),
                                                   .customer_id = std::move(customer),
                                                   .channel = channel,
                                                   .placed_at = placed_at,
                                                   .currency = *currency,
                                                   .status = status.value_or(OrderStatus::placed),
                                                   .country = std::move(country),
                                                   .lines = {}},
                                    .occurrence_key = occurrence_key,
                                    .rows = 1,
                                    .first_line = row.line,
                                    .first_raw = shown_raw(row.raw)};
    pending_.command.order.lines.push_back(std::move(line));
  }

  void flush_order() {
    if (!pending_.active) return;
    pending_.active = false;
    Order& order = pending_.command.order;
    if (!pending_.explicit_status && order.status == OrderStatus::placed &&
        std::all_of(order.lines.begin(), order.lines.end(),
                    [](const OrderLine& l) { return l.quantity < 0; })) {
      order.status = OrderStatus::returned;
    }
    if (pending_.customer) {
      pending_.customer->raw = pending_.command.first_raw;
      batch_.commands.emplace_back(std::move(*pending_.customer));
      pending_.customer.reset();
    }
    batch_.commands.emplace_back(std::move(pending_.command));
  }

  // Upserts a product named by an order line, once per distinct (sku, name, category).
  void note_product(const std::string& sku, std::string_view name, std::string_view category) {
    if (name.empty() && category.empty()) return;
    const std::uint64_t h = hash64(name, hash64(category));
    const std::uint64_t key = hash64(sku);
    auto it = product_cache_.find(key);
    if (it != product_cache_.end() && it->second == h) return;
    if (product_cache_.size() >= kProductCacheLimit) product_cache_.clear();
    product_cache_[key] = h;
    batch_.commands.emplace_back(
        Product{.sku = sku, .name = std::string(name), .category = std::string(category)});
  }

  // ---- customers ---------------------------------------------------------------------------

  void customer_row(const Row& row) {
    auto rejection = [&](Rejection r) { reject(row.line, row.raw, std::move(r)); };
    const auto& v = row.values;
    if (v[of::c_customer].empty()) return rejection(missing(of::c_customer));
    Customer customer;
    customer.id = std::string(v[of::c_customer]);
    customer.created_at = clock_.now();
    if (!v[of::created_at].empty()) {
      auto t = time_.parse(v[of::created_at]);
      if (!t) return rejection(bad(of::created_at, t.error()));
      customer.created_at = *t;
    }
    customer.name = std::string(v[of::name]);
    customer.locale = std::string(v[of::locale]);
    customer.time_zone = std::string(v[of::time_zone]);
    if (!v[of::email].empty()) {
      auto id = make_email_identity(v[of::email]);
      if (!id) return rejection(bad(of::email, id.error()));
      customer.identities.push_back(std::move(*id));
    }
    // Optional attributes: a bad value is dropped with a warning.
    if (!v[of::birthday].empty()) {
      auto d = parse_date(v[of::birthday]);
      if (d) {
        customer.birthday = *d;
      } else if (!drop_value(row, of::birthday, d.error().message)) {
        return;
      }
    }
    if (!country_of(row, of::c_country, customer.country)) return;
    if (!v[of::phone].empty()) {
      auto id = make_phone_identity(v[of::phone], options_.calling_code, customer.country);
      if (id) {
        customer.identities.push_back(std::move(*id));
      } else if (!drop_value(row, of::phone, id.error().message)) {
        return;
      }
    }
    if (!v[of::card].empty()) {
      auto id = make_card_identity(v[of::card]);
      if (!id) return rejection(bad(of::card, id.error()));
      customer.identities.push_back(std::move(*id));
    }
    if (!v[of::external].empty()) {
      // "system:value" entries separated by ';'
      std::string_view rest = v[of::external];
      while (!rest.empty()) {
        const std::size_t semi = rest.find(';');
        const std::string_view entry = trim(rest.substr(0, semi));
        rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
        if (entry.empty()) continue;
        const std::size_t colon = entry.find(':');
        if (colon == std::string_view::npos) {
          return rejection({label(of::external),
                            fmt::format("'{}' is not system:value (e.g. shopify:12345)", entry)});
        }
        auto id =
            make_external_identity(trim(entry.substr(0, colon)), trim(entry.substr(colon + 1)));
        if (!id) return rejection(bad(of::external, id.error()));
        customer.identities.push_back(std::move(*id));
      }
    }
    for (std::size_t i = 0; i < std::size(kConsentChannels); ++i) {
      const std::string_view value = v[of::consent_first + i];
      if (value.empty()) continue;
      auto consent = parse_consent(value);
      if (!consent) return rejection(bad(of::consent_first + i, consent.error()));
      customer.consent[kConsentChannels[i]] = *consent;
    }
    batch_.commands.emplace_back(CustomerCommand{
        .customer = std::move(customer), .line = row.line, .raw = shown_raw(row.raw)});
  }

  // ---- products ----------------------------------------------------------------------------

  void product_row(const Row& row) {
    auto rejection = [&](Rejection r) { reject(row.line, row.raw, std::move(r)); };
    const auto& v = row.values;
    if (v[of::p_product].empty()) return rejection(missing(of::p_product));
    Product product{.sku = std::string(v[of::p_product]),
                    .name = std::string(v[of::p_name]),
                    .category = std::string(v[of::p_category])};
    if (!v[of::price].empty()) {
      auto currency = row_currency(row, of::p_currency);
      if (!currency) return rejection(bad(of::p_currency, currency.error()));
      auto price = Money::parse(v[of::price], *currency);
      if (!price) return rejection(bad(of::price, price.error()));
      if (price->minor_units() < 0) return rejection({label(of::price), "price is negative"});
      product.price = *price;
    }
    if (!v[of::active].empty()) {
      auto active = parse_active(v[of::active]);
      if (!active) return rejection(bad(of::active, active.error()));
      product.active = *active;
    }
    batch_.commands.emplace_back(std::move(product));
  }

  // ---- events ------------------------------------------------------------------------------

  void event_row(const Row& row) {
    auto rejection = [&](Rejection r) { reject(row.line, row.raw, std::move(r)); };
    const auto& v = row.values;
    if (v[of::e_customer].empty()) return rejection(missing(of::e_customer));
    if (v[of::type].empty()) return rejection(missing(of::type));
    if (v[of::e_time].empty()) return rejection(missing(of::e_time));
    Event event;
    event.customer_id = std::string(v[of::e_customer]);
    event.type = to_lower_ascii(v[of::type]);
    auto t = time_.parse(v[of::e_time]);
    if (!t) return rejection(bad(of::e_time, t.error()));
    event.occurred_at = *t;
    if (!v[of::e_channel].empty()) {
      auto channel = parse_channel(v[of::e_channel]);
      if (channel) {
        event.channel = *channel;
      } else if (!drop_value(row, of::e_channel, channel.error().message)) {
        return;
      }
    }
    if (!v[of::properties].empty()) {
      simdjson::padded_string json(v[of::properties]);
      simdjson::dom::element element;
      if (auto error = json_parser_.parse(json).get(element)) {
        return rejection({label(of::properties), fmt::format("properties are not valid JSON: {}",
                                                             simdjson::error_message(error))});
      }
      if (!element.is_object()) {
        return rejection({label(of::properties), "properties must be a JSON object"});
      }
      event.properties_json = std::string(v[of::properties]);
    }
    if (!v[of::id].empty()) {
      event.id = std::string(v[of::id]);
    } else {
      // Without an id, an event is its content: the same event imported twice is one event.
      event.id = fmt::format(
          "h{:016x}", hash64(fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}", event.customer_id,
                                         event.type, event.occurred_at.time_since_epoch().count(),
                                         to_string(event.channel), event.properties_json)));
    }
    batch_.commands.emplace_back(std::move(event));
  }

  // ---- marketing spend ---------------------------------------------------------------------

  void spend_row(const Row& row) {
    auto rejection = [&](Rejection r) { reject(row.line, row.raw, std::move(r)); };
    const auto& v = row.values;
    if (v[of::s_time].empty()) return rejection(missing(of::s_time));
    if (v[of::s_channel].empty()) return rejection(missing(of::s_channel));
    if (v[of::s_amount].empty()) return rejection(missing(of::s_amount));
    auto t = time_.parse(v[of::s_time]);
    if (!t) return rejection(bad(of::s_time, t.error()));
    auto channel = parse_channel(v[of::s_channel]);
    if (!channel) return rejection(bad(of::s_channel, channel.error()));
    auto currency = row_currency(row, of::s_currency);
    if (!currency) return rejection(bad(of::s_currency, currency.error()));
    auto amount = parse_minor_units(v[of::s_amount], currency->exponent());
    if (!amount) return rejection(bad(of::s_amount, amount.error()));
    if (*amount < 0) return rejection({label(of::s_amount), "spend is negative"});
    const auto day = std::chrono::floor<std::chrono::days>(*t);  // the UTC day
    batch_.commands.emplace_back(SpendRecord{.day = Timestamp(day).time_since_epoch().count(),
                                             .channel = std::string(to_string(*channel)),
                                             .campaign = std::string(trim(v[of::campaign])),
                                             .currency = std::string(currency->code()),
                                             .amount_minor = *amount});
  }

  const ImportOptions& options_;
  const Clock& clock_;
  TableSource& source_;
  TimeParser time_;
  std::optional<Currency> default_currency_;
  std::optional<Currency> last_currency_;         // the last code parsed: files repeat one or two
  std::string last_country_text_, last_country_;  // likewise the last country
  std::string source_name_;
  BatchQueue& queue_;
  Batch batch_;
  std::int64_t records_ = 0;
  PendingOrder pending_;
  std::unordered_map<std::uint64_t, std::uint64_t> product_cache_;  // sku -> name, category
  simdjson::dom::parser json_parser_;
};

// ---- The writing thread (the caller's): the store -------------------------------------------

class Importer {
 public:
  Importer(Store& store, const ImportOptions& options, const Clock& clock, ImportObserver* observer,
           std::string source_name)
      : store_(store),
        options_(options),
        clock_(clock),
        observer_(observer),
        source_name_(std::move(source_name)) {}

  Result<ImportSummary> run(TableSource& source, TimeParser time_parser,
                            std::optional<Currency> currency) {
    VAFA_TRY(summary_.run,
             store_.start_import(to_string(options_.kind), source_name_, clock_.now()));
    BatchQueue queue(kQueueBatches);
    RowReader reader(options_, clock_, source, std::move(time_parser), currency, source_name_,
                     queue);
    std::thread reading([&reader] { reader.run(); });
    Status result = write_all(queue);
    if (!result || aborted_) queue.close();  // the reader stops at its next push
    reading.join();
    if (!result) {
      (void)store_.finish_import(summary_.run, summary_.counts, ImportStatus::failed, clock_.now());
      return std::unexpected(result.error());
    }
    VAFA_CHECK(store_.finish_import(summary_.run, summary_.counts, summary_.status, clock_.now()));
    return summary_;
  }

 private:
  Status write_all(BatchQueue& queue) {
    VAFA_TRY(Transaction txn, Transaction::begin(store_));
    while (true) {
      if (options_.cancel != nullptr && options_.cancel->load()) {
        summary_.interrupted = true;
        summary_.status = ImportStatus::aborted;
        summary_.counts = committed_counts_;
        aborted_ = true;
        return txn.rollback();
      }
      Batch batch = queue.pop();
      for (Command& command : batch.commands) {
        VAFA_CHECK(std::visit([&](auto& c) { return write(c); }, command));
        if (aborted_) return txn.rollback();
      }
      if (batch.read_error) return std::unexpected(std::move(*batch.read_error));
      const bool last = batch.last;
      const std::int64_t records = batch.records;
      summary_.counts.records = records;
      summary_.counts.accepted = summary_.counts.records - summary_.counts.rejected;
      if (observer_ != nullptr) observer_->on_progress(batch.bytes, records);
      queue.give_back(std::move(batch));
      if (last) break;
      // Commit every batch_rows records. A batch holds only whole orders (the reader keeps the
      // one it is assembling), except the parts of a huge one. With max_errors the file is
      // all-or-nothing, so one transaction.
      if (!options_.max_errors && records - committed_at_ >= options_.batch_rows) {
        VAFA_CHECK(txn.commit_and_continue());
        committed_at_ = records;
        committed_counts_ = summary_.counts;
      }
    }
    return txn.commit();
  }

  Status write(OrderCommand& c) {
    Order& order = c.order;
    if (auto it = email_customers_.find(order.customer_id); it != email_customers_.end()) {
      order.customer_id = it->second;
    }
    if (c.occurrence_key) {
      VAFA_TRY(const std::int64_t seen, store_.next_occurrence(*c.occurrence_key));
      order.id = seen == 0 ? fmt::format("h{:016x}", *c.occurrence_key)
                           : fmt::format("h{:016x}-{}", *c.occurrence_key, seen + 1);
    }
    Status written = store_.put_order(order, summary_.run);
    if (!written) {
      const ErrorCode code = written.error().code;
      if (code != ErrorCode::conflict && code != ErrorCode::invalid_argument) return written;
      return reject(RejectedRow{.source = source_name_,
                                .line = c.first_line,
                                .column = {},
                                .reason = written.error().message,
                                .raw = std::move(c.first_raw)},
                    c.rows);
    }
    ++summary_.orders;
    if (order.is_guest()) ++summary_.guest_orders;
    if (order.status != OrderStatus::placed) ++summary_.returns;
    return {};
  }

  Status write(CustomerCommand& c) {
    if (c.from_order) {
      // An order names its customer by email: the customer who already holds that email is
      // the one (an earlier customers import may have given them their own id).
      for (const Identity& identity : c.customer.identities) {
        if (identity.kind != IdentityKind::email || identity.value != c.customer.id) continue;
        VAFA_TRY(auto holder, store_.customer_with_identity(identity));
        if (holder && *holder != c.customer.id) {
          email_customers_[c.customer.id] = *holder;
          c.customer.id = *holder;
        }
      }
    }
    Status written = store_.upsert_customer(c.customer);
    if (written || written.error().code != ErrorCode::conflict) return written;
    RejectedRow row{.source = source_name_,
                    .line = c.line,
                    .column = {},
                    .reason = written.error().message,
                    .raw = std::move(c.raw)};
    if (c.from_order) return warn(std::move(row));  // the order itself is fine
    return reject(std::move(row));
  }

  Status write(WarningRow& w) { return warn(std::move(w.row)); }

  Status warn(RejectedRow row) {
    ++summary_.counts.warnings;
    if (observer_ != nullptr) observer_->on_warning(row);
    return {};
  }

  Status write(Product& product) { return store_.upsert_product(product); }
  Status write(Event& event) { return store_.put_event(event); }
  Status write(SpendRecord& spend) { return store_.put_spend(spend, summary_.run); }
  Status write(RejectedRow& row) { return reject(std::move(row)); }

  Status reject(RejectedRow row, std::int64_t rows = 1) {
    summary_.counts.rejected += rows;
    VAFA_CHECK(store_.put_rejected(summary_.run, row));
    if (observer_ != nullptr) observer_->on_rejected(row);
    if (options_.max_errors && summary_.counts.rejected > *options_.max_errors) {
      aborted_ = true;
      summary_.status = ImportStatus::aborted;
    }
    return {};
  }

  Store& store_;
  const ImportOptions& options_;
  const Clock& clock_;
  ImportObserver* observer_;
  std::string source_name_;
  ImportSummary summary_;
  std::int64_t committed_at_ = 0;
  ImportCounts committed_counts_;
  bool aborted_ = false;
  // Emails that orders name as their customer, held by a customer with another id.
  std::unordered_map<std::string, std::string> email_customers_;
};

}  // namespace

namespace {

// The column that holds each kind's time; nullopt for products.
std::optional<std::size_t> time_field(ImportKind kind) {
  switch (kind) {
    case ImportKind::orders: return of::time;
    case ImportKind::customers: return of::created_at;
    case ImportKind::events: return of::e_time;
    case ImportKind::spend: return of::s_time;
    case ImportKind::products: break;
  }
  return std::nullopt;
}

// Numeric dates ("12/1/2010 8:26") do not say whether the month or the day comes first: the
// file's time column is read ahead until a value tells (a field above 12), and the parser set
// to that order. Files whose first thousand times are not numeric dates are not read further.
// Returns a note saying what was chosen and why, or an error when nothing tells.
Result<std::optional<std::string>> find_date_order(const ImportOptions& options, TimeParser& parser,
                                                   std::string_view source_name) {
  const auto field = time_field(options.kind);
  if (!field || !parser.automatic() || parser.date_order()) return std::nullopt;
  VAFA_TRY(auto source, TableSource::open(options.path, options.kind, options.source));
  if (!source->bound(*field)) return std::nullopt;
  DateOrderScan scan;
  Row row;
  std::int64_t values = 0;
  constexpr std::int64_t kLookAhead = 1'000;
  while (true) {
    VAFA_TRY(const bool more, source->next(row));
    if (!more) break;
    if (!row.error.empty() || row.values[*field].empty()) continue;
    ++values;
    scan.add(row.values[*field], row.line);
    if (scan.decided() || (!scan.numeric() && values >= kLookAhead)) break;
  }
  VAFA_TRY(const auto order, scan.result(source_name));
  if (!order) return std::nullopt;
  parser.set_date_order(*order);
  return fmt::format("times read as {} ({})", to_string(*order), scan.reason());
}

}  // namespace

Result<ImportSummary> import_file(Store& store, const ImportOptions& requested, const Clock& clock,
                                  ImportObserver* observer) {
  ImportOptions options = requested;
  const Preset preset = options.source.preset;
  if (preset != Preset::none && options.kind != ImportKind::orders) {
    return fail(ErrorCode::invalid_argument,
                "--format {} is an orders export: use `vafa import "
                "orders`",
                to_string(preset));
  }
  if (preset == Preset::online_retail) {
    // The UCI data set is a UK retailer's, in pounds; invoices starting with C are cancellations.
    if (options.currency.empty()) options.currency = "GBP";
    if (options.cancel_prefix.empty()) options.cancel_prefix = "C";
  }
  VAFA_TRY(TimeParser time_parser, TimeParser::create(options.date_format));
  std::optional<Currency> currency;
  if (!options.currency.empty()) {
    VAFA_TRY(currency, Currency::parse(options.currency));
  }
  if (options.max_errors && *options.max_errors < 0) {
    return fail(ErrorCode::invalid_argument, "--max-errors must be 0 or more");
  }
  if (options.batch_rows <= 0) return fail(ErrorCode::invalid_argument, "batch size must be > 0");
  VAFA_TRY(auto source, TableSource::open(options.path, options.kind, options.source));
  if (options.kind == ImportKind::orders) {
    if (!source->bound(of::amount) && !source->bound(of::unit_price)) {
      return fail(ErrorCode::invalid_argument,
                  "orders need an amount or a unit price: add --map amount=COLUMN or --map "
                  "unit_price=COLUMN");
    }
    if (!currency && !source->bound(of::currency)) {
      return fail(ErrorCode::invalid_argument,
                  "orders need a currency: add --currency CODE (e.g. --currency IRR) or map a "
                  "currency column");
    }
  }
  if (options.kind == ImportKind::spend && !currency && !source->bound(of::s_currency)) {
    return fail(ErrorCode::invalid_argument,
                "spend needs a currency: add --currency CODE (e.g. --currency IRR) or map a "
                "currency column");
  }
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(options.path, ec);
  std::string source_name = ec ? options.path : canonical.string();
  VAFA_TRY(const auto date_note, find_date_order(options, time_parser, options.path));
  Importer importer(store, options, clock, observer, std::move(source_name));
  auto summary = importer.run(*source, std::move(time_parser), currency);
  if (summary && date_note) summary->notes.insert(summary->notes.begin(), *date_note);
  return summary;
}

}  // namespace vafa::ingest
