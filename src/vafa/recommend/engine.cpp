#include "vafa/recommend/engine.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <ranges>

#include <fmt/format.h>

namespace vafa::recommend {

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t kDay = 86'400;

std::uint32_t index_of(std::unordered_map<std::string, std::uint32_t>& names,
                       std::vector<std::string>& list, std::string_view name) {
  auto [it, added] = names.try_emplace(std::string(name), static_cast<std::uint32_t>(list.size()));
  if (added) list.emplace_back(name);
  return it->second;
}

// A dense index by store row, grown as rows come.
void put_row(std::vector<std::uint32_t>& by_row, std::int64_t row, std::uint32_t dense) {
  const auto r = static_cast<std::size_t>(row);
  if (by_row.size() <= r) by_row.resize(r + 1, kNone);
  by_row[r] = dense;
}
std::uint32_t get_row(const std::vector<std::uint32_t>& by_row, std::int64_t row) {
  const auto r = static_cast<std::size_t>(row);
  return row >= 0 && r < by_row.size() ? by_row[r] : kNone;
}

}  // namespace

std::string_view to_string(Reason reason) {
  switch (reason) {
    case Reason::similar: return "similar";
    case Reason::upsell: return "upsell";
    case Reason::category: return "category";
    case Reason::popular: return "popular";
  }
  return "similar";
}

Result<Shop> load_shop(Store& store, std::optional<std::int64_t> split) {
  Shop shop;
  std::vector<std::uint32_t> product_by_row, customer_by_row;
  std::unordered_map<std::string, std::uint32_t> categories, countries;
  VAFA_CHECK(store.scan_products([&](const ProductRecord& p) -> Status {
    const auto dense = static_cast<std::uint32_t>(shop.product_rows.size());
    put_row(product_by_row, p.row, dense);
    shop.product_rows.push_back(p.row);
    shop.skus.emplace_back(p.sku);
    shop.names.emplace_back(p.name);
    shop.category.push_back(index_of(categories, shop.categories, p.category));
    shop.price_minor.push_back(p.price_minor);
    shop.active.push_back(p.active ? 1 : 0);
    return {};
  }));
  index_of(countries, shop.countries, "");
  VAFA_CHECK(store.scan_customer_records(std::nullopt, [&](const CustomerRecord& c) -> Status {
    put_row(customer_by_row, c.row, static_cast<std::uint32_t>(shop.customer_rows.size()));
    shop.customer_rows.push_back(c.row);
    shop.country.push_back(index_of(countries, shop.countries, c.country));
    return {};
  }));
  shop.segments.resize(shop.customer_rows.size());
  VAFA_TRY(std::vector<Segment> segments, store.segments());
  std::ranges::sort(segments, {}, &Segment::members);  // the most specific first
  for (const Segment& segment : segments) {
    const auto id = static_cast<std::uint32_t>(segment.id);
    shop.segment_ids = std::max(shop.segment_ids, id + 1);
    VAFA_CHECK(store.scan_segment_members(segment.id, [&](std::int64_t row, std::int64_t) {
      const std::uint32_t c = get_row(customer_by_row, row);
      if (c != kNone) shop.segments[c].push_back(id);
      return Status{};
    }));
  }
  std::int64_t last = 0;
  VAFA_CHECK(store.scan_order_lines([&](const OrderLineRecord& l) -> Status {
    const std::uint32_t c = get_row(customer_by_row, l.customer);
    const std::uint32_t p = get_row(product_by_row, l.product);
    if (c == kNone || p == kNone || l.status == OrderStatus::cancelled) return {};
    const bool before = !split || l.placed_at < *split;
    if (l.quantity < 0 || l.status == OrderStatus::returned) {
      if (before) shop.returned.emplace_back(c, p);
      return {};
    }
    if (l.quantity == 0) return {};
    const Purchase purchase{.customer = c,
                            .product = p,
                            .basket = static_cast<std::uint32_t>(l.order),
                            .at = l.placed_at};
    (before ? shop.train : shop.test).push_back(purchase);
    if (before) last = std::max(last, l.placed_at);
    return {};
  }));
  std::ranges::sort(shop.returned);
  const auto [first, end] = std::ranges::unique(shop.returned);
  shop.returned.erase(first, end);
  shop.as_of = split ? *split : last + 1;
  return shop;
}

