#include "vafa/api/json_mapping.hpp"

#include <algorithm>
#include <limits>

#include "vafa/core/json.hpp"
#include "vafa/core/text.hpp"

namespace vafa::api {

namespace {

constexpr std::size_t kMaxIdBytes = 200;
constexpr std::size_t kMaxTextBytes = 1000;
constexpr std::size_t kMaxLines = 1000;
constexpr std::size_t kMaxPropertiesBytes = 16 * 1024;

// Collects the errors of one body; reads fields by name and type.
class Fields {
 public:
  // Errors go to `errors`, shared by the Fields of a body and of the objects inside it.
  Fields(const Json& object, std::string base, FieldErrors& errors)
      : object_(object), base_(std::move(base)), errors_(&errors) {}

  std::string pointer(std::string_view name) const { return base_ + "/" + std::string(name); }
  void bad(std::string_view name, std::string detail) {
    errors_->push_back({pointer(name), std::move(detail)});
  }
  const Json* find(std::string_view name) const {
    const auto it = object_.find(name);
    return it == object_.end() || it->is_null() ? nullptr : &*it;
  }

  // Text without control characters, 1..max bytes of valid UTF-8.
  std::optional<std::string> text(std::string_view name, bool required,
                                  std::size_t max = kMaxTextBytes) {
    const Json* v = find(name);
    if (v == nullptr) {
      if (required) bad(name, "is required");
      return std::nullopt;
    }
    if (!v->is_string()) {
      bad(name, fmt::format("must be a string, not {}", v->type_name()));
      return std::nullopt;
    }
    const auto& s = v->get_ref<const std::string&>();
    if (!is_valid_utf8(s)) {
      bad(name, "is not valid UTF-8");
      return std::nullopt;
    }
    if (s.size() > max) {
      bad(name, fmt::format("is longer than {} bytes", max));
      return std::nullopt;
    }
    if (std::any_of(s.begin(), s.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
      bad(name, "holds control characters");
      return std::nullopt;
    }
    if (required && trim(s).empty()) {
      bad(name, "must not be empty");
      return std::nullopt;
    }
    return s;
  }

  std::optional<std::int64_t> integer(std::string_view name, bool required) {
    const Json* v = find(name);
    if (v == nullptr) {
      if (required) bad(name, "is required");
      return std::nullopt;
    }
    if (v->is_number_unsigned() &&
        v->get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      bad(name, "is too large");
      return std::nullopt;
    }
    if (v->is_number_integer()) return v->get<std::int64_t>();
    bad(name, fmt::format("must be a whole number, not {}",
                          v->is_number() ? "a fraction" : v->type_name()));
    return std::nullopt;
  }

  std::optional<Timestamp> time(std::string_view name, Timestamp fallback) {
    const auto t = text(name, false, 64);
    if (!t) return find(name) == nullptr ? std::optional(fallback) : std::nullopt;
    auto parsed = parse_iso8601(*t);
    if (!parsed) {
      bad(name, fmt::format("'{}' is not an ISO 8601 time (2024-03-01T12:30:00Z)", *t));
      return std::nullopt;
    }
    return *parsed;
  }

  template <typename T>
  std::optional<T> parsed(std::string_view name, bool required,
                          Result<T> (*parse)(std::string_view)) {
    const auto t = text(name, required, 64);
    if (!t) return std::nullopt;
    auto value = parse(*t);
    if (!value) {
      bad(name, value.error().message);
      return std::nullopt;
    }
    return std::move(*value);
  }

  // Reads each object of the array `name` (at most `most`, `noun` in the message) with
  // `item(fields, pointer)`; `shape` describes an item. `required`: present and non-empty.
  template <typename F>
  void objects(std::string_view name, bool required, std::size_t most, std::string_view noun,
               std::string_view shape, F&& item) {
    const Json* list = find(name);
    if (list == nullptr && !required) return;
    if (list == nullptr || !list->is_array() || (required && list->empty())) {
      bad(name, fmt::format("must be a {}array of {}", required ? "non-empty " : "", shape));
      return;
    }
    if (list->size() > most) {
      bad(name, fmt::format("holds more than {} {}", most, noun));
      return;
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string base = fmt::format("{}/{}", pointer(name), i);
      if (!(*list)[i].is_object()) {
        errors_->push_back({base, fmt::format("must be an object {}", shape)});
        continue;
      }
      Fields fields((*list)[i], base, *errors_);
      item(fields, base);
    }
  }

  void reject_unknown(std::initializer_list<std::string_view> known) {
    for (const auto& [key, value] : object_.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        bad(key, "is not a known field");
      }
    }
  }

