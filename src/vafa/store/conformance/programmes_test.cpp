// The conformance suite (fixture.hpp): referral codes and referrals, affiliates and their
// commission entries, returns linked to their orders, placed orders, birthdays.
#include "vafa/store/conformance/fixture.hpp"

namespace vafa::conformance {
namespace {

constexpr std::int64_t T = 1'700'000'000;

TEST_P(StoreConformance, ReferralCodesAndReferralsAreUniqueAndCarryTheirOrder) {
  const std::int64_t ali = add_customer("ali");
  const std::int64_t sara = add_customer("sara");
  const std::int64_t vahe = add_customer("vahe");
  EXPECT_FALSE(store_->referral_code_of(ali).value());
  ASSERT_TRUE(
      store_->put_referral_code(ReferralCode{.customer = ali, .code = "ALI10", .created_at = T}));
  EXPECT_EQ(
      store_->put_referral_code(ReferralCode{.customer = sara, .code = "ALI10", .created_at = T})
          .error()
          .code,
      ErrorCode::conflict);
  const auto code = store_->referral_code("ALI10").value();
  ASSERT_TRUE(code);
  EXPECT_EQ(code->customer, ali);
  EXPECT_EQ(code->customer_id, "ali");
  EXPECT_EQ(store_->referral_code_of(ali).value()->code, "ALI10");
  EXPECT_FALSE(store_->referral_code("NOPE").value());

  ASSERT_TRUE(
      store_->put_referral(Referral{.referee = sara, .referrer = ali, .code = "ALI10", .at = T}));
  ASSERT_TRUE(store_->put_referral(
      Referral{.referee = vahe, .referrer = ali, .code = "ALI10", .at = T + 1}));
  EXPECT_EQ(store_->put_referral(Referral{.referee = sara, .referrer = vahe, .code = "X", .at = T})
                .error()
                .code,
            ErrorCode::conflict);  // referred before
  const auto of_sara = store_->referral_of(sara).value();
  ASSERT_TRUE(of_sara);
  EXPECT_EQ(of_sara->referrer, ali);
  EXPECT_EQ(of_sara->referee_id, "sara");
  EXPECT_EQ(of_sara->referrer_id, "ali");
  EXPECT_FALSE(of_sara->order_id);
  EXPECT_FALSE(store_->referral_of(ali).value());
  EXPECT_EQ(store_->referrals_by(ali).value().size(), 2U);
  EXPECT_TRUE(store_->referrals_by(sara).value().empty());

  ASSERT_TRUE(store_->set_referral_order(sara, std::string("O9"), T + 5));
  const auto by_order = store_->referral_by_order("O9").value();
  ASSERT_TRUE(by_order);
  EXPECT_EQ(by_order->referee, sara);
  EXPECT_EQ(by_order->credited_at, T + 5);
  ASSERT_TRUE(store_->set_referral_order(sara, std::nullopt, std::nullopt));  // cleared
  EXPECT_FALSE(store_->referral_by_order("O9").value());
  EXPECT_FALSE(store_->referral_of(sara).value()->credited_at);
}

TEST_P(StoreConformance, AffiliatesAndTheirCommissionEntriesNetPerPeriod) {
  Affiliate blog{.code = "BLOG", .name = "A blog", .rate_bp = 500, .created_at = T};
  const std::int64_t id = store_->put_affiliate(blog).value();
  EXPECT_EQ(store_->put_affiliate(blog).error().code, ErrorCode::conflict);
  blog.id = id;
  blog.active = false;
  EXPECT_EQ(store_->put_affiliate(blog).value(), id);
  const auto read = store_->get_affiliate("BLOG").value();
  ASSERT_TRUE(read);
  EXPECT_FALSE(read->active);
  EXPECT_EQ(read->rate_bp, 500);
  EXPECT_FALSE(store_->get_affiliate("blog2").value());
  ASSERT_TRUE(store_->put_affiliate(Affiliate{.code = "PODCAST", .name = "P", .rate_bp = 0}));
  EXPECT_EQ(store_->affiliates().value().size(), 2U);

  const AffiliateEntry sale{.affiliate = id,
                            .order_id = "O1",
                            .kind = "order",
                            .cause = "order:O1",
                            .at = T,
                            .currency = "USD",
                            .sales_minor = 10'000,
                            .rate_bp = 500,
                            .commission_minor = 500};
  EXPECT_TRUE(store_->add_affiliate_entry(sale).value());
  EXPECT_FALSE(store_->add_affiliate_entry(sale).value());  // the cause exists
  AffiliateEntry refund = sale;
  refund.kind = "return";
  refund.cause = "return:O1-R1";
  refund.at = T + 10;
  refund.sales_minor = -2'000;
  refund.commission_minor = -100;
  EXPECT_TRUE(store_->add_affiliate_entry(refund).value());
  EXPECT_EQ(store_->affiliate_entries_of("O1").value().size(), 2U);
  EXPECT_TRUE(store_->affiliate_entries_of("O2").value().empty());

  const auto payable = store_->affiliate_payable(T, T + 100).value();
  ASSERT_EQ(payable.size(), 1U);
  EXPECT_EQ(payable[0].affiliate, "BLOG");
  EXPECT_EQ(payable[0].currency, "USD");
  EXPECT_EQ(payable[0].orders, 1);
  EXPECT_EQ(payable[0].returns, 1);
  EXPECT_EQ(payable[0].cancellations, 0);
  EXPECT_EQ(payable[0].sales_minor, 8'000);
  EXPECT_EQ(payable[0].commission_minor, 400);
  const auto later = store_->affiliate_payable(T + 1, T + 100).value();  // the return only
  ASSERT_EQ(later.size(), 1U);
  EXPECT_EQ(later[0].commission_minor, -100);
  EXPECT_TRUE(store_->affiliate_payable(T + 100, T + 200).value().empty());
}

TEST_P(StoreConformance, ReturnsLinkToTheirOrderAndPlacedOrdersCountOnlyPlaced) {
  const auto run = new_run();
  const std::int64_t c = add_customer("c1");
  ASSERT_TRUE(store_->put_order(make_order("O1", "c1", day(2024, 2, 1), {line("A", 3, 100)}), run));
  ASSERT_TRUE(store_->put_order(make_order("O2", "c1", day(2024, 2, 2), {line("A", 1, 100)}), run));
  ASSERT_TRUE(store_->set_order_status("O2", OrderStatus::cancelled));
  for (const char* id : {"O1-R1", "O1-R2"}) {
    Order doc = make_order(id, "c1", day(2024, 2, 3), {line("A", -1, 100)});
    doc.lines[0].amount_minor = -100;
    doc.status = OrderStatus::returned;
    ASSERT_TRUE(store_->put_order(doc, run));
    ASSERT_TRUE(store_->link_return(id, "O1"));
  }
  const auto returns = store_->returns_of("O1").value();
  ASSERT_EQ(returns.size(), 2U);
  EXPECT_EQ(returns[0].id, "O1-R1");  // oldest first
  EXPECT_EQ(returns[0].lines.at(0).quantity, -1);
  EXPECT_TRUE(store_->returns_of("O2").value().empty());
  EXPECT_EQ(store_->placed_orders(c).value(), 1);
  EXPECT_EQ(store_->set_order_status("O404", OrderStatus::cancelled).error().code,
            ErrorCode::not_found);
}

TEST_P(StoreConformance, CustomersBornOnAMonthAndDay) {
  using std::chrono::February;
  using std::chrono::March;
  const std::int64_t leap =
      add_customer("leap", Date{std::chrono::year{2000}, February, std::chrono::day{29}});
  add_customer("march", Date{std::chrono::year{1990}, March, std::chrono::day{1}});
  add_customer("unknown");
  EXPECT_EQ(store_->customers_born_on("02-29").value(), std::vector<std::int64_t>{leap});
  EXPECT_EQ(store_->customers_born_on("03-01").value().size(), 1U);
  EXPECT_TRUE(store_->customers_born_on("12-31").value().empty());
}

}  // namespace
}  // namespace vafa::conformance