Result<Engine> Engine::train(const Shop& shop, const EngineOptions& options) {
  if (options.k < 1 || options.k > 1000) {
    return fail(ErrorCode::invalid_argument, "k must be between 1 and 1000");
  }
  if (!(options.half_life_days > 0) || options.popular_days < 1) {
    return fail(ErrorCode::invalid_argument, "half-life and popularity window must be positive");
  }
  Engine engine(shop);
  engine.options_ = options;
  const auto products = static_cast<std::uint32_t>(shop.products());
  VAFA_TRY(engine.model_, ItemModel::train(shop.train, products, options.model));
  // The category-level model: the same trainer on purchases named by their category.
  std::vector<Purchase> by_category = shop.train;
  for (Purchase& p : by_category) p.product = shop.category[p.product];
  ModelOptions category_options = options.model;
  category_options.min_support = 1;
  category_options.neighbours = 10;
  VAFA_TRY(
      engine.categories_,
      ItemModel::train(std::move(by_category),
                       static_cast<std::uint32_t>(std::max<std::size_t>(shop.categories.size(), 1)),
                       category_options));

  engine.by_customer_ = shop.train;
  std::ranges::sort(engine.by_customer_, [](const Purchase& x, const Purchase& y) {
    return x.customer != y.customer ? x.customer < y.customer : x.at > y.at;
  });
  engine.offsets_.assign(shop.customers() + 1, 0);
  for (const Purchase& p : engine.by_customer_) ++engine.offsets_[p.customer + 1];
  for (std::size_t c = 0; c < shop.customers(); ++c) engine.offsets_[c + 1] += engine.offsets_[c];

  // Popularity: distinct recent buyers, then all-time buyers; per country, segment, category.
  const std::int64_t recent_from = shop.as_of - options.popular_days * kDay;
  engine.popularity_.assign(products, {0, 0});
  std::vector<std::uint32_t> seen_by(products, kNone);
  using Counts = std::unordered_map<std::uint64_t, std::pair<std::uint32_t, std::uint32_t>>;
  Counts country_buyers, segment_buyers;
  for (const Purchase& p : engine.by_customer_) {  // by customer, most recent first
    if (seen_by[p.product] == p.customer) continue;
    seen_by[p.product] = p.customer;
    const std::uint32_t recent = p.at >= recent_from ? 1 : 0;
    auto count = [&](std::pair<std::uint32_t, std::uint32_t>& n) {
      n.first += recent;
      ++n.second;
    };
    count(engine.popularity_[p.product]);
    count(country_buyers[(std::uint64_t{shop.country[p.customer]} << 32) | p.product]);
    for (const std::uint32_t s : shop.segments[p.customer]) {
      count(segment_buyers[(std::uint64_t{s} << 32) | p.product]);
    }
  }
  auto more_popular = [&](std::uint32_t a, std::uint32_t b) {
    if (engine.popularity_[a] != engine.popularity_[b])
      return engine.popularity_[a] > engine.popularity_[b];
    return a < b;
  };
  auto top = [&](std::vector<std::uint32_t> list) {
    std::ranges::sort(list, more_popular);
    if (list.size() > options.popular_kept) list.resize(options.popular_kept);
    return list;
  };
  std::vector<std::uint32_t> all;
  engine.popular_category_.assign(shop.categories.size(), {});
  for (std::uint32_t p = 0; p < products; ++p) {
    if (!shop.active[p] || engine.popularity_[p] == std::pair{0U, 0U}) continue;
    all.push_back(p);
    engine.popular_category_[shop.category[p]].push_back(p);
  }
  engine.popular_all_ = top(all);
  for (auto& list : engine.popular_category_) list = top(std::move(list));
  // Scoped lists rank by the scope's own recent buyers, then the shop's popularity.
  auto scoped = [&](const Counts& counts, std::size_t scopes) {
    using Count = std::pair<std::uint32_t, std::pair<std::uint32_t, std::uint32_t>>;
    std::vector<std::vector<Count>> lists(scopes);
    for (const auto& [key, n] : counts) {
      const auto scope = static_cast<std::size_t>(key >> 32);
      const auto p = static_cast<std::uint32_t>(key);
      if (shop.active[p]) lists[scope].emplace_back(p, n);
    }
    std::vector<std::vector<std::uint32_t>> out(scopes);
    for (std::size_t s = 0; s < scopes; ++s) {
      std::ranges::sort(lists[s], [&](const auto& x, const auto& y) {
        return x.second != y.second ? x.second > y.second : more_popular(x.first, y.first);
      });
      for (const auto& [p, n] : lists[s]) {
        if (out[s].size() == options.popular_kept) break;
        out[s].push_back(p);
      }
    }
    return out;
  };
  engine.popular_country_ = scoped(country_buyers, shop.countries.size());
  auto by_segment = scoped(segment_buyers, shop.segment_ids);
  for (std::size_t s = 0; s < by_segment.size(); ++s) {
    if (!by_segment[s].empty())
      engine.popular_segment_.emplace(static_cast<std::uint32_t>(s), std::move(by_segment[s]));
  }
  return engine;
}