 private:
  const Json& object_;
  std::string base_;
  FieldErrors* errors_;
};

bool looks_like_zone(std::string_view zone) {
  if (zone.empty() || zone.size() > 64) return false;
  return std::all_of(zone.begin(), zone.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '/' || c == '_' || c == '-' ||
           c == '+';
  });
}

bool looks_like_locale(std::string_view locale) {
  if (locale.empty() || locale.size() > 35) return false;
  return std::all_of(locale.begin(), locale.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
  });
}

Result<Identity> identity_of(std::string_view kind, std::string_view value, std::string_view system,
                             const MappingOptions& options) {
  if (kind == "email") return make_email_identity(value);
  if (kind == "phone") return make_phone_identity(value, options.calling_code);
  if (kind == "card") return make_card_identity(value);
  if (kind == "external") return make_external_identity(system, value);
  return fail(ErrorCode::invalid_argument,
              "'{}' is not an identity kind (email, phone, card, "
              "external)",
              kind);
}

bool expect_object(const Json& body, FieldErrors& errors) {
  if (body.is_object()) return true;
  errors.push_back({"", fmt::format("the body must be a JSON object, not {}", body.type_name())});
  return false;
}

Result<Channel> channel_of(std::string_view text) { return parse_channel(text); }
Result<Currency> currency_of(std::string_view text) { return Currency::parse(text); }

}  // namespace

Result<Json> parse_json_body(const Request& request) {
  const std::string_view type =
      std::string_view(request.content_type).substr(0, request.content_type.find(';'));
  if (to_lower_ascii(trim(type)) != "application/json") {
    return fail(ErrorCode::unsupported_format, "send the body as application/json");
  }
  auto parsed = parse_json(request.body);
  if (parsed) return std::move(*parsed);
  const JsonError& e = parsed.error();
  Error error{ErrorCode::invalid_argument, e.message};
  if (e.kind == JsonError::Kind::syntax) {
    error.line = e.line;
    error.column = e.column;
    error.byte = e.byte;
  }
  return fail(std::move(error));
}

std::optional<std::int64_t> whole_number(const Json& value, std::int64_t low, std::int64_t high) {
  if (value.is_number_unsigned()) {
    const auto n = value.get<std::uint64_t>();
    if (high < 0 || n > static_cast<std::uint64_t>(high)) return std::nullopt;
    const auto signed_n = static_cast<std::int64_t>(n);
    return signed_n >= low ? std::optional(signed_n) : std::nullopt;
  }
  if (!value.is_number_integer()) return std::nullopt;
  const auto n = value.get<std::int64_t>();
  return n >= low && n <= high ? std::optional(n) : std::nullopt;
}

