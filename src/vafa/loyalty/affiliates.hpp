// Affiliates: partners paid a commission on the orders attributed to their code
// (docs/loyalty.md). Every change of what is owed is an immutable entry: + for an attributed
// order (at its time), - for a return of some of it (at the return's time) and for its
// cancellation (then), so a period's payable is the sum of its entries and a paid period never
// changes afterwards. Amounts in minor units; commissions floored, and the returns of a whole
// order take back exactly its commission.
#pragma once

#include <optional>
#include <string_view>

#include "vafa/store/store.hpp"

namespace vafa::loyalty {

// An affiliate's commission on `sales_minor` at `rate_bp` basis points, floored.
std::int64_t commission_of(std::int64_t sales_minor, std::int64_t rate_bp);

// Attributes an order to an affiliate at its current rate. Nothing (nullopt) for an inactive
// affiliate, an order not placed, or an order attributed before.
Result<std::optional<AffiliateEntry>> attribute_order(Store& store, const Order& order,
                                                      const Affiliate& affiliate);
// A return document of an attributed order takes back the commission of its refund.
Result<std::optional<AffiliateEntry>> affiliate_return(Store& store, const Order& return_doc,
                                                       std::string_view original_id);
// A cancelled attributed order takes back what is left of its commission.
Result<std::optional<AffiliateEntry>> affiliate_cancel(Store& store, std::string_view order_id,
                                                       std::int64_t now);

}  // namespace vafa::loyalty
