// vafa recommend train | for CUSTOMER | similar PRODUCT | evaluate --split-date D
#include <chrono>
#include <map>

#include <fmt/core.h>

#include "vafa/cli/command.hpp"
#include "vafa/cli/output.hpp"
#include "vafa/recommend/evaluate.hpp"
#include "vafa/recommend/service.hpp"
#include "vafa/report/views.hpp"

namespace vafa::cli {

namespace {

using nlohmann::ordered_json;

struct Flags {
  recommend::EngineOptions options;
  std::string customer, product, split;
  std::uint32_t limit = 10;
  Format format = Format::table;
  bool to_store = false;  // evaluate: keep the scores for the dashboard
};

// Products by row id, for showing what the stored rows name.
Result<std::map<std::int64_t, ordered_json>> products_by_row(Store& store) {
  std::map<std::int64_t, ordered_json> out;
  VAFA_CHECK(store.scan_products([&](const ProductRecord& p) -> Status {
    out.emplace(
        p.row,
        ordered_json{{"sku", p.sku},
                     {"name", p.name},
                     {"category", p.category},
                     {"price", p.price_minor && !p.currency.empty()
                                   ? ordered_json(decimal(std::string(p.currency), *p.price_minor))
                                   : ordered_json()}});
    return {};
  }));
  return out;
}

Status need_model(Store& store) {
  VAFA_TRY(const std::optional<RecommendModel> model, store.recommend_model());
  if (!model) {
    return fail(ErrorCode::not_found, "no recommendations yet: run `vafa recommend train` first");
  }
  return {};
}

int run_train(const Flags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  const auto started = std::chrono::steady_clock::now();
  auto trained = recommend::train_and_store(**store, f.options, clock_now());
  if (!trained) return report(trained.error());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (f.format == Format::json) {
    fmt::print("{}\n", ordered_json{{"products", trained->products},
                                    {"customers", trained->customers},
                                    {"purchases", trained->purchases},
                                    {"pairs", trained->pairs},
                                    {"neighbour_rows", trained->neighbour_rows},
                                    {"lists", trained->lists},
                                    {"seconds", std::round(seconds * 100) / 100}}
                           .dump(2));
    return kOk;
  }
  fmt::print(
      "trained on {} purchases of {} products: {} co-purchase pairs counted, {} neighbours "
      "kept; top-{} lists for {} of {} customers ({:.1f} s)\n",
      grouped(trained->purchases), grouped(trained->products),
      grouped(static_cast<std::int64_t>(trained->pairs)), grouped(trained->neighbour_rows),
      f.options.k, grouped(trained->lists), grouped(trained->customers), seconds);
  return kOk;
}

int run_for(const Flags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  Store& s = **store;
  if (Status ok = need_model(s); !ok) return report(ok.error());
  auto row = s.customer_row(f.customer);
  if (!row) return report(row.error());
  if (!*row)
    return report(Error{ErrorCode::not_found, fmt::format("no customer '{}'", f.customer)});
  auto recs = s.recommendations_for(**row);
  if (!recs) return report(recs.error());
  auto products = products_by_row(s);
  if (!products) return report(products.error());
  std::vector<ordered_json> rows;
  for (const RecommendationRow& r : *recs) {
    if (rows.size() == f.limit) break;
    const ordered_json& p = products->at(r.product);
    rows.push_back({{"rank", rows.size() + 1},
                    {"sku", p["sku"]},
                    {"name", p["name"]},
                    {"category", p["category"]},
                    {"price", p["price"]},
                    {"score", std::round(r.score * 10'000) / 10'000},
                    {"reason", r.reason},
                    {"because", r.because ? products->at(*r.because)["sku"] : ordered_json()}});
  }
  if (f.format == Format::table) {
    fmt::print("recommendations for {}\n", f.customer);
  }
  print_rows(rows, f.format);
  if (f.format == Format::table && rows.size() < f.limit && recs->size() == rows.size()) {
    fmt::print("({} stored; `vafa recommend train --k N` keeps more)\n", recs->size());
  }
  return kOk;
}

int run_similar(const Flags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  Store& s = **store;
  if (Status ok = need_model(s); !ok) return report(ok.error());
  auto row = s.product_row(f.product);
  if (!row) return report(row.error());
  if (!*row) return report(Error{ErrorCode::not_found, fmt::format("no product '{}'", f.product)});
  auto products = products_by_row(s);
  if (!products) return report(products.error());
  std::vector<ordered_json> rows;
  const Status scanned = s.scan_neighbours(**row, [&](const NeighbourRow& n) -> Status {
    if (rows.size() == f.limit) return {};
    const ordered_json& p = products->at(n.neighbour);
    rows.push_back({{"rank", rows.size() + 1},
                    {"sku", p["sku"]},
                    {"name", p["name"]},
                    {"category", p["category"]},
                    {"score", std::round(n.score * 10'000) / 10'000},
                    {"customers", n.support},
                    {"together", n.together}});
    return {};
  });
  if (!scanned) return report(scanned.error());
  if (f.format == Format::table) {
    const ordered_json& p = products->at(**row);
    fmt::print("bought with {} ({}): customers = bought both, together = in one basket\n",
               f.product, p["name"].get<std::string>());
  }
  print_rows(rows, f.format);
  return kOk;
}

int run_evaluate(const Flags& f, const Context& context) {
  auto split = day_seconds(f.split, "--split-date");
  if (!split) return report(split.error());
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto shop = recommend::load_shop(**store, *split);
  if (!shop) return report(shop.error());
  if (shop->train.empty() || shop->test.empty()) {
    return report(Error{ErrorCode::invalid_argument,
                        fmt::format("--split-date {} leaves {} purchases before it and {} after: "
                                    "choose a date inside the orders' span",
                                    f.split, shop->train.size(), shop->test.size())});
  }
  auto engine = recommend::Engine::train(*shop, f.options);
  if (!engine) return report(engine.error());
  const recommend::Evaluation e = recommend::evaluate(*shop, *engine);
  if (f.to_store) {
    const Status put = report::put_view(**store, "recommend.evaluation", *split, clock_now(),
                                        report::evaluation_view(e, *split));
    if (!put) return report(put.error());
  }
  auto metric = [](const char* name, double model, double popular) {
    return ordered_json{
        {"metric", name},
        {"model", std::round(model * 10'000) / 10'000},
        {"popularity", std::round(popular * 10'000) / 10'000},
        {"ratio",
         popular > 0 ? ordered_json(std::round(model / popular * 100) / 100) : ordered_json()}};
  };
  const std::string at = fmt::format("@{}", e.k);
  std::vector<ordered_json> rows = {
      metric(("hit_rate" + at).c_str(), e.model.hit_rate, e.popular.hit_rate),
      metric(("precision" + at).c_str(), e.model.precision, e.popular.precision),
      metric(("recall" + at).c_str(), e.model.recall, e.popular.recall),
      metric(("map" + at).c_str(), e.model.map, e.popular.map),
      metric("coverage", e.model.coverage, e.popular.coverage)};
  if (f.format == Format::json) {
    auto scores = [](const recommend::Scores& s) {
      return ordered_json{{"hit_rate", s.hit_rate}, {"precision", s.precision},
                          {"recall", s.recall},     {"map", s.map},
                          {"coverage", s.coverage}, {"products", s.distinct_products}};
    };
    fmt::print("{}\n", ordered_json{{"split_date", f.split},
                                    {"k", e.k},
                                    {"customers", e.customers},
                                    {"train_purchases", e.train_purchases},
                                    {"test_purchases", e.test_purchases},
                                    {"model", scores(e.model)},
                                    {"popularity", scores(e.popular)}}
                           .dump(2));
    return kOk;
  }
  if (f.format == Format::table) {
    fmt::print(
        "trained on {} purchases before {}; scored on {} customers who bought something "
        "new after it ({} purchases)\n",
        grouped(e.train_purchases), f.split, grouped(e.customers), grouped(e.test_purchases));
  }
  print_rows(rows, f.format);
  return kOk;
}

void add_model_flags(CLI::App& cmd, recommend::EngineOptions& o) {
  cmd.add_option("--k", o.k, "Recommendations per customer")
      ->check(CLI::Range(1U, 1000U))
      ->capture_default_str();
  cmd.add_option("--window-days", o.model.window_days,
                 "Two purchases of a customer this close count as bought together")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{36'500}))
      ->capture_default_str();
  cmd.add_option("--min-support", o.model.min_support, "Customers a pair needs")
      ->check(CLI::Range(1U, 1'000'000U))
      ->capture_default_str();
  cmd.add_option("--neighbours", o.model.neighbours, "Neighbours kept per product")
      ->check(CLI::Range(1U, 1000U))
      ->capture_default_str();
  cmd.add_option("--alpha", o.model.alpha,
                 "Similarity: 0.5 cosine; towards 1 favours popular neighbours (P(b | a))")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd.add_option("--half-life-days", o.half_life_days,
                 "A purchase's weight halves every this many days")
      ->check(CLI::Range(0.001, 36'500.0))
      ->capture_default_str();
  cmd.add_option("--popular-days", o.popular_days, "Popularity counts buyers over this many days")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{36'500}))
      ->capture_default_str();
}

}  // namespace

void add_recommend_command(CLI::App& app, const Context& context, Runner& runner) {
  CLI::App* cmd = app.add_subcommand(
      "recommend", "Cross-sell and up-sell recommendations from purchase history");
  cmd->require_subcommand(1);
  auto add = [&](const char* name, const char* about, int (*run)(const Flags&, const Context&)) {
    return add_leaf(*cmd, name, about, run, context, runner);
  };
  {
    auto [sub, f] =
        add("train", "Train on every purchase and store each customer's top-k", run_train);
    add_model_flags(*sub, f->options);
  }
  {
    auto [sub, f] = add("for", "A customer's stored recommendations", run_for);
    sub->add_option("customer", f->customer, "The customer's id")->required();
    sub->add_option("--k", f->limit, "How many")->check(CLI::Range(1U, 1000U));
  }
  {
    auto [sub, f] = add("similar", "Products bought with a product", run_similar);
    sub->add_option("product", f->product, "The product's SKU")->required();
    sub->add_option("--k", f->limit, "How many")->check(CLI::Range(1U, 1000U));
  }
  {
    auto [sub, f] = add("evaluate",
                        "Train before a date, score on what customers bought after it, against "
                        "a popularity baseline",
                        run_evaluate);
    sub->add_option("--split-date", f->split, "YYYY-MM-DD: train before, test from")->required();
    sub->add_flag("--store", f->to_store, "Also keep the scores for the dashboard and the report");
    add_model_flags(*sub, f->options);
  }
}

}  // namespace vafa::cli
