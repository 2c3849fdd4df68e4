#include "vafa/domain/model.hpp"

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
