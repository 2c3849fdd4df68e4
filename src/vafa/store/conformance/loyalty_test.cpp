// The conformance suite (fixture.hpp): the points ledger and its lots, rewards, redemptions and
// gifts, tiers.
#include <map>

#include "vafa/store/conformance/fixture.hpp"

namespace vafa::conformance {
namespace {

constexpr std::int64_t T = 1'700'000'000;

LedgerTxn txn(std::string kind, std::string cause, std::int64_t customer, std::int64_t at,
              std::vector<LedgerEntry> entries) {
  return LedgerTxn{.kind = std::move(kind),
                   .cause = std::move(cause),
                   .customer = customer,
                   .at = at,
                   .note = "",
                   .entries = std::move(entries)};
}
LedgerEntry mine(PointsAccount a, std::int64_t customer, std::int64_t points) {
  return LedgerEntry{.account = a, .customer = customer, .points = points};
}
LedgerEntry shop(PointsAccount a, std::int64_t points) {
  return LedgerEntry{.account = a, .customer = std::nullopt, .points = points};
}

TEST_P(StoreConformance, LedgerPostsOnceAndKeepsBalancesLotsAndLifetimeCounters) {
  const std::int64_t c = add_customer("c1");
  using enum PointsAccount;
  const auto earned = store_->post_points(
      txn("earn", "order:O1", c, T, {mine(pending, c, 100), shop(issued, -100)}));
  ASSERT_TRUE(earned && earned->has_value());
  const std::int64_t earn_id = **earned;
  // The same (kind, cause) again writes nothing.
  const auto again = store_->post_points(
      txn("earn", "order:O1", c, T + 5, {mine(pending, c, 999), shop(issued, -999)}));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->has_value());
  const auto stored = store_->points_txn("earn", "order:O1").value();
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->id, earn_id);
  EXPECT_EQ(stored->at, T);
  ASSERT_EQ(stored->entries.size(), 2U);
  EXPECT_FALSE(store_->points_txn("earn", "order:O2").value());

  const std::int64_t lot = store_
                               ->add_lot(PointsLot{.customer = c,
                                                   .txn = earn_id,
                                                   .points = 100,
                                                   .remaining = 100,
                                                   .pending = true,
                                                   .available_at = T + 10,
                                                   .expires_at = T + 1000})
                               .value();
  ASSERT_EQ(store_->lots_of_txn(earn_id).value().size(), 1U);
  EXPECT_EQ(store_->open_lots(c).value().at(0).id, lot);
  EXPECT_TRUE(store_->lots_due(T, 10).value().empty());
  ASSERT_EQ(store_->lots_due(T + 10, 10).value().size(), 1U);  // to become available

  ASSERT_TRUE(store_->post_points(
      txn("mature", "lot:1", c, T + 10, {mine(pending, c, -100), mine(available, c, 100)})));
  ASSERT_TRUE(store_->update_lot(lot, 100, false));
  EXPECT_TRUE(store_->lots_due(T + 10, 10).value().empty());
  ASSERT_EQ(store_->lots_due(T + 1000, 10).value().size(), 1U);  // to expire
  const auto expiring = store_->expiring_points(T, T + 1000, 0, 10).value();
  ASSERT_EQ(expiring.size(), 1U);
  EXPECT_EQ(expiring[0].customer, c);
  EXPECT_EQ(expiring[0].customer_id, "c1");
  EXPECT_EQ(expiring[0].points, 100);
  EXPECT_EQ(expiring[0].first_expiry, T + 1000);
  EXPECT_TRUE(store_->expiring_points(T, T + 999, 0, 10).value().empty());
  EXPECT_TRUE(store_->expiring_points(T, T + 1000, c, 10).value().empty());  // after c

  const auto redeem_id = store_->post_points(
      txn("redeem", "redemption:1", c, T + 20, {mine(available, c, -30), shop(redeemed, 30)}));
  ASSERT_TRUE(redeem_id && redeem_id->has_value());
  ASSERT_TRUE(store_->update_lot(lot, 70, false));
  ASSERT_TRUE(store_->post_points(
      txn("expire", "lot:1", c, T + 1000, {mine(available, c, -70), shop(expired, 70)})));
  ASSERT_TRUE(store_->update_lot(lot, 0, false));
  ASSERT_TRUE(store_->add_lot_reversed(lot, 5));
  EXPECT_TRUE(store_->open_lots(c).value().empty());
  EXPECT_EQ(store_->lots_of_txn(earn_id).value().at(0).reversed, 5);

