#include "vafa/app/orders.hpp"

#include <algorithm>

#include "vafa/loyalty/affiliates.hpp"

namespace vafa::app {

Result<PlacedOrder> place_order(const Context& context, const Order& order,
                                const std::optional<std::string>& affiliate) {
  Store& store = context.store;
  VAFA_TRY(const auto existing, store.get_order(order.id));
  if (existing) {
    return fail(ErrorCode::conflict,
                "order '{}' exists; send an Idempotency-Key to retry a create safely", order.id);
  }
  if (!order.is_guest()) {
    VAFA_TRY(const auto customer, store.customer_row(order.customer_id));
    if (!customer) {
      return fail(ErrorCode::not_found, "no customer '{}'; create the customer first",
                  order.customer_id);
    }
  }
  std::optional<Affiliate> partner;
  if (affiliate) {
    VAFA_TRY(partner, store.get_affiliate(*affiliate));
    if (!partner)
      return fail(field_error("/affiliate", fmt::format("no affiliate '{}'", *affiliate)));
  }
  VAFA_CHECK(store.put_order(order, context.import_run));
  PlacedOrder placed{.order = order};
  if (partner) {
    VAFA_TRY(const auto entry, loyalty::attribute_order(store, order, *partner));
    placed.affiliate = *affiliate;
    if (entry) placed.commission_minor = entry->commission_minor;
  }
  if (context.club.config().enabled && !order.is_guest()) {
    VAFA_TRY(placed.rewards, context.club.on_order(store, order, context.now));
  }
  return placed;
}

Result<CancelledOrder> cancel_order(const Context& context, std::string_view order_id) {
  Store& store = context.store;
  const std::string id(order_id);
  VAFA_TRY(const Order order, need(store.get_order(id), "order", id));
  if (order.status == OrderStatus::returned) {
    return fail(ErrorCode::conflict, "order '{}' is a return and cannot be cancelled", id);
  }
  VAFA_CHECK(store.set_order_status(id, OrderStatus::cancelled));
  VAFA_TRY(Order stored, need(store.get_order(id), "order", id));
  CancelledOrder cancelled{.order = std::move(stored)};
  VAFA_TRY(const auto commission, loyalty::affiliate_cancel(store, id, context.now));
  if (commission) cancelled.commission_minor = commission->commission_minor;
  if (context.club.config().enabled) {
    VAFA_TRY(cancelled.reversal, context.club.on_cancel(store, id, context.now));
  }
  return cancelled;
}

std::int64_t prorated_refund(std::int64_t amount_minor, std::int64_t quantity, std::int64_t before,
                             std::int64_t take) {
  __extension__ const __int128 amount = amount_minor;
  return static_cast<std::int64_t>(amount * (before + take) / quantity -
                                   amount * before / quantity);
}

namespace {

// Units of each line of `original` that `earlier` returns already took back, matched to the
// lines by SKU in order.
std::vector<std::int64_t> returned_so_far(const Order& original,
                                          const std::vector<Order>& earlier) {
  std::vector<std::int64_t> returned(original.lines.size(), 0);
  for (const Order& r : earlier) {
    for (const OrderLine& line : r.lines) {
      std::int64_t units = -line.quantity;
      for (std::size_t i = 0; i < original.lines.size() && units > 0; ++i) {
        if (original.lines[i].product_sku != line.product_sku) continue;
        const std::int64_t take = std::min(units, original.lines[i].quantity - returned[i]);
        returned[i] += take;
        units -= take;
      }
    }
  }
  return returned;
}

}  // namespace

Result<ReturnedUnits> return_units(const Context& context, std::string_view order_id,
                                   const ReturnRequest& request) {
  Store& store = context.store;
  const std::string id(order_id);
  VAFA_TRY(const Order original, need(store.get_order(id), "order", id));
  if (original.status != OrderStatus::placed) {
    return fail(ErrorCode::conflict, "order '{}' is {}; only placed orders take returns", id,
                to_string(original.status));
  }
  VAFA_TRY(const std::vector<Order> earlier, store.returns_of(id));
  std::vector<std::int64_t> returned = returned_so_far(original, earlier);
  Order doc = original;
  doc.id = request.id.empty() ? fmt::format("{}-R{}", id, earlier.size() + 1) : request.id;
  doc.status = OrderStatus::returned;
  doc.placed_at = request.returned_at;
  doc.lines.clear();
  std::vector<loyalty::Club::ReturnedLine> units;
  for (const auto& [sku, quantity] : request.lines) {
    std::int64_t left = quantity;
    for (std::size_t i = 0; i < original.lines.size() && left > 0; ++i) {
      const OrderLine& line = original.lines[i];
      if (line.product_sku != sku || returned[i] >= line.quantity) continue;
      const std::int64_t take = std::min(left, line.quantity - returned[i]);
      doc.lines.push_back(OrderLine{
          .product_sku = sku,
          .quantity = -take,
          .unit_price_minor = line.unit_price_minor,
          .amount_minor = -prorated_refund(line.amount_minor, line.quantity, returned[i], take)});
      units.push_back(
          {.line = i, .quantity = take, .before = returned[i], .bought = line.quantity});
      returned[i] += take;
      left -= take;
    }
    if (left > 0) {
      return fail(ErrorCode::conflict, "order '{}' has {} fewer unit(s) of '{}' left to return", id,
                  left, sku);
    }
  }
  VAFA_TRY(const auto exists, store.get_order(doc.id));
  if (exists) {
    return fail(ErrorCode::conflict, "order '{}' exists; give the return another id", doc.id);
  }
  VAFA_CHECK(store.put_order(doc, context.import_run));
  VAFA_CHECK(store.link_return(doc.id, id));
  ReturnedUnits out{.document = doc, .return_of = id};
  VAFA_TRY(const auto commission, loyalty::affiliate_return(store, doc, id));
  if (commission) out.commission_minor = commission->commission_minor;
  if (context.club.config().enabled && !original.is_guest()) {
    VAFA_TRY(out.points_reversed,
             context.club.reverse_return(store, id, doc.id, units, context.now));
    // Everything returned: a referral this order credited goes, as with a cancellation.
    bool whole = true;
    for (std::size_t i = 0; i < original.lines.size(); ++i) {
      whole = whole && returned[i] >= original.lines[i].quantity;
    }
    out.referral_points_reversed = 0;
    if (whole) {
      VAFA_TRY(out.referral_points_reversed, context.club.void_referral(store, id, context.now));
    }
  }
  return out;
}

}  // namespace vafa::app
