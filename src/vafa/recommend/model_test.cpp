// The item-to-item model on hand-made baskets whose neighbours are worked out by hand.
#include "vafa/recommend/model.hpp"

#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vafa::recommend {
namespace {

constexpr std::int64_t kDay = 86'400;

// Products: 0 tea, 1 cups, 2 kettle, 3 honey, 4 batteries (bought by everyone), 5 a rare gift.
std::vector<Purchase> shop() {
  std::vector<Purchase> p;
  std::uint32_t basket = 0;
  auto buy = [&](std::uint32_t customer, std::int64_t day, std::vector<std::uint32_t> items) {
    ++basket;
    for (const std::uint32_t item : items) p.push_back({customer, item, basket, day * kDay});
  };
  buy(0, 10, {0, 1, 4});  // tea and cups together
  buy(1, 10, {0, 1});
  buy(1, 40, {4});
  buy(2, 5, {0});
  buy(2, 50, {1, 4});  // tea, then cups 45 days later: co-purchase, not together
  buy(3, 1, {0, 2});
  buy(3, 900, {3});  // honey long after: outside a 365-day window
  buy(4, 20, {2, 4});
  buy(5, 30, {4, 5});
  buy(5, 31, {4});  // a repeat of batteries: one buyer, no self-pair
  return p;
}

const Neighbour* find(std::span<const Neighbour> list, std::uint32_t product) {
  for (const Neighbour& n : list) {
    if (n.product == product) return &n;
  }
  return nullptr;
}

TEST(ItemModel, CosineOverBuyersWithinTheWindowWithSupportAndTogether) {
  auto model = ItemModel::train(shop(), 6, {.window_days = 365, .min_support = 1, .alpha = 0.5});
  ASSERT_TRUE(model.has_value()) << model.error().message;
  // Buyers: tea 4 (0,1,2,3), cups 3 (0,1,2), kettle 2 (3,4), honey 1, batteries 5, gift 1.
  EXPECT_EQ(model->buyers(0), 4U);
  EXPECT_EQ(model->buyers(1), 3U);
  EXPECT_EQ(model->buyers(4), 5U);

  // tea-cups: customers 0, 1, 2 -> support 3, together 2 (customer 2 bought them apart);
  // cosine 3 / sqrt(4 * 3).
  const Neighbour* cups = find(model->neighbours(0), 1);
  ASSERT_NE(cups, nullptr);
  EXPECT_EQ(cups->support, 3U);
  EXPECT_EQ(cups->together, 2U);
  EXPECT_FLOAT_EQ(cups->score, static_cast<float>(3 / std::sqrt(12.0)));
  // Symmetric.
  const Neighbour* tea = find(model->neighbours(1), 0);
  ASSERT_NE(tea, nullptr);
  EXPECT_FLOAT_EQ(tea->score, cups->score);
  // tea-batteries: customers 0, 1, 2 -> 3 / sqrt(4 * 5): below cups, popular as batteries are.
  const Neighbour* batteries = find(model->neighbours(0), 4);
  ASSERT_NE(batteries, nullptr);
  EXPECT_LT(batteries->score, cups->score);
  EXPECT_EQ(model->neighbours(0).front().product, 1U);  // cups first for tea
  // Honey came 899 days after tea and kettle: no pair.
  EXPECT_TRUE(model->neighbours(3).empty());
  // The gift: one buyer with batteries -> 1 / sqrt(1 * 5).
  ASSERT_EQ(model->neighbours(5).size(), 1U);
  EXPECT_FLOAT_EQ(model->neighbours(5)[0].score, static_cast<float>(1 / std::sqrt(5.0)));
  EXPECT_EQ(find(model->neighbours(4), 4), nullptr);  // never its own neighbour
}

TEST(ItemModel, AsymmetricCosineFavoursPopularNeighbours) {
  // alpha 0.8: tea (4 buyers) -> cups (3): 3 / (4^0.8 * 3^0.2); cups -> tea: 3 / (3^0.8 * 4^0.2).
  auto model = ItemModel::train(shop(), 6, {.min_support = 1, .alpha = 0.8});
  ASSERT_TRUE(model.has_value());
  EXPECT_FLOAT_EQ(find(model->neighbours(0), 1)->score,
                  static_cast<float>(3 / (std::pow(4.0, 0.8) * std::pow(3.0, 0.2))));
  EXPECT_FLOAT_EQ(find(model->neighbours(1), 0)->score,
                  static_cast<float>(3 / (std::pow(3.0, 0.8) * std::pow(4.0, 0.2))));
  // alpha 1 is P(b | a): for the gift's one buyer, batteries are certain.
  auto conditional = ItemModel::train(shop(), 6, {.min_support = 1, .alpha = 1.0});
  ASSERT_TRUE(conditional.has_value());
  EXPECT_FLOAT_EQ(conditional->neighbours(5)[0].score, 1.0F);
}

TEST(ItemModel, MinimumSupportWindowAndNeighbourLimit) {
  auto strict = ItemModel::train(shop(), 6, {.window_days = 365, .min_support = 2});
  ASSERT_TRUE(strict.has_value());
  EXPECT_EQ(find(strict->neighbours(5), 4), nullptr);  // support 1: dropped
  EXPECT_NE(find(strict->neighbours(0), 1), nullptr);
  // A 30-day window: customer 2's tea (day 5) and cups (day 50) no longer co-occur.
  auto month = ItemModel::train(shop(), 6, {.window_days = 30, .min_support = 1});
  ASSERT_TRUE(month.has_value());
  EXPECT_EQ(find(month->neighbours(0), 1)->support, 2U);
  auto wide = ItemModel::train(shop(), 6, {.window_days = 1'000, .min_support = 1});
  ASSERT_TRUE(wide.has_value());
  EXPECT_NE(find(wide->neighbours(3), 0), nullptr);  // honey joins tea and kettle
  auto one = ItemModel::train(shop(), 6, {.min_support = 1, .neighbours = 1});
  ASSERT_TRUE(one.has_value());
  for (std::uint32_t p = 0; p < 6; ++p) EXPECT_LE(one->neighbours(p).size(), 1U);
  EXPECT_EQ(one->neighbours(0)[0].product, 1U);
}

TEST(ItemModel, RefusesBadInput) {
  EXPECT_FALSE(ItemModel::train({{0, 7, 0, 0}}, 6, {}));
  EXPECT_FALSE(ItemModel::train(shop(), 6, {.min_support = 0}));
  EXPECT_FALSE(ItemModel::train(shop(), 6, {.window_days = -1}));
  EXPECT_FALSE(ItemModel::train(shop(), 6, {.alpha = 1.5}));
  auto empty = ItemModel::train({}, 3, {});
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->neighbours(2).empty());
}

}  // namespace
}  // namespace vafa::recommend
