#include "vafa/recommend/model.hpp"

#include <algorithm>
#include <cmath>

namespace vafa::recommend {

namespace {

constexpr std::uint32_t kMaxProducts = 1U << 31;  // a pair key holds two 31-bit ids

// (a, b) with a < b in bits 32..62 and 1..31, bit 0: the two were in one basket.
std::uint64_t pair_key(std::uint32_t a, std::uint32_t b, bool together) {
  return (std::uint64_t{a} << 32) | (std::uint64_t{b} << 1) | (together ? 1U : 0U);
}

bool better(const Neighbour& x, const Neighbour& y) {
  if (x.score != y.score) return x.score > y.score;
  if (x.support != y.support) return x.support > y.support;
  return x.product < y.product;
}

// Keeps the best `limit` neighbours of one product (a min-heap on `better`).
void offer(std::vector<Neighbour>& heap, std::uint32_t limit, const Neighbour& n) {
  auto worse_on_top = [](const Neighbour& x, const Neighbour& y) { return better(x, y); };
  if (heap.size() < limit) {
    heap.push_back(n);
    std::ranges::push_heap(heap, worse_on_top);
  } else if (better(n, heap.front())) {
    std::ranges::pop_heap(heap, worse_on_top);
    heap.back() = n;
    std::ranges::push_heap(heap, worse_on_top);
  }
}

}  // namespace

Result<ItemModel> ItemModel::train(std::vector<Purchase> purchases, std::uint32_t products,
                                   const ModelOptions& options) {
  if (products >= kMaxProducts) return fail(ErrorCode::invalid_argument, "too many products");
  if (options.window_days < 0 || options.min_support < 1 || options.neighbours < 1 ||
      options.max_history < 2 || !(options.alpha >= 0 && options.alpha <= 1)) {
    return fail(ErrorCode::invalid_argument,
                "window >= 0 days, min support >= 1, neighbours >= 1, history >= 2, alpha in "
                "[0, 1]");
  }
  for (const Purchase& p : purchases) {
    if (p.product >= products) {
      return fail(ErrorCode::invalid_argument, "product {} is not below {}", p.product, products);
    }
  }
  std::ranges::sort(purchases, [](const Purchase& x, const Purchase& y) {
    if (x.customer != y.customer) return x.customer < y.customer;
    if (x.at != y.at) return x.at > y.at;  // most recent first
    return x.product < y.product;
  });

  ItemModel model;
  model.buyers_.assign(products, 0);
  const std::int64_t window = options.window_days * 86'400;
  std::vector<std::uint64_t> keys;
  std::vector<std::uint64_t> mine;  // this customer's keys
  std::vector<std::uint32_t> distinct;
  for (std::size_t begin = 0; begin < purchases.size();) {
    std::size_t end = begin;
    while (end < purchases.size() && purchases[end].customer == purchases[begin].customer) ++end;
    const std::span<const Purchase> history(
        purchases.data() + begin, std::min<std::size_t>(end - begin, options.max_history));
    distinct.clear();
    for (std::size_t i = begin; i < end; ++i) distinct.push_back(purchases[i].product);
    std::ranges::sort(distinct);
    const auto [first, last] = std::ranges::unique(distinct);
    distinct.erase(first, last);
    for (const std::uint32_t product : distinct) ++model.buyers_[product];

    mine.clear();
    for (std::size_t i = 0; i < history.size(); ++i) {
      for (std::size_t j = i + 1; j < history.size(); ++j) {
        const Purchase& x = history[i];
        const Purchase& y = history[j];
        if (x.at - y.at > window) break;  // most recent first: the rest are older still
        if (x.product == y.product) continue;
        mine.push_back(pair_key(std::min(x.product, y.product), std::max(x.product, y.product),
                                x.basket == y.basket));
      }
    }
    // One count per customer and pair; "together" if any of their baskets held both.
    std::ranges::sort(mine);
    for (std::size_t i = 0; i < mine.size();) {
      std::size_t k = i;
      bool together = false;
      while (k < mine.size() && mine[k] >> 1 == mine[i] >> 1) together |= (mine[k++] & 1) != 0;
      keys.push_back((mine[i] & ~std::uint64_t{1}) | (together ? 1U : 0U));
      i = k;
    }
    begin = end;
  }
  model.pairs_counted_ = keys.size();

  std::ranges::sort(keys);
  std::vector<std::vector<Neighbour>> heaps(products);
  for (std::size_t i = 0; i < keys.size();) {
    std::size_t k = i;
    std::uint32_t together = 0;
    while (k < keys.size() && keys[k] >> 1 == keys[i] >> 1) together += keys[k++] & 1;
    const auto support = static_cast<std::uint32_t>(k - i);
    const auto a = static_cast<std::uint32_t>(keys[i] >> 32);
    const auto b = static_cast<std::uint32_t>((keys[i] >> 1) & 0x7FFF'FFFF);
    i = k;
    if (support < options.min_support) continue;
    const double na = model.buyers_[a], nb = model.buyers_[b];
    const double alpha = options.alpha;
    const auto a_to_b =
        static_cast<float>(support / (std::pow(na, alpha) * std::pow(nb, 1 - alpha)));
    const auto b_to_a =
        static_cast<float>(support / (std::pow(nb, alpha) * std::pow(na, 1 - alpha)));
    offer(heaps[a], options.neighbours, {b, a_to_b, support, together});
    offer(heaps[b], options.neighbours, {a, b_to_a, support, together});
  }
  keys = {};
  ItemModel trained = from_parts(std::move(model.buyers_), std::move(heaps));
  trained.pairs_counted_ = model.pairs_counted_;
  return trained;
}

ItemModel ItemModel::from_parts(std::vector<std::uint32_t> buyers,
                                std::vector<std::vector<Neighbour>> neighbours) {
  ItemModel model;
  model.buyers_ = std::move(buyers);
  model.offsets_.assign(model.buyers_.size() + 1, 0);
  for (std::size_t p = 0; p < model.buyers_.size(); ++p) {
    if (p < neighbours.size()) {
      std::vector<Neighbour>& list = neighbours[p];
      std::ranges::sort(list, better);
      model.neighbours_.insert(model.neighbours_.end(), list.begin(), list.end());
      list = {};  // frees as it goes
    }
    model.offsets_[p + 1] = model.neighbours_.size();
  }
  return model;
}

}  // namespace vafa::recommend