Mapped<Customer> customer_from_json(const Json& body, const MappingOptions& options,
                                    std::string_view path_id) {
  FieldErrors errors;
  if (!expect_object(body, errors)) return std::unexpected(errors);
  Fields f(body, "", errors);
  f.reject_unknown({"id", "name", "created_at", "birthday", "locale", "country", "time_zone",
                    "identities", "consent"});
  Customer c;
  if (path_id.empty()) {
    if (auto id = f.text("id", true, kMaxIdBytes)) c.id = std::move(*id);
  } else {
    c.id = std::string(path_id);
    if (auto id = f.text("id", false, kMaxIdBytes); id && *id != path_id) {
      f.bad("id", "differs from the id in the path");
    }
  }
  if (auto name = f.text("name", false)) c.name = std::move(*name);
  if (auto at = f.time("created_at", options.now)) c.created_at = *at;
  if (f.find("birthday") != nullptr) {
    if (auto day = f.parsed<Date>("birthday", false, &parse_date)) c.birthday = *day;
  }
  if (auto locale = f.text("locale", false, 64)) {
    if (looks_like_locale(*locale)) {
      c.locale = std::move(*locale);
    } else {
      f.bad("locale", fmt::format("'{}' is not a BCP 47 language tag (fa-IR, hy-AM, en)", *locale));
    }
  }
  if (auto country = f.parsed<std::string>("country", false, &parse_country)) c.country = *country;
  if (auto zone = f.text("time_zone", false, 64)) {
    if (looks_like_zone(*zone)) {
      c.time_zone = std::move(*zone);
    } else {
      f.bad("time_zone", fmt::format("'{}' is not an IANA time zone (Asia/Tehran)", *zone));
    }
  }
  f.objects("identities", false, 100, "identities", "{kind, value[, system]}",
            [&](Fields& g, const std::string& base) {
              g.reject_unknown({"kind", "value", "system"});
              const auto kind = g.text("kind", true, 16);
              const auto value = g.text("value", true, kMaxIdBytes);
              const auto system = g.text("system", false, 64);
              if (!kind || !value) return;
              auto identity = identity_of(*kind, *value, system.value_or(""), options);
              if (!identity) {
                errors.push_back({base, identity.error().message});
                return;
              }
              c.identities.push_back(std::move(*identity));
            });
  if (const Json* consent = f.find("consent")) {
    if (!consent->is_object()) {
      f.bad("consent", "must be an object of channel -> true/false");
    } else {
      for (const auto& [channel, granted] : consent->items()) {
        auto parsed = parse_channel(channel);
        if (!parsed) {
          errors.push_back({"/consent/" + channel, parsed.error().message});
        } else if (!granted.is_boolean()) {
          errors.push_back({"/consent/" + channel, "must be true or false"});
        } else {
          c.consent[*parsed] = granted.get<bool>();
        }
      }
    }
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return c;
}

Mapped<Order> order_from_json(const Json& body, const MappingOptions& options) {
  FieldErrors errors;
  if (!expect_object(body, errors)) return std::unexpected(errors);
  Fields f(body, "", errors);
  f.reject_unknown({"id", "customer_id", "channel", "placed_at", "currency", "country", "lines"});
  Order order{.currency = *Currency::parse("USD")};  // replaced by the body's currency
  if (auto id = f.text("id", true, kMaxIdBytes)) order.id = std::move(*id);
  if (auto customer = f.text("customer_id", false, kMaxIdBytes)) order.customer_id = *customer;
  if (f.find("channel") != nullptr) {
    if (auto channel = f.parsed<Channel>("channel", false, &channel_of)) order.channel = *channel;
  }
  if (auto at = f.time("placed_at", options.now)) order.placed_at = *at;
  std::optional<Currency> currency = f.parsed<Currency>("currency", true, &currency_of);
  if (currency) order.currency = *currency;
  if (auto country = f.parsed<std::string>("country", false, &parse_country)) {
    order.country = *country;
  }
  f.objects(
      "lines", true, kMaxLines, "lines", "{sku, quantity, unit_price_minor}",
      [&](Fields& g, const std::string& base) {
        g.reject_unknown({"sku", "quantity", "unit_price_minor", "discount_minor", "amount_minor"});
        const std::size_t errors_before = errors.size();
        OrderLine line;
        if (auto sku = g.text("sku", true, kMaxIdBytes)) line.product_sku = std::move(*sku);
        const auto quantity = g.integer("quantity", false);
        const auto unit = g.integer("unit_price_minor", false);
        const auto discount = g.integer("discount_minor", false);
        const auto amount = g.integer("amount_minor", false);
        line.quantity = quantity.value_or(1);
        constexpr std::int64_t kLimit = std::int64_t{1} << 50;  // far beyond any real order
        if (line.quantity <= 0 || line.quantity > 1'000'000) {
          g.bad("quantity", "must be between 1 and 1000000 (returns go to /orders/{id}/returns)");
          return;
        }
        if (unit && (*unit < 0 || *unit > kLimit)) g.bad("unit_price_minor", "is out of range");
        if (discount && (*discount < 0 || *discount > kLimit))
          g.bad("discount_minor", "is out of range");
        if (amount && (*amount < 0 || *amount > kLimit)) g.bad("amount_minor", "is out of range");
        if (!unit && !amount) {
          errors.push_back({base, "needs unit_price_minor or amount_minor"});
          return;
        }
        if (errors.size() != errors_before) return;  // the amounts below need valid parts
        line.unit_price_minor = unit;
        line.discount_minor = discount.value_or(0);
        if (amount) {
          line.amount_minor = *amount;
        } else if (unit) {
          line.amount_minor = *unit * line.quantity - line.discount_minor;
          if (line.amount_minor < 0) g.bad("discount_minor", "is more than the line's price");
        }
        order.lines.push_back(std::move(line));
      });
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return order;
}

Mapped<Event> event_from_json(const Json& body, const MappingOptions& options) {
  FieldErrors errors;
  if (!expect_object(body, errors)) return std::unexpected(errors);
  Fields f(body, "", errors);
  f.reject_unknown({"id", "customer_id", "type", "channel", "occurred_at", "properties"});
  Event event;
  if (auto id = f.text("id", false, kMaxIdBytes)) event.id = std::move(*id);
  if (auto customer = f.text("customer_id", true, kMaxIdBytes)) event.customer_id = *customer;
  if (auto type = f.text("type", true, 64)) event.type = to_lower_ascii(*type);
  if (f.find("channel") != nullptr) {
    if (auto channel = f.parsed<Channel>("channel", false, &channel_of)) event.channel = *channel;
  }
  if (auto at = f.time("occurred_at", options.now)) event.occurred_at = *at;
  if (const Json* properties = f.find("properties")) {
    if (!properties->is_object()) {
      f.bad("properties", "must be an object");
    } else {
      event.properties_json = properties->dump(-1, ' ', false, Json::error_handler_t::replace);
      if (event.properties_json.size() > kMaxPropertiesBytes) {
        f.bad("properties", fmt::format("is larger than {} bytes", kMaxPropertiesBytes));
      }
    }
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));
  if (event.id.empty()) {
    // Without an id the content is the id, so a retried event is stored once.
    event.id =
        fmt::format("api-{:016x}",
                    hash64(fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}", event.customer_id, event.type,
                                       to_string(event.channel), format_iso8601(event.occurred_at),
                                       event.properties_json)));
  }
  return event;
}