Engine::History Engine::history_of(std::uint32_t customer) const {
  History h;
  const double per_day = std::log(2.0) / options_.half_life_days;
  for (std::size_t i = offsets_[customer]; i < offsets_[customer + 1]; ++i) {
    const Purchase& p = by_customer_[i];
    const double age_days = static_cast<double>(shop_->as_of - p.at) / kDay;
    const double weight = std::exp(-per_day * std::max(0.0, age_days));
    const auto it =
        std::ranges::find(h.weights, p.product, &std::pair<std::uint32_t, double>::first);
    if (it == h.weights.end()) {
      h.weights.emplace_back(p.product, weight);  // most recent first: the largest weight
    }
    h.excluded.push_back(p.product);
  }
  const auto returned = std::ranges::equal_range(shop_->returned, customer, {},
                                                 &std::pair<std::uint32_t, std::uint32_t>::first);
  for (const auto& [c, p] : returned) h.excluded.push_back(p);
  std::ranges::sort(h.excluded);
  return h;
}

bool Engine::allowed(const History& h, std::uint32_t product) const {
  return shop_->active[product] != 0 && !std::ranges::binary_search(h.excluded, product);
}

void Engine::fill_popular(const History& h, const std::vector<std::uint32_t>& list, Reason reason,
                          std::vector<Recommendation>& out) const {
  for (const std::uint32_t p : list) {
    if (out.size() >= options_.k) return;
    if (!allowed(h, p) || std::ranges::find(out, p, &Recommendation::product) != out.end())
      continue;
    out.push_back({.product = p,
                   .score = static_cast<double>(popularity_[p].first),
                   .reason = reason,
                   .because = std::nullopt});
  }
}

