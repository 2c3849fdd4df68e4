// The order lifecycle: an order placed (and what it earns: an affiliate's commission, points,
// the first-order bonus, a referral's credit, tier gifts), cancelled (all of that taken back),
// and returned unit by unit (refunds prorated so that the returns of a whole line add up to
// exactly what was paid; points, commission and, once everything is back, a referral's bonus
// taken back). Each function runs inside the caller's transaction (context.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vafa/app/context.hpp"

namespace vafa::app {

struct PlacedOrder {
  Order order;
  // The affiliate the order came through, and the commission it earned (none: the programme
  // pays nothing for this order, e.g. a customer's own code).
  std::optional<std::string> affiliate;
  std::optional<std::int64_t> commission_minor;
  // With the loyalty club on and a known customer: what the order earned.
  std::optional<loyalty::OrderRewards> rewards;
};

// Places `order` (its id must be new; a customer id must name a customer; `affiliate`, when
// given, must name an affiliate: invalid_fields on /affiliate otherwise).
Result<PlacedOrder> place_order(const Context& context, const Order& order,
                                const std::optional<std::string>& affiliate);

struct CancelledOrder {
  Order order;                                   // as stored, status cancelled
  std::optional<std::int64_t> commission_minor;  // the commission entry left (reversed)
  std::optional<loyalty::OrderReversal> reversal;
};

// Cancels a placed order (a return cannot be cancelled: conflict).
Result<CancelledOrder> cancel_order(const Context& context, std::string_view order_id);

// Units of an order coming back.
struct ReturnRequest {
  std::string id;  // the return's own id; empty: "<order>-R<n>"
  Timestamp returned_at{};
  std::vector<std::pair<std::string, std::int64_t>> lines;  // sku -> units (> 0)
};

struct ReturnedUnits {
  Order document;  // the return: status returned, negative quantities and amounts
  std::string return_of;
  std::optional<std::int64_t> commission_minor;
  // With the loyalty club on and a known customer: points taken back, and a referral's bonus
  // when the whole order has come back.
  std::optional<std::int64_t> points_reversed;
  std::optional<std::int64_t> referral_points_reversed;
};

// Records a return of units of a placed order: conflict when more units come back than are
// left, when the order is not placed, or when the return's id is taken.
Result<ReturnedUnits> return_units(const Context& context, std::string_view order_id,
                                   const ReturnRequest& request);

// The refund of units [before, before + take) of a line of `quantity` units that cost
// `amount_minor` in all: floor differences, so the refunds of every unit sum to the amount.
std::int64_t prorated_refund(std::int64_t amount_minor, std::int64_t quantity, std::int64_t before,
                             std::int64_t take);

}  // namespace vafa::app
