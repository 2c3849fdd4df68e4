// The CLV pipeline as workflows: the inputs of the models from the store's orders (one currency;
// a calibration end that defaults to the time the rest of the product describes), the fit of a
// purchase model, the spend model accepted only when its expectation is finite, every customer's
// P(alive), expected purchases and CLV, and their conversion to the currency's minor units for
// the store. `vafa clv predict --store`, the campaigns and the dashboard all use these, so a
// prediction means the same wherever it is read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vafa/clv/bg_family.hpp"
#include "vafa/clv/gamma_gamma.hpp"
#include "vafa/clv/model.hpp"
#include "vafa/clv/summary.hpp"
#include "vafa/store/store.hpp"

namespace vafa::app {

// A purchase model in continuous time, the discrete-time BG/BB, or the spend model.
struct ClvModel {
  enum class Kind { purchase, bgbb, spend };
  Kind kind = Kind::purchase;
  clv::PurchaseModel purchase = clv::PurchaseModel::bgnbd;
};
// "bgnbd", "pareto-nbd", "mbgnbd", "bgbb", "gamma-gamma"; invalid_argument otherwise.
Result<ClvModel> parse_clv_model(std::string_view name);

// The customers' inputs, from the store or a summary file. Money is in major units of the
// input's currency (a summary file's own units).
struct ClvInputs {
  std::vector<std::string> ids;
  std::vector<std::int64_t> rows;  // store row ids (store input only)
  clv::RfmRows rfm;                // for BG/BB: T holds the periods n
  std::vector<double> monetary;    // mean repeat order value; empty if the input has none
  std::string currency;            // from the store
  int exponent = 2;                // of the currency's minor unit
  std::string unit;                // "week", ... or "" for a summary file (its own unit)
  std::int64_t calibration_end = 0;
  // With a holdout end (validation): each customer's holdout purchases, and all per unit.
  std::vector<double> holdout, holdout_by_unit;
  double holdout_length = 0;
};

// The calibration end to use when none is given: the as-of of the last refresh (so predictions
// describe the same time as the stages beside them), or the day after the last order or event.
struct CalibrationEnd {
  std::int64_t at = 0;  // unix seconds, a day's start
  std::string why;
};
Result<CalibrationEnd> default_calibration_end(Store& store);

struct ClvStoreInputOptions {
  std::int64_t calibration_end = 0;         // unix seconds
  std::optional<std::int64_t> holdout_end;  // for validation
  clv::TimeUnit unit = clv::TimeUnit::week;
  bool merge_days = true;  // purchases on one day are one (false: one per time unit)
  bool discrete = false;   // BG/BB: whole periods, one purchase each
};
// The store's orders summarised per customer (invalid_argument when the store has none, when
// they are in more than one currency, or when nobody bought by the calibration end).
Result<ClvInputs> clv_inputs_from_store(Store& store, const ClvStoreInputOptions& options);

// Fits `model` to the inputs (the spend model to the repeat customers' order values).
Result<clv::FitResult> fit_clv_model(const ClvModel& model, const ClvInputs& inputs,
                                     int threads = 1);

struct ClvForecastOptions {
  ClvModel model;            // a purchase model (not the spend model)
  double horizon = 52;       // in the inputs' unit; whole periods for BG/BB
  double discount_rate = 0;  // per unit
  int threads = 1;           // for the fits' sums and the per-customer predictions
};

struct ClvForecast {
  clv::FitResult fit;                          // of the purchase model
  std::optional<clv::GammaGammaParams> spend;  // when order values are known and q > 1
  std::vector<double> alive, expected;         // per customer
  std::vector<double> order_value, value;      // expected order value, CLV (with spend)
  std::vector<std::string> warnings;           // a fit that did not converge, no spend model
};
// invalid_argument unless the options make sense (a purchase model, a positive horizon, whole
// periods for BG/BB, a rate >= 0): the check forecast_clv makes first, for callers that want it
// before reading the inputs.
Status check_clv_forecast_options(const ClvForecastOptions& options);

// Fits the purchase model and, with order values, the spend model, and predicts every customer.
Result<ClvForecast> forecast_clv(const ClvInputs& inputs, const ClvForecastOptions& options);

// Stores a forecast of store inputs as one CLV run (money rounded to minor units); its id.
Result<std::int64_t> store_clv_forecast(Store& store, const ClvInputs& inputs,
                                        const ClvForecast& forecast,
                                        const ClvForecastOptions& options,
                                        std::string_view model_name, std::int64_t now);

}  // namespace vafa::app
