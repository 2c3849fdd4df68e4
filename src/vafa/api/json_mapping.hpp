// JSON bodies <-> domain values for the HTTP API (docs/api.md). Validation reports every bad
// field with a JSON pointer to it ("/lines/1/quantity") and why, so a client can fix a request
// in one go. Money is integer minor units throughout (*_minor fields), never floating point.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "vafa/api/http.hpp"
#include "vafa/app/orders.hpp"
#include "vafa/core/time.hpp"
#include "vafa/domain/model.hpp"
#include "vafa/store/store.hpp"

namespace vafa::api {

template <typename T>
using Mapped = std::expected<T, FieldErrors>;

struct MappingOptions {
  Timestamp now{};           // the default time of an order or event without one
  std::string calling_code;  // for phone numbers without a country prefix ("98")
};

// Parses a request body as a JSON object. unsupported_format unless the content type is JSON;
// invalid_argument with the line, column and byte of a syntax error.
Result<Json> parse_json_body(const Request& request);

// A JSON whole number within [low, high], compared without overflow (nlohmann keeps
// non-negative numbers unsigned, so 2^64-1 must not become -1, nor INT64_MIN slip past a
// magnitude check); nullopt for anything else (a fraction, a text, out of range).
std::optional<std::int64_t> whole_number(const Json& value, std::int64_t low, std::int64_t high);

// A customer to create (`id` required) or to merge into an existing one (`id` from the path;
// a body id must then agree).
Mapped<Customer> customer_from_json(const Json& body, const MappingOptions& options,
                                    std::string_view path_id = {});
Mapped<Order> order_from_json(const Json& body, const MappingOptions& options);
Mapped<Event> event_from_json(const Json& body, const MappingOptions& options);

// Returned units of an order: {"lines": [{"sku": "A", "quantity": 1}], "returned_at": ...}.
using app::ReturnRequest;
Mapped<ReturnRequest> return_from_json(const Json& body, const MappingOptions& options);

// An identity given as query parameters (?email=, ?phone=, ?card=, ?external=system:value).
Mapped<Identity> identity_from_query(const Target& target, const MappingOptions& options);

// A reward to create, or the changes to `base` (PATCH: only the fields given change).
Mapped<Reward> reward_from_json(const Json& body, const Reward* base);

// An ISO 8601 time from Unix seconds, or null.
inline Json time_json(std::optional<std::int64_t> t) {
  return t ? Json(format_iso8601(from_unix_seconds(*t))) : Json(nullptr);
}
// A value, or null.
template <typename T>
Json nullable(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json to_json(const Customer& customer);
Json to_json(const Reward& reward);
Json to_json(const Redemption& redemption);
Json to_json(const Referral& referral);
// An affiliate: {code, name, rate_bp, active}; with `base`, a change of it (code kept).
Mapped<Affiliate> affiliate_from_json(const Json& body, const Affiliate* base);
Json to_json(const Affiliate& affiliate);
Json to_json(const Order& order);
Json to_json(const Event& event);

}  // namespace vafa::api
