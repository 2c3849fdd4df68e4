// Offline evaluation of the recommendations (docs/recommend.md): train on what was bought before
// a split date, recommend k products to every customer who bought before and after it, and
// score the lists against the products each of them bought after it for the first time, beside
// the popularity baseline scored the same way.
#pragma once

#include <cstdint>
#include <span>

#include "vafa/recommend/engine.hpp"

namespace vafa::recommend {

// One list against one customer's relevant products (sorted, distinct).
struct ListScore {
  bool hit = false;              // at least one relevant product in the first k
  double precision = 0;          // hits / k
  double recall = 0;             // hits / relevant
  double average_precision = 0;  // sum of precision at each hit / min(relevant, k)
};
ListScore score_list(std::span<const std::uint32_t> recommended,
                     std::span<const std::uint32_t> relevant, std::uint32_t k);

struct Scores {
  double hit_rate = 0, precision = 0, recall = 0, map = 0;  // means over customers
  double coverage = 0;  // distinct products recommended / products in the catalogue
  std::int64_t distinct_products = 0;
};

struct Evaluation {
  std::uint32_t k = 0;
  std::int64_t customers = 0;  // evaluated: bought before the split and something new after
  std::int64_t train_purchases = 0, test_purchases = 0;
  Scores model, popular;
};

// `shop` loaded with the split, `engine` trained on it.
Evaluation evaluate(const Shop& shop, const Engine& engine);

}  // namespace vafa::recommend