std::vector<Recommendation> Engine::recommend(std::uint32_t customer) const {
  const History h = history_of(customer);
  std::vector<Recommendation> out;
  const std::uint32_t k = options_.k;

  // 1. Similar products, weighted by how recent the purchase behind them is.
  struct Candidate {
    std::uint32_t product;
    double contribution;
    std::uint32_t because;
  };
  std::vector<Candidate> candidates;
  for (const auto& [product, weight] : h.weights) {
    for (const Neighbour& n : model_.neighbours(product)) {
      if (allowed(h, n.product)) candidates.push_back({n.product, weight * n.score, product});
    }
  }
  std::ranges::sort(candidates, {}, &Candidate::product);
  std::vector<Recommendation> similar;
  for (std::size_t i = 0; i < candidates.size();) {
    Recommendation r{.product = candidates[i].product, .score = 0, .reason = Reason::similar};
    double best = -1;
    for (; i < candidates.size() && candidates[i].product == r.product; ++i) {
      r.score += candidates[i].contribution;
      if (candidates[i].contribution > best) {
        best = candidates[i].contribution;
        r.because = candidates[i].because;
      }
    }
    similar.push_back(r);
  }
  std::ranges::sort(similar, [](const Recommendation& x, const Recommendation& y) {
    return x.score != y.score ? x.score > y.score : x.product < y.product;
  });

  // 2. One up-sell: a pricier, popular product of a recent purchase's category.
  std::optional<Recommendation> upsell;
  if (k >= 5) {
    for (std::size_t i = 0; i < h.weights.size() && i < 5 && !upsell; ++i) {
      const std::uint32_t bought = h.weights[i].first;
      const auto price = shop_->price_minor[bought];
      if (!price) continue;
      for (const std::uint32_t p : popular_category_[shop_->category[bought]]) {
        const auto other = shop_->price_minor[p];
        if (other && *other > *price && allowed(h, p) &&
            std::ranges::find(similar | std::views::take(k - 1), p, &Recommendation::product) ==
                (similar | std::views::take(k - 1)).end()) {
          upsell = Recommendation{.product = p,
                                  .score = h.weights[i].second,
                                  .reason = Reason::upsell,
                                  .because = bought};
          break;
        }
      }
    }
  }
  for (const Recommendation& r : similar) {
    if (out.size() + (upsell ? 1 : 0) >= k) break;
    out.push_back(r);
  }
  if (upsell) out.push_back(*upsell);

  // 3. Popular products of the customer's categories and their neighbouring categories.
  if (out.size() < k && !h.weights.empty()) {
    std::vector<std::pair<std::uint32_t, double>> cats;
    auto add = [&](std::uint32_t c, double w) {
      const auto it = std::ranges::find(cats, c, &std::pair<std::uint32_t, double>::first);
      if (it == cats.end()) {
        cats.emplace_back(c, w);
      } else {
        it->second += w;
      }
    };
    for (const auto& [product, weight] : h.weights) {
      const std::uint32_t c = shop_->category[product];
      add(c, weight);
      for (const Neighbour& n : categories_.neighbours(c)) add(n.product, weight * n.score);
    }
    std::ranges::sort(cats, [](const auto& x, const auto& y) {
      return x.second != y.second ? x.second > y.second : x.first < y.first;
    });
    for (const auto& [c, w] : cats) fill_popular(h, popular_category_[c], Reason::category, out);
  }

  // 4. Popular in the customer's segments (smallest first), country, the whole shop.
  for (const std::uint32_t s : shop_->segments[customer]) {
    if (const auto it = popular_segment_.find(s); it != popular_segment_.end())
      fill_popular(h, it->second, Reason::popular, out);
  }
  fill_popular(h, popular_country_[shop_->country[customer]], Reason::popular, out);
  fill_popular(h, popular_all_, Reason::popular, out);
  return out;
}

std::vector<Recommendation> Engine::popular_for(std::uint32_t customer) const {
  const History h = history_of(customer);
  std::vector<Recommendation> out;
  fill_popular(h, popular_all_, Reason::popular, out);
  return out;
}

std::vector<PopularRow> Engine::popular_rows() const {
  std::vector<PopularRow> rows;
  auto add = [&](const std::string& scope, const std::vector<std::uint32_t>& list) {
    for (const std::uint32_t p : list) {
      rows.push_back(PopularRow{
          .scope = scope, .product = shop_->product_rows[p], .buyers = popularity_[p].first});
    }
  };
  add("all", popular_all_);
  for (std::size_t c = 1; c < shop_->countries.size(); ++c) {
    add("country:" + shop_->countries[c], popular_country_[c]);
  }
  std::vector<std::uint32_t> segments;
  for (const auto& [s, list] : popular_segment_) segments.push_back(s);
  std::ranges::sort(segments);
  for (const std::uint32_t s : segments) add(fmt::format("segment:{}", s), popular_segment_.at(s));
  for (std::size_t c = 0; c < shop_->categories.size(); ++c) {
    if (!shop_->categories[c].empty())
      add("category:" + shop_->categories[c], popular_category_[c]);
  }
  return rows;
}

}  // namespace vafa::recommend