  const PointsBalance balance = store_->points_balance(c).value();
  EXPECT_EQ(balance.pending, 0);
  EXPECT_EQ(balance.available, 0);
  EXPECT_EQ(balance.earned, 100);
  EXPECT_EQ(balance.redeemed, 30);
  EXPECT_EQ(balance.expired, 70);
  EXPECT_EQ(store_->points_balance(add_customer("nobody")).value().earned, 0);
  EXPECT_EQ(store_->points_earned(c, T, T + 1).value(), 100);
  EXPECT_EQ(store_->points_earned(c, T + 1, T + 2000).value(), 0);

  const auto history = store_->points_history(c, 10, std::nullopt).value();
  ASSERT_EQ(history.size(), 4U);
  EXPECT_EQ(history[0].kind, "expire");  // latest first
  EXPECT_EQ(history[3].kind, "earn");
  const auto older = store_->points_history(c, 10, **redeem_id).value();
  ASSERT_EQ(older.size(), 2U);
  EXPECT_EQ(older[0].kind, "mature");
  EXPECT_EQ(store_->points_history(c, 1, std::nullopt).value().size(), 1U);

  const LedgerCheck check = store_->check_points().value();
  EXPECT_TRUE(check.sound()) << check.problems();
  EXPECT_EQ(check.txns, 4);
  EXPECT_EQ(check.entries, 8);

  std::map<PointsAccount, std::int64_t> shop_points;
  ASSERT_TRUE(store_->scan_shop_points([&](PointsAccount a, std::int64_t points, std::int64_t) {
    shop_points[a] += points;
    return Status{};
  }));
  EXPECT_EQ(shop_points[issued], -100);
  EXPECT_EQ(shop_points[redeemed], 30);
  EXPECT_EQ(shop_points[expired], 70);

  ASSERT_TRUE(store_->put_line_points(earn_id, {60, 40}));
  EXPECT_EQ(store_->line_points(earn_id).value(), (std::vector<std::int64_t>{60, 40}));
}

TEST_P(StoreConformance, LedgerRefusesBrokenTransactionsAndWritesNothing) {
  const std::int64_t c = add_customer("c1");
  using enum PointsAccount;
  const std::vector<LedgerTxn> broken = {
      txn("earn", "one", c, T, {mine(pending, c, 10)}),                         // one entry
      txn("earn", "sum", c, T, {mine(pending, c, 10), shop(issued, -9)}),       // not zero
      txn("earn", "shop", c, T, {mine(pending, c, 10), mine(issued, c, -10)}),  // shop + customer
      txn("earn", "mine", c, T, {shop(pending, 10), shop(issued, -10)}),        // customer - one
      txn("", "kind", c, T, {mine(pending, c, 10), shop(issued, -10)}),         // no kind
      txn("earn", "big", c, T,
          {mine(pending, c, INT64_MAX), mine(pending, c, 1), shop(issued, INT64_MIN)}),
  };
  for (const LedgerTxn& t : broken) {
    const auto posted = store_->post_points(t);
    ASSERT_FALSE(posted) << t.cause;
    EXPECT_EQ(posted.error().code, ErrorCode::invalid_argument) << t.cause;
  }
  EXPECT_EQ(store_->check_points().value().txns, 0);
  EXPECT_EQ(store_->points_balance(c).value().pending, 0);
}

