// The order lifecycle as a workflow, without HTTP: what placing, cancelling and returning
// write, earn and take back, the refunds of partial returns, and the refusals.
#include "vafa/app/orders.hpp"

#include <gmock/gmock.h>

#include "vafa/app/app_test_support.hpp"

namespace vafa::app {
namespace {

using ::testing::HasSubstr;
using testing_support::AppFixture;
using testing_support::kDay;

class OrdersTest : public AppFixture {};

TEST(ProratedRefund, TheRefundsOfEveryUnitAddUpToWhatWasPaid) {
  // 3 units for 10.00: 3.33, 3.33, 3.34 (floor differences), whatever the order of returns.
  EXPECT_EQ(prorated_refund(1000, 3, 0, 1), 333);
  EXPECT_EQ(prorated_refund(1000, 3, 1, 1), 333);
  EXPECT_EQ(prorated_refund(1000, 3, 2, 1), 334);
  EXPECT_EQ(prorated_refund(1000, 3, 0, 3), 1000);
  for (const std::int64_t quantity : {1, 2, 7, 13, 1000}) {
    for (const std::int64_t amount :
         {0LL, 1LL, 999LL, 123'456'789LL, 4'000'000'000'000'000'000LL}) {
      std::int64_t sum = 0;
      for (std::int64_t u = 0; u < quantity; ++u) sum += prorated_refund(amount, quantity, u, 1);
      EXPECT_EQ(sum, amount) << amount << " over " << quantity;  // no overflow near INT64_MAX
    }
  }
}

TEST_F(OrdersTest, APlacedOrderIsStoredAndEarnsItsPointsAndTheFirstOrderBonus) {
  add_customer("c1");
  const auto placed =
      place_order(context(), order_of("O1", "c1", {{"A", 2, 4000}}, now_), std::nullopt);
  ASSERT_TRUE(placed.has_value()) << placed.error().message;
  EXPECT_EQ(store_->get_order("O1").value()->lines.size(), 1U);
  ASSERT_TRUE(placed->rewards.has_value());
  EXPECT_EQ(placed->rewards->points, 40);
  EXPECT_EQ(placed->rewards->first_order_bonus, 50);
  EXPECT_FALSE(placed->affiliate.has_value());
  EXPECT_EQ(balance("c1").available, 90);
  // A second order earns no first-order bonus.
  const auto second =
      place_order(context(), order_of("O2", "c1", {{"A", 1, 1000}}, now_ - kDay), std::nullopt);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->rewards->first_order_bonus, 0);
  EXPECT_EQ(balance("c1").available, 100);
  expect_sound_ledger();
}

TEST_F(OrdersTest, ARefusedOrderWritesNothing) {
  add_customer("c1");
  ASSERT_TRUE(place_order(context(), order_of("O1", "c1", {{"A", 1, 1000}}, now_), std::nullopt));
  const auto twice =
      place_order(context(), order_of("O1", "c1", {{"B", 1, 9999}}, now_), std::nullopt);
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().code, ErrorCode::conflict);
  EXPECT_EQ(store_->get_order("O1").value()->lines.front().product_sku, "A");

  const auto stranger =
      place_order(context(), order_of("O2", "nobody", {{"A", 1, 1000}}, now_), std::nullopt);
  ASSERT_FALSE(stranger.has_value());
  EXPECT_EQ(stranger.error().code, ErrorCode::not_found);
  EXPECT_THAT(stranger.error().message, HasSubstr("nobody"));

  const auto partner =
      place_order(context(), order_of("O3", "c1", {{"A", 1, 1000}}, now_), std::string("NOPE"));
  ASSERT_FALSE(partner.has_value());
  EXPECT_EQ(partner.error().code, ErrorCode::invalid_fields);
  ASSERT_EQ(partner.error().fields.size(), 1U);
  EXPECT_EQ(partner.error().fields[0].pointer, "/affiliate");
  EXPECT_FALSE(store_->get_order("O2").value().has_value());
  EXPECT_FALSE(store_->get_order("O3").value().has_value());
}

