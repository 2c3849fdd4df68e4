#include "vafa/recommend/service.hpp"

#include <thread>

#include <nlohmann/json.hpp>

namespace vafa::recommend {

std::string options_json(const EngineOptions& o) {
  return nlohmann::ordered_json{{"window_days", o.model.window_days},
                                {"min_support", o.model.min_support},
                                {"neighbours", o.model.neighbours},
                                {"max_history", o.model.max_history},
                                {"alpha", o.model.alpha},
                                {"k", o.k},
                                {"half_life_days", o.half_life_days},
                                {"popular_days", o.popular_days}}
      .dump();
}

Result<TrainReport> train_and_store(Store& store, const EngineOptions& options, std::int64_t now,
                                    unsigned threads) {
  VAFA_TRY(const Shop shop, load_shop(store, std::nullopt));
  VAFA_TRY(const Engine engine, Engine::train(shop, options));
  TrainReport report{.products = static_cast<std::int64_t>(shop.products()),
                     .customers = static_cast<std::int64_t>(shop.customers()),
                     .purchases = static_cast<std::int64_t>(shop.train.size()),
                     .pairs = engine.model().pairs_counted()};

  std::vector<NeighbourRow> neighbours;
  for (std::uint32_t p = 0; p < engine.model().products(); ++p) {
    for (const Neighbour& n : engine.model().neighbours(p)) {
      neighbours.push_back(NeighbourRow{.product = shop.product_rows[p],
                                        .neighbour = shop.product_rows[n.product],
                                        .score = n.score,
                                        .support = n.support,
                                        .together = n.together});
    }
  }
  report.neighbour_rows = static_cast<std::int64_t>(neighbours.size());

  // Every customer's list, in parallel over ranges of customers.
  const std::size_t n = shop.customers();
  const unsigned workers = std::max(1U, std::min<unsigned>(threads, 64));
  std::vector<std::vector<RecommendationRow>> parts(workers);
  {
    std::vector<std::jthread> pool;
    for (unsigned w = 0; w < workers; ++w) {
      pool.emplace_back([&, w] {
        for (std::size_t c = n * w / workers; c < n * (w + 1) / workers; ++c) {
          for (const Recommendation& r : engine.recommend(static_cast<std::uint32_t>(c))) {
            parts[w].push_back(RecommendationRow{
                .customer = shop.customer_rows[c],
                .product = shop.product_rows[r.product],
                .score = r.score,
                .reason = std::string(to_string(r.reason)),
                .because =
                    r.because ? std::optional(shop.product_rows[*r.because]) : std::nullopt});
          }
        }
      });
    }
  }
  VAFA_TRY(Transaction txn, Transaction::begin(store));
  VAFA_CHECK(store.replace_recommend_model(
      RecommendModel{.trained_at = now,
                     .trained_until = std::nullopt,
                     .params_json = options_json(options),
                     .products = report.products,
                     .pairs = static_cast<std::int64_t>(report.pairs)},
      neighbours, engine.popular_rows()));
  for (const auto& part : parts) {
    VAFA_CHECK(store.put_recommendations(part));
    for (std::size_t i = 0; i < part.size(); ++i) {
      if (i == 0 || part[i - 1].customer != part[i].customer) ++report.lists;
    }
  }
  VAFA_CHECK(txn.commit());
  return report;
}

}  // namespace vafa::recommend