Mapped<ReturnRequest> return_from_json(const Json& body, const MappingOptions& options) {
  FieldErrors errors;
  if (!expect_object(body, errors)) return std::unexpected(errors);
  Fields f(body, "", errors);
  f.reject_unknown({"id", "returned_at", "lines"});
  ReturnRequest request;
  if (auto id = f.text("id", false, kMaxIdBytes)) request.id = std::move(*id);
  if (auto at = f.time("returned_at", options.now)) request.returned_at = *at;
  f.objects("lines", true, kMaxLines, "lines", "{sku, quantity}",
            [&](Fields& g, const std::string& /*pointer*/) {
              g.reject_unknown({"sku", "quantity"});
              const auto sku = g.text("sku", true, kMaxIdBytes);
              const auto quantity = g.integer("quantity", false);
              if (quantity && (*quantity <= 0 || *quantity > 1'000'000)) {
                g.bad("quantity", "must be between 1 and 1000000 (units returned)");
                return;
              }
              if (sku) request.lines.emplace_back(*sku, quantity.value_or(1));
            });
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return request;
}

Mapped<Identity> identity_from_query(const Target& target, const MappingOptions& options) {
  int given = 0;
  Result<Identity> identity = fail(ErrorCode::invalid_argument, "no identity");
  std::string pointer;
  for (const std::string_view kind : {"email", "phone", "card", "external"}) {
    const std::string* value = target.param(kind);
    if (value == nullptr) continue;
    ++given;
    pointer = std::string(kind);
    if (kind == "external") {
      const std::size_t colon = value->find(':');
      if (colon == std::string::npos) {
        identity = fail(ErrorCode::invalid_argument, "give external=SYSTEM:VALUE (shopify:987)");
      } else {
        identity = make_external_identity(std::string_view(*value).substr(0, colon),
                                          std::string_view(*value).substr(colon + 1));
      }
    } else {
      identity = identity_of(kind, *value, "", options);
    }
  }
  if (given != 1) {
    return std::unexpected(FieldErrors{
        {"", "give exactly one of the query parameters email, phone, card or external"}});
  }
  // Query parameters are not in the body: no pointer, the parameter named in the detail.
  if (!identity) {
    return std::unexpected(FieldErrors{
        {"", fmt::format("query parameter {}: {}", pointer, identity.error().message)}});
  }

  return *identity;
}

