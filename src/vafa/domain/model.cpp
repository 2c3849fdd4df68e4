#include "vafa/domain/model.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "vafa/core/text.hpp"

namespace vafa {

std::string_view to_string(OrderStatus status) {
  switch (status) {
    case OrderStatus::placed: return "placed";
    case OrderStatus::cancelled: return "cancelled";
    case OrderStatus::returned: return "returned";
  }
  return "placed";
}

Result<std::string> parse_country(std::string_view text) {
  if (text.size() != 2 || std::isalpha(static_cast<unsigned char>(text[0])) == 0 ||
      std::isalpha(static_cast<unsigned char>(text[1])) == 0) {
    return fail(ErrorCode::invalid_argument,
                "'{}' is not an ISO 3166 two-letter country code (e.g. IR, AM)", text);
  }
  return to_upper_ascii(text);
}

Result<OrderStatus> parse_order_status(std::string_view text) {
  std::string key = to_lower_ascii(trim(text));
  if (key.starts_with("wc-")) key.erase(0, 3);  // WooCommerce's stored form, "wc-completed"
  std::replace(key.begin(), key.end(), ' ', '_');
  std::replace(key.begin(), key.end(), '-', '_');
  // The words of shop exports: Shopify's financial statuses, WooCommerce's order statuses.
  static constexpr std::pair<std::string_view, OrderStatus> kWords[] = {
      {"placed", OrderStatus::placed},         {"completed", OrderStatus::placed},
      {"complete", OrderStatus::placed},       {"paid", OrderStatus::placed},
      {"partially_paid", OrderStatus::placed}, {"partially_refunded", OrderStatus::placed},
      {"authorized", OrderStatus::placed},     {"pending", OrderStatus::placed},
      {"processing", OrderStatus::placed},     {"on_hold", OrderStatus::placed},
      {"fulfilled", OrderStatus::placed},      {"shipped", OrderStatus::placed},
      {"delivered", OrderStatus::placed},      {"cancelled", OrderStatus::cancelled},
      {"canceled", OrderStatus::cancelled},    {"voided", OrderStatus::cancelled},
      {"failed", OrderStatus::cancelled},      {"returned", OrderStatus::returned},
      {"refunded", OrderStatus::returned},
  };
  for (const auto& [word, status] : kWords) {
    if (key == word) return status;
  }
  return fail(ErrorCode::invalid_argument,
              "unknown order status '{}' (placed, cancelled, returned, or a shop's word such as "
              "paid, refunded, voided, completed, processing)",
              text);
}

std::int64_t Order::total_minor() const {
  std::int64_t total = 0;
  for (const OrderLine& line : lines) total += line.amount_minor;
  return total;
}

}  // namespace vafa
