// The loyalty club: configuration errors with where, exact earning (rate, unit, multipliers,
// campaigns, minimum, caps), and the ledger through earn, mature, expire, reverse and adjust,
// checked to balance after every step and to be safe to repeat.
#include "vafa/loyalty/club.hpp"

#include <filesystem>
#include <map>

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vafa/store/testing.hpp"

namespace vafa::loyalty {
namespace {

using ::testing::HasSubstr;

constexpr std::int64_t kDay = 86'400;

std::int64_t at(int y, unsigned m, unsigned d) {
  return unix_seconds(std::chrono::sys_days{std::chrono::year{y} / m / d});
}

Config config_of(std::string_view toml) {
  auto config = parse_config(toml, "vafa.toml");
  EXPECT_TRUE(config.has_value()) << config.error().message;
  return config.value_or(Config{});
}

// Each (text, message): a [loyalty] table in AMD with `text` added is refused with `message`.
void expect_refused(const std::vector<std::pair<std::string, std::string>>& cases) {
  for (const auto& [text, message] : cases) {
    const auto parsed = parse_config("[loyalty]\ncurrency = \"AMD\"\n" + text, "vafa.toml");
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_THAT(parsed.error().message, HasSubstr(message)) << text;
  }
}

Order order_of(std::string id, std::string customer, std::int64_t placed,
               std::vector<std::pair<std::string, std::int64_t>> lines,
               std::string currency = "AMD") {
  Order order{.id = std::move(id),
              .customer_id = std::move(customer),
              .currency = *Currency::parse(currency)};
  order.channel = Channel::web;
  order.placed_at = from_unix_seconds(placed);
  for (auto& [sku, amount] : lines) {
    order.lines.push_back(OrderLine{.product_sku = sku, .quantity = 1, .amount_minor = amount});
  }
  return order;
}

TEST(LoyaltyConfig, ReadsEverySettingAndNamesTheLineOfAMistake) {
  const Config c = config_of(R"(
[loyalty]
currency = "AMD"
points_per_unit = 1
unit = "100"          # one point per 100 dram
minimum_order = "5000"
max_points_per_order = 1000
max_points_per_day = 1500
pending_days = 14
multipliers.category = { books = 200 }
multipliers.channel = { app = 150 }
bonus = { signup = 100, review = 20 }
expiry = { policy = "period_end", period = "year", periods_after = 1 }

[[loyalty.campaign]]
name = "Yalda"
start = 2026-12-15
end = 2026-12-22
percent = 300
categories = ["books"]
)");
  EXPECT_TRUE(c.enabled);
  EXPECT_EQ(c.currency.code(), "AMD");
  EXPECT_EQ(c.unit_minor, 10000);  // AMD has two minor digits
  EXPECT_EQ(c.minimum_order_minor, 500000);
  EXPECT_EQ(c.category_percent.at("books"), 200);
  EXPECT_EQ(c.channel_percent.at(Channel::app), 150);
  EXPECT_EQ(c.bonus.at("signup"), 100);
  ASSERT_EQ(c.campaigns.size(), 1U);
  EXPECT_EQ(unix_seconds(c.campaigns[0].start), at(2026, 12, 15));
  // Period end: earned in 2026, gone at the start of 2028 (the end of the next year).
  EXPECT_EQ(expiry_of(c, at(2026, 3, 4)), at(2028, 1, 1));
  EXPECT_EQ(c.to_json()["expiry"]["policy"], "period_end");

  EXPECT_FALSE(config_of("[other]\nx = 1\n").enabled);
  const auto cases = std::vector<std::pair<std::string, std::string>>{
      {"[loyalty]\ncurrency = \"AMD\"\npoints_per_unit = \"1\"\n",
       "vafa.toml:3:19: loyalty.points_per_unit: must be a whole number"},
      {"[loyalty]\ncurrency = \"AMD\"\npending_dayz = 3\n",
       "vafa.toml:3:16: loyalty.pending_dayz: unknown setting"},
      {"[loyalty]\npoints_per_unit = 1\n", "loyalty.currency is required"},
      {"[loyalty]\ncurrency = \"XYZ\"\n", "XYZ"},
      {"[loyalty]\ncurrency = \"AMD\"\nunit = \"0.001\"\n", "loyalty.unit"},
      {"[loyalty]\ncurrency = \"AMD\"\nexpiry = { policy = \"sometimes\" }\n", "sometimes"},
      {"[loyalty]\ncurrency = \"AMD\"\nbonus = { birthday = -5 }\n", "must be from 0"},
      {"[loyalty]\ncurrency = \"AMD\"\n[[loyalty.campaign]]\nstart = 2026-01-02\nend = "
       "2026-01-01\n",
       "must be after start"},
      {"[loyalty\n", "vafa.toml:1:"},
  };
  for (const auto& [text, message] : cases) {
    const auto parsed = parse_config(text, "vafa.toml");
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::invalid_argument);
    EXPECT_THAT(parsed.error().message, HasSubstr(message)) << text;
  }
}

TEST(LoyaltyEarning, IsExactWithMultipliersCampaignsMinimumAndCaps) {
  const Club club(config_of(R"(
[loyalty]
currency = "USD"
points_per_unit = 3      # 3 points per whole dollar
minimum_order = "10.00"
max_points_per_order = 500
multipliers.category = { books = 200 }
[[loyalty.campaign]]
start = 2026-12-15
end = 2026-12-22
percent = 150
categories = ["music"]
)"));
  auto category = [](std::string_view sku) { return std::string(sku.substr(0, sku.find('-'))); };
  // 19.99 books (x2) + 5.01 other: (39.98 + 5.01) x 3 = 134.97 -> 134 points.
  Earning e = club.points_for(
      order_of("o1", "c", at(2026, 3, 1), {{"books-1", 1999}, {"x-1", 501}}, "USD"), category);
  EXPECT_EQ(e.points, 134);
  EXPECT_EQ(e.per_line, (std::vector<std::int64_t>{119, 15}));  // in proportion, summing to 134
  // Campaign on music only, in its window.
  e = club.points_for(order_of("o2", "c", at(2026, 12, 16), {{"music-1", 2000}}, "USD"), category);
  EXPECT_EQ(e.points, 90);
  e = club.points_for(order_of("o3", "c", at(2026, 12, 22), {{"music-1", 2000}}, "USD"), category);
  EXPECT_EQ(e.points, 60);  // the end is exclusive
  e = club.points_for(order_of("o4", "c", at(2026, 3, 1), {{"x-1", 999}}, "USD"), category);
  EXPECT_EQ(e.points, 0);
  EXPECT_THAT(e.note, HasSubstr("minimum"));
  e = club.points_for(order_of("o5", "c", at(2026, 3, 1), {{"books-1", 100000}}, "USD"), category);
  EXPECT_EQ(e.points, 500);
  EXPECT_THAT(e.note, HasSubstr("capped"));
  e = club.points_for(order_of("o6", "c", at(2026, 3, 1), {{"x-1", 100000}}, "EUR"), category);
  EXPECT_EQ(e.points, 0);
  EXPECT_THAT(e.note, HasSubstr("EUR"));
}

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vafa-loyalty-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = open_test_store(dir_, "l");
    run_ = store_->start_import("api", "test", from_unix_seconds(at(2026, 1, 1))).value();
    ASSERT_TRUE(store_->upsert_customer(
        Customer{.id = "ani", .created_at = from_unix_seconds(at(2026, 1, 1))}));
    customer_ = *store_->customer_row("ani").value();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Places an order of `amount` dram and earns on it, as the API does.
  std::int64_t order(const Club& club, const std::string& id, std::int64_t placed,
                     std::int64_t amount) {
    const Order o = order_of(id, "ani", placed, {{"tea", amount}});
    EXPECT_TRUE(store_->put_order(o, run_));
    return club.earn_for_order(*store_, o, placed).value();
  }
  PointsBalance balance() { return store_->points_balance(customer_).value(); }
  void expect_sound() { EXPECT_EQ(store_->check_points().value().problems(), ""); }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::int64_t run_ = 0;
  std::int64_t customer_ = 0;
};

TEST_F(LedgerTest, PointsArePendingThenAvailableThenExpireOnceFirstInFirstOut) {
  const Club club(config_of(R"(
[loyalty]
currency = "AMD"
unit = "100"
pending_days = 14
expiry = { policy = "rolling", days = 365, notice_days = 30 }
)"));
  EXPECT_EQ(order(club, "o1", at(2026, 1, 10), 1'000'00), 10);
  EXPECT_EQ(order(club, "o1", at(2026, 1, 10), 1'000'00), 0);  // earned once per order
  EXPECT_EQ(order(club, "o2", at(2026, 2, 1), 2'500'00), 25);
  EXPECT_EQ(balance().pending, 35);
  EXPECT_EQ(balance().available, 0);
  expect_sound();

  // Jobs are safe to run twice.
  DueSummary due = club.run_due(*store_, at(2026, 1, 24)).value();
  EXPECT_EQ(due.matured_points, 10);
  EXPECT_EQ(club.run_due(*store_, at(2026, 1, 24)).value().matured_points, 0);
  EXPECT_EQ(balance().pending, 25);
  EXPECT_EQ(balance().available, 10);
  expect_sound();

  // Spend 12: the first lot (10) then 2 of the second, once it is available.
  club.run_due(*store_, at(2026, 2, 20)).value();
  EXPECT_EQ(club.adjust(*store_, customer_, -12, "gift card", "adjust:1", at(2026, 3, 1)).value(),
            -12);
  EXPECT_EQ(club.adjust(*store_, customer_, -12, "gift card", "adjust:1", at(2026, 3, 1)).value(),
            0);
  EXPECT_EQ(balance().available, 23);
  const Balance soon = club.balance(*store_, customer_, at(2027, 1, 15)).value();
  EXPECT_EQ(soon.expiring_soon, 23);  // the second lot expires 2027-02-01
  EXPECT_EQ(soon.next_expiry_at, at(2026, 2, 1) + 365 * kDay);

  due = club.run_due(*store_, at(2027, 3, 1)).value();
  EXPECT_EQ(due.expired_points, 23);
  EXPECT_EQ(due.expired_lots, 1);  // the first lot was spent before it expired
  EXPECT_EQ(balance().available, 0);
  EXPECT_EQ(balance().expired, 23);
  EXPECT_EQ(balance().earned, 35);
  EXPECT_EQ(club.run_due(*store_, at(2027, 3, 1)).value().expired_points, 0);
  expect_sound();
  const auto history = store_->points_history(customer_, 100, std::nullopt).value();
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.front().kind, "expire");
  EXPECT_EQ(history.back().kind, "earn");
}

TEST_F(LedgerTest, CancellingTakesBackPendingOrSpentPointsAsConfigured) {
  const Club strict(config_of("[loyalty]\ncurrency = \"AMD\"\nunit = \"100\"\npending_days = 0\n"));
  EXPECT_EQ(order(strict, "o1", at(2026, 1, 10), 1'000'00), 10);  // no window: available now
  EXPECT_EQ(order(strict, "o2", at(2026, 1, 11), 500'00), 5);
  EXPECT_EQ(balance().available, 15);
  ASSERT_EQ(
      strict.adjust(*store_, customer_, -12, "redeemed at the till", "adjust:a", at(2026, 1, 12))
          .value(),
      -12);
  // o1's 10 were spent; 3 are left (all from o2). Taking back o1 takes those 3 and writes off 7.
  EXPECT_EQ(strict.reverse_order(*store_, "o1", at(2026, 1, 13)).value(), 3);
  EXPECT_EQ(balance().available, 0);
  EXPECT_EQ(strict.reverse_order(*store_, "o1", at(2026, 1, 13)).value(), 0);  // once
  const auto reversal = store_->points_txn("reverse", "order:o1").value();
  ASSERT_TRUE(reversal.has_value());
  EXPECT_THAT(reversal->note, HasSubstr("7 points already spent"));
  EXPECT_FALSE(strict.adjust(*store_, customer_, -1, "x", "adjust:b", at(2026, 1, 14)).has_value());
  expect_sound();

  // With allow_negative the spent points drive the balance below zero.
  const Club lenient(
      config_of("[loyalty]\ncurrency = \"AMD\"\nunit = \"100\"\nallow_negative = true\n"));
  EXPECT_EQ(order(lenient, "o3", at(2026, 2, 1), 2'000'00), 20);
  ASSERT_TRUE(lenient.adjust(*store_, customer_, -20, "spent", "adjust:c", at(2026, 2, 2)));
  EXPECT_EQ(lenient.reverse_order(*store_, "o3", at(2026, 2, 3)).value(), 20);
  EXPECT_EQ(balance().available, -20);
  expect_sound();

  // Pending points are simply taken back.
  const Club waiting(
      config_of("[loyalty]\ncurrency = \"AMD\"\nunit = \"100\"\npending_days = 30\n"));
  EXPECT_EQ(order(waiting, "o4", at(2026, 3, 1), 700'00), 7);
  EXPECT_EQ(balance().pending, 7);
  EXPECT_EQ(waiting.reverse_order(*store_, "o4", at(2026, 3, 2)).value(), 7);
  EXPECT_EQ(balance().pending, 0);
  EXPECT_EQ(waiting.run_due(*store_, at(2026, 5, 1)).value().matured_points, 0);
  expect_sound();
}

TEST_F(LedgerTest, DailyCapAndBonusesAreHonouredOnce) {
  const Club club(config_of(R"(
[loyalty]
currency = "AMD"
unit = "100"
max_points_per_day = 15
bonus = { signup = 50, review = 5 }
)"));
  EXPECT_EQ(order(club, "o1", at(2026, 1, 10) + 3600, 1'000'00), 10);
  EXPECT_EQ(order(club, "o2", at(2026, 1, 10) + 7200, 1'000'00), 5);  // 15 a day
  EXPECT_EQ(order(club, "o3", at(2026, 1, 10) + 9000, 1'000'00), 0);
  EXPECT_EQ(order(club, "o4", at(2026, 1, 11) + 60, 1'000'00), 10);  // a new day
  EXPECT_EQ(club.bonus(*store_, customer_, "signup", "signup:ani", at(2026, 1, 1)).value(), 50);
  EXPECT_EQ(club.bonus(*store_, customer_, "signup", "signup:ani", at(2026, 1, 1)).value(), 0);
  EXPECT_EQ(club.bonus(*store_, customer_, "review", "event:r1", at(2026, 1, 2)).value(), 5);
  EXPECT_EQ(club.bonus(*store_, customer_, "nps", "event:n1", at(2026, 1, 2)).value(),
            0);  // none set
  EXPECT_EQ(balance().available, 25 + 55);
  EXPECT_EQ(balance().earned, 80);
  expect_sound();
}

TEST_F(LedgerTest, TiersUpgradeAtOnceAndDowngradeOnlyAtAReviewAfterTheGrace) {
  const Club club(config_of(R"(
[loyalty]
currency = "AMD"
unit = "100"
[loyalty.tiers]
measure = "points"
window_days = 365
review = "quarter"
grace_days = 30
[[loyalty.tier]]
name = "gold"
threshold = 100
percent = 150
priority_support = true
gift = "welcome"
[[loyalty.tier]]
name = "member"
threshold = 0
[[loyalty.tier]]
name = "inner-circle"
invitation_only = true
percent = 200
)"));
  ASSERT_TRUE(store_->put_reward(
      Reward{.code = "welcome", .name = "Welcome box", .cost = 1, .stock = 1, .created_at = 0}));
  EXPECT_EQ(order(club, "o1", at(2026, 1, 10), 5'000'00), 50);
  TierView view = club.tier(*store_, customer_, at(2026, 1, 10)).value();
  EXPECT_EQ(view.tier->name, "member");
  EXPECT_EQ(view.next->name, "gold");
  EXPECT_EQ(view.to_next, 50);

  EXPECT_EQ(order(club, "o2", at(2026, 1, 20), 6'000'00), 60);  // 110: gold at once
  view = club.tier(*store_, customer_, at(2026, 1, 20)).value();
  EXPECT_EQ(view.tier->name, "gold");
  EXPECT_TRUE(view.tier->priority_support);
  EXPECT_EQ(view.next, nullptr);
  const auto gifts = store_->redemptions_of(customer_).value();
  ASSERT_EQ(gifts.size(), 1U);  // the tier's free gift
  EXPECT_EQ(gifts[0].points, 0);
  EXPECT_EQ(*store_->get_reward("welcome").value()->stock, 0);
  EXPECT_EQ(order(club, "o3", at(2026, 1, 25), 1'000'00), 15);  // gold earns 150%

  // Cancelling o2 leaves 65 points in the window: below gold, but no downgrade before a review
  // date, and none at a review within the grace period.
  ASSERT_TRUE(club.reverse_order(*store_, "o2", at(2026, 3, 20)));
  ASSERT_TRUE(club.review_tier(*store_, customer_, at(2026, 3, 20), false));
  EXPECT_EQ(club.tier(*store_, customer_, at(2026, 3, 20)).value().tier->name, "gold");
  EXPECT_EQ(club.review_tiers(*store_, at(2026, 4, 2)).value(), 0);  // Q2's review: 13 days in
  EXPECT_EQ(club.tier(*store_, customer_, at(2026, 4, 2)).value().tier->name, "gold");
  EXPECT_EQ(club.review_tiers(*store_, at(2026, 5, 30)).value(), 0);  // Q2 was reviewed already
  EXPECT_EQ(club.review_tiers(*store_, at(2026, 7, 1)).value(), 1);   // Q3: past the grace
  view = club.tier(*store_, customer_, at(2026, 7, 1)).value();
  EXPECT_EQ(view.tier->name, "member");
  EXPECT_EQ(view.value, 65);

  // An invitation puts the customer in a tier no threshold reaches, and reviews keep it.
  const TierChange invited =
      club.set_tier(*store_, customer_, std::string("inner-circle"), at(2026, 7, 2)).value();
  EXPECT_EQ(invited.from, "member");
  EXPECT_EQ(club.review_tiers(*store_, at(2026, 10, 1)).value(), 0);
  EXPECT_EQ(club.tier(*store_, customer_, at(2026, 10, 1)).value().tier->name, "inner-circle");
  EXPECT_EQ(order(club, "o4", at(2026, 10, 2), 1'000'00), 20);  // 200%
  ASSERT_TRUE(club.set_tier(*store_, customer_, std::nullopt, at(2026, 10, 3)));
  EXPECT_EQ(club.tier(*store_, customer_, at(2026, 10, 3)).value().tier->name, "member");
  EXPECT_FALSE(club.set_tier(*store_, customer_, std::string("platinum"), at(2026, 10, 3)));
  const auto history = store_->tier_history(customer_).value();
  ASSERT_EQ(history.size(), 5U);  // joined, gold, member, inner-circle, member
  EXPECT_EQ(history[1].to, "gold");
  EXPECT_THAT(history[1].reason, HasSubstr("gift 'welcome' voucher VF-"));
  EXPECT_THAT(history[2].reason, HasSubstr("below 100 since 2026-03-20"));
  expect_sound();
}

TEST(LoyaltyConfig, TiersAreChecked) {
  expect_refused({
      {"[[loyalty.tier]]\nname = \"a\"\n", "threshold: is required"},
      {"[[loyalty.tier]]\nname = \"a\"\nthreshold = 0\n[[loyalty.tier]]\nname = "
       "\"a\"\nthreshold = 5\n",
       "named twice"},
      {"[[loyalty.tier]]\nname = \"vip\"\ninvitation_only = true\n", "open to all"},
      {"[loyalty.tiers]\nmeasure = \"spend\"\n[[loyalty.tier]]\nname = \"a\"\nthreshold = 5\n",
       "as text"},
      {"[loyalty.tiers]\nreview = \"weekly\"\n", "month, quarter or year"},
  });
  const Config spend = config_of(R"(
[loyalty]
currency = "USD"
tiers = { measure = "spend", window_days = 180 }
[[loyalty.tier]]
name = "base"
threshold = "0"
[[loyalty.tier]]
name = "silver"
threshold = "500.00"
)");
  EXPECT_EQ(spend.tier("silver")->threshold, 50000);
  EXPECT_EQ(spend.base_tier()->name, "base");
}

TEST(LoyaltyConfig, ReferralsAndGiftsAreChecked) {
  expect_refused({
      {"[loyalty.referral]\nreferrer = -5\n", "loyalty.referral.referrer: must be from 0"},
      {"[loyalty.referral]\nbonus = 5\n", "unknown setting"},
      {"[loyalty.referral]\nminimum_order = \"lots\"\n", "not an amount of AMD"},
      {"[[loyalty.gift]]\nname = \"a\"\n", "reward: is required"},
      {"[[loyalty.gift]]\nreward = \"r\"\n[[loyalty.gift]]\nreward = \"r\"\n", "named twice"},
      {"[[loyalty.gift]]\nreward = \"r\"\nname = \"a:b\"\n", "without ':'"},
      {"[[loyalty.gift]]\nreward = \"r\"\nchannels = [\"fax\"]\n", "loyalty.gift[0].channels"},
      {"[[loyalty.gift]]\nreward = \"r\"\nstart = 2026-02-01\nend = 2026-01-01\n",
       "must be after start"},
  });
  const Config c = config_of(R"(
[loyalty]
currency = "AMD"
minimum_order = "1000"
referral = { referrer = 500, referee = 200 }
[[loyalty.gift]]
reward = "mug"
minimum_order = "20000"
)");
  EXPECT_TRUE(c.referral.enabled);
  EXPECT_EQ(c.referral.minimum_order_minor, 1000'00);  // the club's minimum unless given
  ASSERT_EQ(c.gifts.size(), 1U);
  EXPECT_EQ(c.gifts[0].name, "mug");
  EXPECT_EQ(c.gifts[0].minimum_order_minor, 20000'00);
}

TEST_F(LedgerTest, TransfersMoveTheOldestPointsWithTheirExpiry) {
  const Club club(config_of(R"(
[loyalty]
currency = "AMD"
unit = "100"
expiry = { policy = "rolling", days = 365 }
)"));
  ASSERT_TRUE(store_->upsert_customer(Customer{.id = "aram", .created_at = from_unix_seconds(0)}));
  const std::int64_t aram = *store_->customer_row("aram").value();
  EXPECT_EQ(order(club, "o1", at(2026, 1, 10), 1'000'00), 10);
  EXPECT_EQ(order(club, "o2", at(2026, 6, 10), 2'000'00), 20);
  EXPECT_EQ(club.transfer(*store_, customer_, aram, 15, "t1", at(2026, 7, 1)).value(), 15);
  EXPECT_EQ(club.transfer(*store_, customer_, aram, 15, "t1", at(2026, 7, 1)).value(), 0);
  EXPECT_EQ(balance().available, 15);
  const auto lots = store_->open_lots(aram).value();
  ASSERT_EQ(lots.size(), 2U);  // 10 expiring a year after January, 5 a year after June
  std::map<std::int64_t, std::int64_t> by_expiry;
  for (const PointsLot& lot : lots) by_expiry[*lot.expires_at] = lot.remaining;
  EXPECT_EQ(by_expiry[at(2026, 1, 10) + 365 * kDay], 10);
  EXPECT_EQ(by_expiry[at(2026, 6, 10) + 365 * kDay], 5);
  EXPECT_EQ(club.transfer(*store_, customer_, aram, 16, "t2", at(2026, 7, 1)).error().code,
            ErrorCode::conflict);
  EXPECT_EQ(club.transfer(*store_, customer_, customer_, 1, "t3", at(2026, 7, 1)).error().code,
            ErrorCode::invalid_argument);
  // What aram received expires on its own dates.
  EXPECT_EQ(club.run_due(*store_, at(2027, 2, 1)).value().expired_points, 10);
  expect_sound();
}

}  // namespace
}  // namespace vafa::loyalty
