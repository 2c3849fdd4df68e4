// Customers, events, referrals and the club's actions as workflows, without HTTP: the signup
// and event bonuses, a referral credited by the first qualifying order and voided when that
// order comes back whole, birthdays in the periodic job, adjustments and transfers.
#include "vafa/app/customers.hpp"

#include <gmock/gmock.h>

#include "vafa/app/app_test_support.hpp"
#include "vafa/app/orders.hpp"
#include "vafa/app/points.hpp"

namespace vafa::app {
namespace {

using ::testing::HasSubstr;
using testing_support::AppFixture;
using testing_support::at;
using testing_support::kDay;

class CustomersTest : public AppFixture {};

TEST_F(CustomersTest, ANewCustomerEarnsTheSignupBonusOnceAndAnIdIsNotTakenTwice) {
  Customer mina{.id = "c1", .created_at = from_unix_seconds(now_)};
  mina.name = "Mina";
  const auto made = create_customer(context(), mina, std::nullopt);
  ASSERT_TRUE(made.has_value()) << made.error().message;
  EXPECT_EQ(made->customer.name, "Mina");
  EXPECT_EQ(made->points, 100);
  EXPECT_FALSE(made->referral.has_value());
  const auto again = create_customer(context(), mina, std::nullopt);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_EQ(balance("c1").available, 100);

  // An update keeps the first sighting unless told otherwise.
  Customer renamed{.id = "c1", .created_at = from_unix_seconds(now_ + kDay)};
  renamed.name = "Mina A.";
  auto updated = update_customer(context(), renamed, /*keep_created_at=*/true);
  ASSERT_TRUE(updated.has_value()) << updated.error().message;
  EXPECT_EQ(updated->name, "Mina A.");
  EXPECT_EQ(unix_seconds(updated->created_at), now_);
  EXPECT_EQ(update_customer(context(), Customer{.id = "c9"}, true).error().code,
            ErrorCode::not_found);
  expect_sound_ledger();
}

TEST_F(CustomersTest, AReferralIsCreditedByTheFirstQualifyingOrderAndVoidedWhenItComesBackWhole) {
  ASSERT_TRUE(create_customer(
      context(), Customer{.id = "ref", .created_at = from_unix_seconds(now_)}, std::nullopt));
  const std::int64_t ref_row = *store_->customer_row("ref").value();
  const auto code = club_->referral_code(*store_, ref_row, now_);
  ASSERT_TRUE(code.has_value()) << code.error().message;

  const auto made = create_customer(
      context(), Customer{.id = "new", .created_at = from_unix_seconds(now_)}, code->code);
  ASSERT_TRUE(made.has_value()) << made.error().message;
  ASSERT_TRUE(made->referral.has_value());
  EXPECT_EQ(made->referral->referrer_id, "ref");
  EXPECT_FALSE(made->referral->order_id.has_value());  // waiting for an order

  const auto bad_code = create_customer(
      context(), Customer{.id = "other", .created_at = from_unix_seconds(now_)}, "NO-SUCH");
  EXPECT_FALSE(bad_code.has_value());

  // Under the referral's minimum: no credit yet.
  const auto small =
      place_order(context(), order_of("S1", "new", {{"A", 1, 1000}}, now_), std::nullopt);
  ASSERT_TRUE(small.has_value()) << small.error().message;
  EXPECT_FALSE(small->rewards->referral.has_value());
  const std::int64_t before = balance("ref").available + balance("ref").pending;
  const auto big =
      place_order(context(), order_of("B1", "new", {{"A", 2, 3000}}, now_ + 60), std::nullopt);
  ASSERT_TRUE(big.has_value()) << big.error().message;
  ASSERT_TRUE(big->rewards->referral.has_value());
  EXPECT_EQ(balance("ref").available + balance("ref").pending, before + 500);

  // Half of it back: the referral stands. All of it: the referral's points go.
  const Timestamp later = from_unix_seconds(now_ + kDay);
  const auto half =
      return_units(context(), "B1", ReturnRequest{.returned_at = later, .lines = {{"A", 1}}});
  ASSERT_TRUE(half.has_value()) << half.error().message;
  EXPECT_EQ(half->referral_points_reversed, 0);
  const auto rest =
      return_units(context(), "B1", ReturnRequest{.returned_at = later, .lines = {{"A", 1}}});
  ASSERT_TRUE(rest.has_value()) << rest.error().message;
  EXPECT_GT(rest->referral_points_reversed.value_or(0), 0);
  EXPECT_EQ(balance("ref").available + balance("ref").pending, before);
  expect_sound_ledger();
}

TEST_F(CustomersTest, EventsThatEarnEarnOnceAndOthersAreOnlyRecorded) {
  add_customer("c1");
  Event review{
      .id = "e1", .customer_id = "c1", .type = "review", .occurred_at = from_unix_seconds(now_)};
  const auto recorded = record_event(context(), review);
  ASSERT_TRUE(recorded.has_value()) << recorded.error().message;
  EXPECT_EQ(recorded->points, 20);
  Event view{
      .id = "e2", .customer_id = "c1", .type = "page_view", .occurred_at = from_unix_seconds(now_)};
  const auto plain = record_event(context(), view);
  ASSERT_TRUE(plain.has_value()) << plain.error().message;
  EXPECT_FALSE(plain->points.has_value());
  EXPECT_EQ(store_->customer_events("c1").value().size(), 2U);
  EXPECT_EQ(balance("c1").available, 20);
  EXPECT_TRUE(event_earns("nps"));
  EXPECT_TRUE(event_earns("referral"));
  EXPECT_FALSE(event_earns("page_view"));

  view.customer_id = "nobody";
  const auto stranger = record_event(context(), view);
  ASSERT_FALSE(stranger.has_value());
  EXPECT_EQ(stranger.error().code, ErrorCode::not_found);
}

TEST_F(CustomersTest, ThePeriodicJobGivesTheBirthdayBonusOnceAYear) {
  Customer born{.id = "b1", .created_at = from_unix_seconds(now_)};
  born.birthday = std::chrono::year{1990} / 6 / 1;
  ASSERT_TRUE(store_->upsert_customer(born).has_value());
  add_customer("c2");
  const auto first = run_maintenance(context());
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->birthday_bonuses, 1);
  ASSERT_TRUE(first->due.has_value());
  EXPECT_EQ(balance("b1").available, 30);
  EXPECT_EQ(run_maintenance(context())->birthday_bonuses, 0);  // the same day again
  now_ = at(2027, 6, 1);
  EXPECT_EQ(run_maintenance(context())->birthday_bonuses, 1);  // a year later
  expect_sound_ledger();
}

TEST_F(CustomersTest, AdjustmentsNameWhoMadeThemAndTransfersNeedTwoCustomers) {
  add_customer("c1");
  add_customer("c2");
  const Actor admin{.name = "ana", .key = "k-1"};
  const auto added = adjust_points(context(), "c1", 300, "goodwill", admin);
  ASSERT_TRUE(added.has_value()) << added.error().message;
  EXPECT_EQ(added->points, 300);
  EXPECT_EQ(added->balance.available, 300);
  const auto history =
      store_->points_history(*store_->customer_row("c1").value(), 10, std::nullopt);
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), 1U);
  EXPECT_EQ(history->front().cause, "adjust:ana:k-1");
  EXPECT_EQ(history->front().note, "goodwill (by ana)");

  const auto same = transfer_points(context(), "c1", "c1", 10, admin);
  ASSERT_FALSE(same.has_value());
  EXPECT_EQ(same.error().code, ErrorCode::invalid_fields);
  EXPECT_EQ(same.error().fields.at(0).pointer, "/to");
  const auto moved =
      transfer_points(context(), "c1", "c2", 120, Actor{.name = "ana", .key = "k-2"});
  ASSERT_TRUE(moved.has_value()) << moved.error().message;
  EXPECT_EQ(moved->balance.available, 180);
  EXPECT_EQ(balance("c2").available, 120);
  EXPECT_EQ(transfer_points(context(), "c1", "c9", 1, admin).error().code, ErrorCode::not_found);
  expect_sound_ledger();
}

}  // namespace
}  // namespace vafa::app