namespace {

// A code that appears in URLs: letters, digits, '-' and '_'.
bool url_code(std::string_view code) {
  return std::all_of(code.begin(), code.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
  });
}

}  // namespace

Mapped<Reward> reward_from_json(const Json& body, const Reward* base) {
  FieldErrors errors;
  if (!expect_object(body, errors)) return std::unexpected(errors);
  Fields f(body, "", errors);
  f.reject_unknown({"code", "name", "cost", "stock", "per_customer", "valid_from", "valid_until",
                    "voucher_days", "active"});
  Reward reward = base != nullptr ? *base : Reward{};
  const bool creating = base == nullptr;
  if (auto code = f.text("code", creating, 64)) {
    if (url_code(*code)) {
      reward.code = *code;
    } else {
      f.bad("code", "use letters, digits, '-' and '_' (it appears in URLs)");
    }
  }
  if (auto name = f.text("name", creating, 200)) reward.name = *name;
  auto positive = [&](std::string_view key, bool required) -> std::optional<std::int64_t> {
    const auto v = f.integer(key, required);
    if (v && (*v <= 0 || *v > 1'000'000'000)) {
      f.bad(key, "must be from 1 to 1000000000");
      return std::nullopt;
    }
    return v;
  };
  if (auto cost = positive("cost", creating)) reward.cost = *cost;
  // Optional numbers: absent keeps, null clears (unlimited), a number sets.
  auto optional_number = [&](std::string_view key, std::optional<std::int64_t>& field,
                             std::int64_t low) {
    const auto it = body.find(key);
    if (it == body.end()) return;
    if (it->is_null()) {
      field.reset();
      return;
    }
    const auto v = f.integer(key, false);
    if (v && (*v < low || *v > 1'000'000'000)) {
      f.bad(key, fmt::format("must be from {} to 1000000000, or null for no limit", low));
    } else if (v) {
      field = *v;
    }
  };
  optional_number("stock", reward.stock, 0);
  optional_number("per_customer", reward.per_customer, 1);
  optional_number("voucher_days", reward.voucher_days, 1);
  for (const std::string_view key : {"valid_from", "valid_until"}) {
    auto& field = key == "valid_from" ? reward.valid_from : reward.valid_until;
    const auto it = body.find(key);
    if (it == body.end()) continue;
    if (it->is_null()) {
      field.reset();
    } else if (auto t = f.time(key, Timestamp{})) {
      field = unix_seconds(*t);
    }
  }
  if (const Json* active = f.find("active")) {
    if (active->is_boolean()) {
      reward.active = active->get<bool>();
    } else {
      f.bad("active", "must be true or false");
    }
  }
  if (reward.valid_from && reward.valid_until && *reward.valid_until <= *reward.valid_from) {
    errors.push_back({"/valid_until", "must be after valid_from"});
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return reward;
}

Mapped<Affiliate> affiliate_from_json(const Json& body, const Affiliate* base) {
  FieldErrors errors;
  if (!expect_object(body, errors)) return std::unexpected(errors);
  Fields f(body, "", errors);
  const bool creating = base == nullptr;
  if (creating) {
    f.reject_unknown({"code", "name", "rate_bp", "active"});
  } else {
    f.reject_unknown({"name", "rate_bp", "active"});
  }
  Affiliate affiliate = creating ? Affiliate{} : *base;
  if (creating) {
    if (auto code = f.text("code", true, 64)) {
      if (!url_code(*code)) {
        f.bad("code", "use letters, digits, '-' and '_' (it appears in links)");
      } else if (*code == "payable") {
        f.bad("code", "'payable' is the name of the commissions report");
      } else {
        affiliate.code = *code;
      }
    }
  }
  if (auto name = f.text("name", creating, 200)) affiliate.name = *name;
  if (const auto rate = f.integer("rate_bp", creating)) {
    if (*rate < 0 || *rate > 10'000) {
      f.bad("rate_bp", "must be basis points from 0 to 10000 (750 is 7.5%)");
    } else {
      affiliate.rate_bp = *rate;
    }
  }
  if (const Json* active = f.find("active")) {
    if (active->is_boolean()) {
      affiliate.active = active->get<bool>();
    } else {
      f.bad("active", "must be true or false");
    }
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return affiliate;
}

Json to_json(const Affiliate& a) {
  return {{"code", a.code},
          {"name", a.name},
          {"rate_bp", a.rate_bp},
          {"active", a.active},
          {"created_at", format_iso8601(from_unix_seconds(a.created_at))}};
}

Json to_json(const Reward& r) {
  return {{"code", r.code},
          {"name", r.name},
          {"cost", r.cost},
          {"stock", nullable(r.stock)},
          {"per_customer", nullable(r.per_customer)},
          {"valid_from", time_json(r.valid_from)},
          {"valid_until", time_json(r.valid_until)},
          {"voucher_days", nullable(r.voucher_days)},
          {"active", r.active}};
}

Json to_json(const Referral& r) {
  return {{"referee", r.referee_id},
          {"referrer", r.referrer_id},
          {"code", r.code},
          {"at", format_iso8601(from_unix_seconds(r.at))},
          {"status", r.order_id ? "credited" : "waiting"},
          {"order_id", r.order_id ? Json(*r.order_id) : Json(nullptr)},
          {"credited_at", time_json(r.credited_at)}};
}

Json to_json(const Redemption& r) {
  return {{"voucher", r.voucher},
          {"reward", r.reward_code},
          {"points", r.points},
          {"at", format_iso8601(from_unix_seconds(r.at))},
          {"expires_at", time_json(r.expires_at)},
          {"gift", r.points == 0},
          {"voided_at", time_json(r.voided_at)}};
}

Json to_json(const Customer& c) {
  Json identities = Json::array();
  for (const Identity& i : c.identities) {
    Json item = {{"kind", to_string(i.kind)}, {"value", i.value}};
    if (!i.system.empty()) item["system"] = i.system;
    identities.push_back(std::move(item));
  }
  Json consent = Json::object();
  for (const auto& [channel, granted] : c.consent)
    consent[std::string(to_string(channel))] = granted;
  Json out = {{"id", c.id},
              {"name", c.name},
              {"created_at", format_iso8601(c.created_at)},
              {"locale", c.locale},
              {"country", c.country},
              {"time_zone", c.time_zone},
              {"identities", std::move(identities)},
              {"consent", std::move(consent)}};
  out["birthday"] = c.birthday ? Json(format_date(*c.birthday)) : Json(nullptr);
  return out;
}

Json to_json(const Order& order) {
  Json lines = Json::array();
  for (const OrderLine& line : order.lines) {
    Json item = {{"sku", line.product_sku},
                 {"quantity", line.quantity},
                 {"discount_minor", line.discount_minor},
                 {"amount_minor", line.amount_minor}};
    item["unit_price_minor"] = line.unit_price_minor ? Json(*line.unit_price_minor) : Json(nullptr);
    lines.push_back(std::move(item));
  }
  Json out = {{"id", order.id},
              {"channel", to_string(order.channel)},
              {"placed_at", format_iso8601(order.placed_at)},
              {"currency", order.currency.code()},
              {"status", to_string(order.status)},
              {"country", order.country},
              {"total_minor", order.total_minor()},
              {"lines", std::move(lines)}};
  out["customer_id"] = order.is_guest() ? Json(nullptr) : Json(order.customer_id);
  return out;
}

Json to_json(const Event& event) {
  Json properties = Json::parse(event.properties_json, nullptr, false);
  if (properties.is_discarded()) properties = Json::object();
  return {{"id", event.id},
          {"customer_id", event.customer_id},
          {"type", event.type},
          {"channel", to_string(event.channel)},
          {"occurred_at", format_iso8601(event.occurred_at)},
          {"properties", std::move(properties)}};
}

}  // namespace vafa::api