TEST_P(StoreConformance, RewardsStockRedemptionsAndGifts) {
  const std::int64_t c = add_customer("c1");
  Reward coffee{.code = "coffee", .name = "Coffee", .cost = 50, .stock = 2, .per_customer = 1};
  coffee.created_at = T;
  const std::int64_t id = store_->put_reward(coffee).value();
  EXPECT_EQ(store_->put_reward(coffee).error().code, ErrorCode::conflict);
  coffee.id = id;
  coffee.name = "Large coffee";
  EXPECT_EQ(store_->put_reward(coffee).value(), id);  // replaced by id
  const auto read = store_->get_reward("coffee").value();
  ASSERT_TRUE(read);
  EXPECT_EQ(read->name, "Large coffee");
  EXPECT_EQ(read->stock, 2);
  EXPECT_EQ(read->per_customer, 1);
  EXPECT_FALSE(store_->get_reward("tea").value());
  const std::int64_t unlimited =
      store_->put_reward(Reward{.code = "sticker", .name = "Sticker", .cost = 1}).value();
  EXPECT_EQ(store_->rewards().value().size(), 2U);

  EXPECT_TRUE(store_->take_reward_unit(id).value());
  EXPECT_TRUE(store_->take_reward_unit(id).value());
  EXPECT_FALSE(store_->take_reward_unit(id).value());  // out of stock
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(store_->take_reward_unit(unlimited).value());
  EXPECT_EQ(store_->get_reward("coffee").value()->stock, 0);

  const Redemption bought{
      .reward = id, .customer = c, .points = 50, .voucher = "V1", .at = T, .expires_at = T + 9};
  ASSERT_TRUE(store_->add_redemption(bought));
  EXPECT_EQ(store_->add_redemption(bought).error().code, ErrorCode::conflict);  // voucher taken
  EXPECT_EQ(store_->count_redemptions(id, c).value(), 1);
  EXPECT_EQ(store_->count_redemptions(unlimited, c).value(), 0);

  Redemption gift{.reward = id, .customer = c, .points = 0, .voucher = "G1", .at = T + 1};
  gift.cause = "gift:O1:welcome";
  const std::int64_t gift_id = store_->add_redemption(gift).value();
  const auto mine = store_->redemptions_of(c).value();
  ASSERT_EQ(mine.size(), 2U);
  EXPECT_EQ(mine[0].voucher, "G1");  // latest first
  EXPECT_EQ(mine[0].reward_code, "coffee");
  EXPECT_EQ(mine[1].cause, "");
  EXPECT_EQ(mine[1].expires_at, T + 9);
  ASSERT_EQ(store_->gifts_with_cause("gift:O1:").value().size(), 1U);
  EXPECT_TRUE(store_->gifts_with_cause("gift:O2:").value().empty());

  ASSERT_TRUE(store_->void_gift(gift_id, T + 5));
  ASSERT_TRUE(store_->void_gift(gift_id, T + 6));  // voided before: the first time stays
  EXPECT_EQ(store_->gifts_with_cause("gift:O1:").value().at(0).voided_at, T + 5);
  EXPECT_EQ(store_->get_reward("coffee").value()->stock, 1);  // its unit back, once
}

TEST_P(StoreConformance, TiersQualifyOnPointsAndSpendAndKeepTheirHistory) {
  const std::int64_t c = add_customer("c1");
  using enum PointsAccount;
  ASSERT_TRUE(store_->post_points(
      txn("earn", "order:O1", c, T, {mine(pending, c, 100), shop(issued, -100)})));
  ASSERT_TRUE(store_->post_points(
      txn("reverse", "return:R1", c, T + 1, {mine(pending, c, -40), shop(issued, 40)})));
  ASSERT_TRUE(store_->post_points(
      txn("bonus", "event:E1", c, T + 2, {mine(available, c, 7), shop(issued, -7)})));
  EXPECT_EQ(store_->qualifying_points(c, T, T + 10).value(), 60);  // earn and reverse
  EXPECT_EQ(store_->qualifying_points(c, T + 1, T + 10).value(), -40);

  const auto run = new_run();
  const Timestamp at = Timestamp{} + seconds(T);
  ASSERT_TRUE(store_->put_order(make_order("O1", "c1", at, {line("A", 2, 500)}), run));
  ASSERT_TRUE(store_->put_order(make_order("O2", "c1", at, {line("A", 1, 300)}), run));
  ASSERT_TRUE(store_->put_order(make_order("O3", "c1", at, {line("A", 1, 7)}), run));
  ASSERT_TRUE(store_->set_order_status("O3", OrderStatus::cancelled));
  EXPECT_EQ(store_->qualifying_spend(c, "USD", T, T + 1).value(), 1300);
  EXPECT_EQ(store_->qualifying_spend(c, "EUR", T, T + 1).value(), 0);
  EXPECT_EQ(store_->qualifying_spend(c, "USD", T + 1, T + 2).value(), 0);

  EXPECT_FALSE(store_->tier_of(c).value());
  const TierState gold{.customer = c, .tier = "gold", .since = T, .invited = true};
  ASSERT_TRUE(store_->put_tier(
      gold, TierChange{.customer = c, .to = "gold", .at = T, .reason = "qualified"}));
  TierState below = gold;
  below.below_since = T + 50;
  ASSERT_TRUE(store_->put_tier(below, std::nullopt));  // state only
  const auto tier = store_->tier_of(c).value();
  ASSERT_TRUE(tier);
  EXPECT_EQ(tier->tier, "gold");
  EXPECT_EQ(tier->below_since, T + 50);
  EXPECT_TRUE(tier->invited);
  EXPECT_EQ(store_->tiered_customers().value().size(), 1U);
  const auto history = store_->tier_history(c).value();
  ASSERT_EQ(history.size(), 1U);
  EXPECT_FALSE(history[0].from);
  EXPECT_EQ(history[0].to, "gold");
  EXPECT_EQ(history[0].reason, "qualified");
}

}  // namespace
}  // namespace vafa::conformance
