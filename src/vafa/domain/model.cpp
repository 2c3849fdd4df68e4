#include "vafa/domain/model.hpp"

#include <cctype>

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
  const std::string key = to_lower_ascii(trim(text));
  if (key == "placed" || key == "completed" || key == "paid") return OrderStatus::placed;
  if (key == "cancelled" || key == "canceled") return OrderStatus::cancelled;
  if (key == "returned" || key == "refunded") return OrderStatus::returned;
  return fail(ErrorCode::invalid_argument,
              "unknown order status '{}' (placed, cancelled, returned)", text);
}

std::int64_t Order::total_minor() const {
  std::int64_t total = 0;
  for (const OrderLine& line : lines) total += line.amount_minor;
  return total;
}

}  // namespace vafa
