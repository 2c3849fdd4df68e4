#include "vafa/recommend/evaluate.hpp"

#include <algorithm>

namespace vafa::recommend {

ListScore score_list(std::span<const std::uint32_t> recommended,
                     std::span<const std::uint32_t> relevant, std::uint32_t k) {
  ListScore s;
  if (k == 0 || relevant.empty()) return s;
  std::uint32_t hits = 0;
  double precision_sum = 0;
  const std::size_t n = std::min<std::size_t>(recommended.size(), k);
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::ranges::binary_search(relevant, recommended[i])) continue;
    ++hits;
    precision_sum += static_cast<double>(hits) / static_cast<double>(i + 1);
  }
  s.hit = hits > 0;
  s.precision = static_cast<double>(hits) / k;
  s.recall = static_cast<double>(hits) / static_cast<double>(relevant.size());
  s.average_precision =
      precision_sum / static_cast<double>(std::min<std::size_t>(relevant.size(), k));
  return s;
}

namespace {

struct Accumulator {
  double hits = 0, precision = 0, recall = 0, ap = 0;
  std::vector<std::uint8_t> seen;  // products recommended at least once

  void add(const std::vector<Recommendation>& list, std::span<const std::uint32_t> relevant,
           std::uint32_t k) {
    std::vector<std::uint32_t> ids;
    for (const Recommendation& r : list) {
      ids.push_back(r.product);
      seen[r.product] = 1;
    }
    const ListScore s = score_list(ids, relevant, k);
    hits += s.hit ? 1 : 0;
    precision += s.precision;
    recall += s.recall;
    ap += s.average_precision;
  }
  Scores scores(std::int64_t customers, std::size_t catalogue) const {
    Scores out;
    const auto n = static_cast<double>(std::max<std::int64_t>(customers, 1));
    out.hit_rate = hits / n;
    out.precision = precision / n;
    out.recall = recall / n;
    out.map = ap / n;
    out.distinct_products = std::ranges::count(seen, 1);
    out.coverage = catalogue > 0
                       ? static_cast<double>(out.distinct_products) / static_cast<double>(catalogue)
                       : 0;
    return out;
  }
};

}  // namespace

Evaluation evaluate(const Shop& shop, const Engine& engine) {
  Evaluation e;
  e.k = engine.k();
  e.train_purchases = static_cast<std::int64_t>(shop.train.size());
  e.test_purchases = static_cast<std::int64_t>(shop.test.size());
  // Each customer's products before and after the split.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> before, after;
  for (const Purchase& p : shop.train) before.emplace_back(p.customer, p.product);
  for (const Purchase& p : shop.test) after.emplace_back(p.customer, p.product);
  for (auto* v : {&before, &after}) {
    std::ranges::sort(*v);
    const auto [first, last] = std::ranges::unique(*v);
    v->erase(first, last);
  }
  const std::size_t catalogue = static_cast<std::size_t>(std::ranges::count(shop.active, 1));
  Accumulator model{.seen = std::vector<std::uint8_t>(shop.products(), 0)};
  Accumulator popular{.seen = std::vector<std::uint8_t>(shop.products(), 0)};
  std::vector<std::uint32_t> relevant;
  for (std::size_t i = 0; i < after.size();) {
    const std::uint32_t c = after[i].first;
    relevant.clear();
    const auto bought =
        std::ranges::equal_range(before, c, {}, &std::pair<std::uint32_t, std::uint32_t>::first);
    for (; i < after.size() && after[i].first == c; ++i) {
      const std::uint32_t p = after[i].second;
      const bool seen_before = std::ranges::binary_search(bought, std::pair{c, p});
      if (!seen_before) relevant.push_back(p);
    }
    if (bought.empty() || relevant.empty()) continue;  // no history, or nothing new bought
    ++e.customers;
    model.add(engine.recommend(c), relevant, e.k);
    popular.add(engine.popular_for(c), relevant, e.k);
  }
  e.model = model.scores(e.customers, catalogue);
  e.popular = popular.scores(e.customers, catalogue);
  return e;
}

}  // namespace vafa::recommend
