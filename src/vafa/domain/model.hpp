// Plain value types of the retention domain. No behaviour beyond validation helpers; the store
// persists them and the engines read them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vafa/core/money.hpp"
#include "vafa/core/time.hpp"
#include "vafa/domain/channel.hpp"
#include "vafa/domain/identity.hpp"

namespace vafa {

// Consent per contact channel: granted, withdrawn, or never asked (absent from the map).
using ConsentMap = std::map<Channel, bool>;

struct Customer {
  std::string id;  // the business's own customer id (stable across imports)
  Timestamp created_at{};
  std::string name;
  std::optional<Date> birthday;
  std::string locale;     // BCP 47: "fa-IR", "hy-AM", "en"
  std::string country;    // ISO 3166-1 alpha-2, upper case
  std::string time_zone;  // IANA: "Asia/Tehran"
  ConsentMap consent;
  std::vector<Identity> identities;
};

struct Product {
  std::string sku;
  std::string name;
  std::string category;
  std::optional<Money> price;
  std::optional<bool> active;  // in the catalogue (recommendable); unset keeps what is stored
};

enum class OrderStatus { placed, cancelled, returned };
std::string_view to_string(OrderStatus status);
Result<OrderStatus> parse_order_status(std::string_view text);

// An ISO 3166-1 alpha-2 code, upper-cased ("am" -> "AM"); two letters or an error.
Result<std::string> parse_country(std::string_view text);

struct OrderLine {
  std::string product_sku;    // empty when the source has no product column
  std::int64_t quantity = 1;  // negative for returned units
  std::optional<std::int64_t> unit_price_minor;
  std::int64_t discount_minor = 0;
  std::int64_t amount_minor = 0;  // the line total after discount, in the order's currency
};

struct Order {
  std::string id;           // the business's order id, or a content key for row-per-order files
  std::string customer_id;  // empty for a guest order
  Channel channel = Channel::other;
  Timestamp placed_at{};
  Currency currency;
  OrderStatus status = OrderStatus::placed;
  std::string country;
  std::vector<OrderLine> lines;

  bool is_guest() const { return customer_id.empty(); }
  std::int64_t total_minor() const;
};

struct Event {
  std::string id;  // source id, or a content key
  std::string customer_id;
  std::string type;  // "page_view", "email_open", "review", "nps", "referral"...
  Channel channel = Channel::other;
  Timestamp occurred_at{};
  std::string properties_json = "{}";
};

}  // namespace vafa
