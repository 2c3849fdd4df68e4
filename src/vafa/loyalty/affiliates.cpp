#include "vafa/loyalty/affiliates.hpp"

#include <fmt/format.h>

namespace vafa::loyalty {

namespace {

__extension__ typedef __int128 Wide;

struct Attributed {
  std::int64_t affiliate = 0, rate_bp = 0;
  std::string currency;
  std::int64_t sales = 0, commission = 0;  // what is left after returns and cancellation
  std::int64_t returned = 0;               // refunds so far
  bool cancelled = false;
};

// What the entries of an order add up to; nullopt when it is not attributed.
Result<std::optional<Attributed>> attributed(Store& store, std::string_view order_id) {
  VAFA_TRY(const std::vector<AffiliateEntry> entries, store.affiliate_entries_of(order_id));
  std::optional<Attributed> out;
  for (const AffiliateEntry& e : entries) {
    if (!out)
      out = Attributed{.affiliate = e.affiliate, .rate_bp = e.rate_bp, .currency = e.currency};
    out->sales += e.sales_minor;
    out->commission += e.commission_minor;
    if (e.kind == "return") out->returned -= e.sales_minor;
    if (e.kind == "cancel") out->cancelled = true;
  }
  return out;
}

}  // namespace

std::int64_t commission_of(std::int64_t sales_minor, std::int64_t rate_bp) {
  const Wide product = static_cast<Wide>(sales_minor) * rate_bp;
  Wide q = product / 10'000;
  if (product % 10'000 != 0 && product < 0) --q;  // floor, also below zero
  return static_cast<std::int64_t>(q);
}

Result<std::optional<AffiliateEntry>> attribute_order(Store& store, const Order& order,
                                                      const Affiliate& affiliate) {
  using Entry = std::optional<AffiliateEntry>;
  if (!affiliate.active || order.status != OrderStatus::placed) return Entry();
  const std::int64_t sales = std::max<std::int64_t>(order.total_minor(), 0);
  AffiliateEntry entry{.affiliate = affiliate.id,
                       .order_id = order.id,
                       .kind = "order",
                       .cause = fmt::format("order:{}", order.id),
                       .at = unix_seconds(order.placed_at),
                       .currency = std::string(order.currency.code()),
                       .sales_minor = sales,
                       .rate_bp = affiliate.rate_bp,
                       .commission_minor = commission_of(sales, affiliate.rate_bp)};
  VAFA_TRY(const bool added, store.add_affiliate_entry(entry));
  return added ? Entry(std::move(entry)) : Entry();
}

Result<std::optional<AffiliateEntry>> affiliate_return(Store& store, const Order& return_doc,
                                                       std::string_view original_id) {
  using Entry = std::optional<AffiliateEntry>;
  VAFA_TRY(const auto order, attributed(store, original_id));
  if (!order || order->cancelled) return Entry();
  const std::int64_t refund = std::min(-return_doc.total_minor(), order->sales);
  if (refund <= 0) return Entry();
  // Floor differences: the returns of the whole order take back exactly its commission.
  const std::int64_t back = commission_of(order->returned + refund, order->rate_bp) -
                            commission_of(order->returned, order->rate_bp);
  AffiliateEntry entry{.affiliate = order->affiliate,
                       .order_id = std::string(original_id),
                       .kind = "return",
                       .cause = fmt::format("return:{}", return_doc.id),
                       .at = unix_seconds(return_doc.placed_at),
                       .currency = order->currency,
                       .sales_minor = -refund,
                       .rate_bp = order->rate_bp,
                       .commission_minor = -back};
  VAFA_TRY(const bool added, store.add_affiliate_entry(entry));
  return added ? Entry(std::move(entry)) : Entry();
}

Result<std::optional<AffiliateEntry>> affiliate_cancel(Store& store, std::string_view order_id,
                                                       std::int64_t now) {
  using Entry = std::optional<AffiliateEntry>;
  VAFA_TRY(const auto order, attributed(store, order_id));
  if (!order || order->cancelled) return Entry();
  AffiliateEntry entry{.affiliate = order->affiliate,
                       .order_id = std::string(order_id),
                       .kind = "cancel",
                       .cause = fmt::format("cancel:{}", order_id),
                       .at = now,
                       .currency = order->currency,
                       .sales_minor = -order->sales,
                       .rate_bp = order->rate_bp,
                       .commission_minor = -order->commission};
  VAFA_TRY(const bool added, store.add_affiliate_entry(entry));
  return added ? Entry(std::move(entry)) : Entry();
}

}  // namespace vafa::loyalty
