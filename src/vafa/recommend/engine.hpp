// Recommendations from the store (docs/recommend.md): the shop's purchases read once into dense
// ids, the item-to-item model trained on them, and each customer's top-k:
//   1. similar: sum over the customer's purchases of recency weight x similarity, where the
//      weight halves every `half_life_days` (a purchase last week counts more than last year's);
//   2. up-sell: the most bought product of a recent purchase's category that costs more (one
//      slot when k >= 5);
//   3. category: popular products of the categories the customer buys from and their
//      neighbouring categories (a category-level model), when products are too sparse;
//   4. popular in the customer's smallest segment, then country, then the whole shop.
// Never recommended: products the customer bought or returned, and products out of the
// catalogue (inactive). Everything before `split` trains; nothing after it is read for training.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "vafa/core/error.hpp"
#include "vafa/recommend/model.hpp"
#include "vafa/store/store.hpp"

namespace vafa::recommend {

struct EngineOptions {
  ModelOptions model;
  std::uint32_t k = 10;
  double half_life_days = 180;
  std::int64_t popular_days = 90;    // popularity counts buyers over this many days before as-of
  std::uint32_t popular_kept = 200;  // per scope
};

enum class Reason : std::uint8_t { similar, upsell, category, popular };
std::string_view to_string(Reason reason);

struct Recommendation {
  std::uint32_t product = 0;
  double score = 0;
  Reason reason = Reason::similar;
  std::optional<std::uint32_t> because;  // the purchased product behind it
};

// The store's purchases on dense ids, split at a time.
struct Shop {
  // Products (dense id -> ...).
  std::vector<std::int64_t> product_rows;
  std::vector<std::string> skus, names;
  std::vector<std::uint32_t> category;  // index into categories
  std::vector<std::string> categories;
  std::vector<std::optional<std::int64_t>> price_minor;
  std::vector<std::uint8_t> active;
  // Customers with at least one order line (dense id -> ...).
  std::vector<std::int64_t> customer_rows;
  std::vector<std::uint32_t> country;  // index into countries; 0 is "" (unknown)
  std::vector<std::string> countries;
  std::vector<std::vector<std::uint32_t>> segments;  // segment ids, smallest segment first
  std::uint32_t segment_ids = 0;                     // one past the largest segment id
  // Placed lines with a product and a positive quantity before the split; returned
  // (customer, product) pairs before the split; purchases at or after it (for evaluation).
  std::vector<Purchase> train, test;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> returned;  // sorted
  std::int64_t as_of = 0;  // the split, or just after the last purchase

  std::size_t products() const { return product_rows.size(); }
  std::size_t customers() const { return customer_rows.size(); }
};

// Reads products, order lines, customers' countries and segment memberships.
Result<Shop> load_shop(Store& store, std::optional<std::int64_t> split);

class Engine {
 public:
  static Result<Engine> train(const Shop& shop, const EngineOptions& options);

  const ItemModel& model() const { return model_; }
  std::uint32_t k() const { return options_.k; }
  const ItemModel& category_model() const { return categories_; }
  // The top-k of one customer (dense id), best first.
  std::vector<Recommendation> recommend(std::uint32_t customer) const;
  // The popularity baseline: the k most popular products the customer has not bought.
  std::vector<Recommendation> popular_for(std::uint32_t customer) const;
  // Popular products by scope ("all", "country:IR", "segment:3"), for the store.
  std::vector<PopularRow> popular_rows() const;

 private:
  explicit Engine(const Shop& shop) : shop_(&shop) {}
  struct History {
    std::vector<std::pair<std::uint32_t, double>> weights;  // product -> recency weight
    std::vector<std::uint32_t> excluded;                    // sorted: bought or returned
  };
  History history_of(std::uint32_t customer) const;
  bool allowed(const History& h, std::uint32_t product) const;
  void fill_popular(const History& h, const std::vector<std::uint32_t>& list, Reason reason,
                    std::vector<Recommendation>& out) const;

  const Shop* shop_;
  EngineOptions options_;
  ItemModel model_, categories_;
  std::vector<std::size_t> offsets_;  // customer -> first train purchase (train sorted)
  std::vector<Purchase> by_customer_;
  // Popularity: distinct buyers over the last popular_days, then over all time.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> popularity_;
  std::vector<std::uint32_t> popular_all_;
  std::vector<std::vector<std::uint32_t>> popular_country_, popular_category_;
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> popular_segment_;
};

}  // namespace vafa::recommend
