// The recommender on a small real store: what it recommends and why, what it never
// recommends, and that nothing after the split reaches training.
#include "vafa/recommend/engine.hpp"

#include <filesystem>

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vafa/store/testing.hpp"

namespace vafa::recommend {
namespace {

using std::chrono::seconds;
constexpr std::int64_t kDay = 86'400;
constexpr std::int64_t kStart = 20'000 * kDay;

class EngineTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vafa-recommend-" + std::to_string(::getpid()) + "-" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = open_test_store(dir_, "r");
    run_ = *store_->start_import("orders", "test", Timestamp{});
    const Currency usd = *Currency::parse("USD");
    const struct {
      const char* sku;
      const char* category;
      std::int64_t price;
      bool active;
    } products[] = {{"tea", "grocery", 500, true},           {"cups", "home", 1'200, true},
                    {"kettle", "home", 3'000, true},         {"kettle-pro", "home", 9'000, true},
                    {"honey", "grocery", 800, true},         {"old-mugs", "home", 900, false},
                    {"batteries", "electronics", 300, true}, {"novelty", "home", 2'000, true}};
    for (const auto& p : products) {
      ASSERT_TRUE(store_->upsert_product({.sku = p.sku,
                                          .name = p.sku,
                                          .category = p.category,
                                          .price = Money(p.price, usd),
                                          .active = p.active}));
    }
    for (const auto& [id, country] : {std::pair{"c1", "IR"},
                                      {"c2", "IR"},
                                      {"c3", "IR"},
                                      {"c4", "AM"},
                                      {"c5", "AM"},
                                      {"c6", "IR"},
                                      {"new", "AM"}}) {
      ASSERT_TRUE(store_->upsert_customer(
          {.id = id, .created_at = Timestamp{seconds{kStart}}, .country = country}));
    }
    // Tea and cups go together (and old mugs with them, now out of the catalogue); the kettle
    // goes with cups; batteries are bought by everyone in Armenia.
    order("c1", 1, {"tea", "cups", "old-mugs"});
    order("c2", 2, {"tea", "cups"});
    order("c3", 3, {"tea", "cups", "kettle"});
    order("c4", 4, {"cups", "kettle", "batteries"});
    order("c5", 5, {"batteries", "honey", "kettle-pro"});
    order("c6", 6, {"tea", "old-mugs"});
    order("c6", 7, {"honey"});
    returned("c6", 8, "cups");  // c6 returned cups: never offered again
    // After the split (day 100): only here is "novelty" bought, with tea.
    order("c1", 120, {"novelty", "tea"});
    order("c2", 121, {"novelty", "honey"});
    order("c3", 122, {"novelty"});
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void order(const std::string& customer, std::int64_t day, std::vector<std::string> skus,
             OrderStatus status = OrderStatus::placed, std::int64_t quantity = 1) {
    Order o{.id = "O" + std::to_string(++n_),
            .customer_id = customer,
            .placed_at = Timestamp{seconds{kStart + day * kDay}},
            .currency = *Currency::parse("USD"),
            .status = status};
    for (auto& sku : skus) {
      o.lines.push_back(
          {.product_sku = std::move(sku), .quantity = quantity, .amount_minor = 100 * quantity});
    }
    ASSERT_TRUE(store_->put_order(o, run_));
  }
  void returned(const std::string& customer, std::int64_t day, std::string sku) {
    order(customer, day, {std::move(sku)}, OrderStatus::returned, -1);
  }
  std::uint32_t product(const Shop& shop, std::string_view sku) {
    return static_cast<std::uint32_t>(std::ranges::find(shop.skus, sku) - shop.skus.begin());
  }
  std::uint32_t customer(const Shop& shop, std::string_view id) {
    const std::int64_t row = store_->customer_row(id).value().value();
    return static_cast<std::uint32_t>(std::ranges::find(shop.customer_rows, row) -
                                      shop.customer_rows.begin());
  }
  std::vector<std::string> skus(const Shop& shop, const std::vector<Recommendation>& recs) {
    std::vector<std::string> out;
    for (const Recommendation& r : recs) out.push_back(shop.skus[r.product]);
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::int64_t run_ = 0;
  int n_ = 0;
};

const EngineOptions kOptions{.model = {.min_support = 1}, .k = 5};

TEST_F(EngineTest, SimilarFirstWithTheirCauseThenUpsellCategoryAndPopular) {
  auto shop = load_shop(*store_, kStart + 100 * kDay);
  ASSERT_TRUE(shop.has_value()) << shop.error().message;
  EXPECT_EQ(shop->test.size(), 5U);  // the lines after the split
  auto engine = Engine::train(*shop, kOptions);
  ASSERT_TRUE(engine.has_value()) << engine.error().message;

  // c2 bought tea and cups: the kettle comes with cups (c3, c4), and as the up-sell the pricier
  // kettle of the same category.
  const auto recs = engine->recommend(customer(*shop, "c2"));
  ASSERT_GE(recs.size(), 3U);
  EXPECT_EQ(shop->skus[recs[0].product], "kettle");
  EXPECT_EQ(recs[0].reason, Reason::similar);
  ASSERT_TRUE(recs[0].because.has_value());
  EXPECT_EQ(shop->skus[*recs[0].because], "cups");
  const auto upsell = std::ranges::find(recs, Reason::upsell, &Recommendation::reason);
  ASSERT_NE(upsell, recs.end());
  EXPECT_EQ(shop->skus[upsell->product], "kettle-pro");
  const auto names = skus(*shop, recs);
  EXPECT_THAT(names, testing::Not(testing::Contains("tea")));       // bought
  EXPECT_THAT(names, testing::Not(testing::Contains("old-mugs")));  // out of the catalogue
  EXPECT_THAT(names, testing::Not(testing::Contains("novelty")));   // only sold after the split
  // Every other product in the catalogue and sold before the split: kettle, kettle-pro, honey,
  // batteries (filled up from categories and popularity).
  EXPECT_EQ(recs.size(), 4U);

  // c6 returned the cups: tea's best neighbour, but never offered to c6.
  EXPECT_THAT(skus(*shop, engine->recommend(customer(*shop, "c6"))),
              testing::Not(testing::Contains("cups")));
  // A customer without purchases gets what is popular in their country (batteries in AM).
  const auto cold = engine->recommend(customer(*shop, "new"));
  ASSERT_FALSE(cold.empty());
  EXPECT_EQ(shop->skus[cold[0].product], "batteries");
  EXPECT_EQ(cold[0].reason, Reason::popular);
  // The popularity baseline leaves out what the customer bought.
  EXPECT_THAT(skus(*shop, engine->popular_for(customer(*shop, "c2"))),
              testing::Not(testing::Contains("cups")));
}

TEST_F(EngineTest, NothingAfterTheSplitReachesTraining) {
  auto before = load_shop(*store_, kStart + 100 * kDay);
  ASSERT_TRUE(before.has_value());
  for (const Purchase& p : before->train) EXPECT_LT(p.at, kStart + 100 * kDay);
  auto engine = Engine::train(*before, kOptions);
  ASSERT_TRUE(engine.has_value());
  const std::uint32_t novelty = product(*before, "novelty");
  EXPECT_EQ(engine->model().buyers(novelty), 0U);
  EXPECT_TRUE(engine->model().neighbours(novelty).empty());
  for (std::uint32_t c = 0; c < before->customers(); ++c) {
    EXPECT_THAT(skus(*before, engine->recommend(c)), testing::Not(testing::Contains("novelty")));
  }
  // Without a split everything trains, and novelty becomes tea's neighbour.
  auto all = load_shop(*store_, std::nullopt);
  ASSERT_TRUE(all.has_value());
  EXPECT_TRUE(all->test.empty());
  auto full = Engine::train(*all, kOptions);
  ASSERT_TRUE(full.has_value());
  EXPECT_EQ(full->model().buyers(product(*all, "novelty")), 3U);
}

TEST_F(EngineTest, RefusesBadOptions) {
  auto shop = load_shop(*store_, std::nullopt);
  ASSERT_TRUE(shop.has_value());
  EXPECT_FALSE(Engine::train(*shop, {.k = 0}));
  EXPECT_FALSE(Engine::train(*shop, {.half_life_days = 0}));
}

}  // namespace
}  // namespace vafa::recommend