TEST_F(OrdersTest, AnAffiliatesOrderEarnsItsCommissionAndACancellationTakesEverythingBack) {
  add_customer("c1");
  ASSERT_TRUE(store_->put_affiliate(
      Affiliate{.code = "BLOG", .name = "A blog", .rate_bp = 1000, .created_at = now_}));
  const auto placed =
      place_order(context(), order_of("O1", "c1", {{"A", 1, 5000}}, now_), std::string("BLOG"));
  ASSERT_TRUE(placed.has_value()) << placed.error().message;
  EXPECT_EQ(placed->affiliate, "BLOG");
  EXPECT_EQ(placed->commission_minor, 500);  // 10% of 50.00
  EXPECT_EQ(balance("c1").available, 100);   // 50 points + the first-order bonus

  const auto cancelled = cancel_order(context(), "O1");
  ASSERT_TRUE(cancelled.has_value()) << cancelled.error().message;
  EXPECT_EQ(cancelled->order.status, OrderStatus::cancelled);
  EXPECT_EQ(store_->get_order("O1").value()->status, OrderStatus::cancelled);
  ASSERT_TRUE(cancelled->commission_minor.has_value());
  EXPECT_EQ(*cancelled->commission_minor, -500);
  ASSERT_TRUE(cancelled->reversal.has_value());
  EXPECT_EQ(cancelled->reversal->points, 50);
  expect_sound_ledger();

  const auto missing = cancel_order(context(), "O9");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST_F(OrdersTest, ReturnsTakeUnitsBackLineByLineWithRefundsThatAddUpToThePrice) {
  add_customer("c1");
  ASSERT_TRUE(place_order(context(), order_of("O1", "c1", {{"A", 3, 1000}, {"B", 1, 2000}}, now_),
                          std::nullopt));
  const Timestamp later = from_unix_seconds(now_ + kDay);
  std::vector<std::int64_t> refunds;
  for (int i = 0; i < 3; ++i) {
    const auto back =
        return_units(context(), "O1", ReturnRequest{.returned_at = later, .lines = {{"A", 1}}});
    ASSERT_TRUE(back.has_value()) << back.error().message;
    EXPECT_EQ(back->document.id, fmt::format("O1-R{}", i + 1));
    EXPECT_EQ(back->return_of, "O1");
    EXPECT_EQ(back->document.status, OrderStatus::returned);
    ASSERT_EQ(back->document.lines.size(), 1U);
    EXPECT_EQ(back->document.lines[0].quantity, -1);
    refunds.push_back(-back->document.lines[0].amount_minor);
    EXPECT_TRUE(back->points_reversed.has_value());
  }
  EXPECT_EQ(refunds, (std::vector<std::int64_t>{333, 333, 334}));
  // No A is left; B is.
  const auto over =
      return_units(context(), "O1", ReturnRequest{.returned_at = later, .lines = {{"A", 1}}});
  ASSERT_FALSE(over.has_value());
  EXPECT_EQ(over.error().code, ErrorCode::conflict);
  EXPECT_THAT(over.error().message, HasSubstr("1 fewer unit(s) of 'A'"));
  EXPECT_FALSE(store_->get_order("O1-R4").value().has_value());
  const auto named = return_units(
      context(), "O1", ReturnRequest{.id = "RMA-7", .returned_at = later, .lines = {{"B", 1}}});
  ASSERT_TRUE(named.has_value()) << named.error().message;
  EXPECT_EQ(named->document.lines[0].amount_minor, -2000);
  // Everything has come back: the order's own points are gone, the first-order bonus stays.
  EXPECT_EQ(balance("c1").available, 50);
  expect_sound_ledger();
  // A return is not a placed order: it takes no return and no cancellation.
  EXPECT_EQ(
      return_units(context(), "RMA-7", ReturnRequest{.returned_at = later, .lines = {{"B", 1}}})
          .error()
          .code,
      ErrorCode::conflict);
  EXPECT_EQ(cancel_order(context(), "RMA-7").error().code, ErrorCode::conflict);
}

TEST_F(OrdersTest, AGuestOrderEarnsNothingAndTheClubOffEarnsNothing) {
  const auto guest =
      place_order(context(), order_of("G1", "", {{"A", 1, 5000}}, now_), std::nullopt);
  ASSERT_TRUE(guest.has_value()) << guest.error().message;
  EXPECT_FALSE(guest->rewards.has_value());

  open("");  // no [loyalty] table: the club is off
  add_customer("c1");
  const auto placed =
      place_order(context(), order_of("O1", "c1", {{"A", 1, 5000}}, now_), std::nullopt);
  ASSERT_TRUE(placed.has_value()) << placed.error().message;
  EXPECT_FALSE(placed->rewards.has_value());
  const auto back = return_units(
      context(), "O1",
      ReturnRequest{.returned_at = from_unix_seconds(now_ + kDay), .lines = {{"A", 1}}});
  ASSERT_TRUE(back.has_value());
  EXPECT_FALSE(back->points_reversed.has_value());
}

}  // namespace
}  // namespace vafa::app
