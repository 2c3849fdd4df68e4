// What the dashboard and the HTML report show, computed ahead of time (docs/dashboard.md).
//
// The per-period engines take seconds on a large store, so `vafa refresh` runs them once and
// keeps each view as a JSON document in the store (dashboard_views); a dashboard call is then one
// primary-key read. Views: overview, cohorts, pyramid and loyalty per calendar (.gregorian and
// .persian: periods cut in that calendar), clv and segments; clv.validation and
// recommend.evaluation are written by `vafa clv validate --store` and `vafa recommend evaluate
// --store`.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vafa/clv/validate.hpp"
#include "vafa/core/error.hpp"
#include "vafa/recommend/evaluate.hpp"
#include "vafa/store/store.hpp"

namespace vafa::report {

using Json = nlohmann::json;

// Every view a refresh writes, then the two written by their own commands.
inline constexpr std::string_view kRefreshedViews[] = {"overview.gregorian",
                                                       "overview.persian",
                                                       "cohorts.gregorian",
                                                       "cohorts.persian",
                                                       "pyramid.gregorian",
                                                       "pyramid.persian",
                                                       "loyalty.gregorian",
                                                       "loyalty.persian",
                                                       "clv",
                                                       "segments"};
inline constexpr std::string_view kStoredViews[] = {"clv.validation", "recommend.evaluation"};

// True for a name in either list.
bool known_view(std::string_view name);

struct ViewsOptions {
  std::int64_t as_of = 0;  // what the figures describe (the refresh's as-of time)
  std::int64_t now = 0;    // when they were computed
  std::string currency;    // the analytics currency
  int months = 24;         // how many months the overview and cohorts keep
  // Opens another connection to the same store: when given, the Persian calendar's views are
  // computed on it in a second thread while the Gregorian ones are computed on `store`.
  std::function<Result<std::unique_ptr<Store>>()> second_connection;
};

// Computes and stores every view of kRefreshedViews; returns their names.
Result<std::vector<std::string>> refresh_views(Store& store, const ViewsOptions& options);

// The view documents of `vafa clv validate --store` and `vafa recommend evaluate --store`.
Json validation_view(const clv::Validation& validation, std::string_view unit,
                     std::int64_t calibration_end, std::int64_t holdout_end);
Json evaluation_view(const recommend::Evaluation& evaluation, std::int64_t split);

// One row of the customer table as the dashboard shows it (the clv view's top list and
// GET /api/v1/dashboard/customers).
Json customer_row_json(const CustomerListRow& row);

Status put_view(Store& store, std::string_view name, std::int64_t as_of, std::int64_t now,
                const Json& body);

// Every stored view by name, each as {"as_of", "computed_at", "body"}: what the report inlines.
Result<Json> stored_views(Store& store);

}  // namespace vafa::report
