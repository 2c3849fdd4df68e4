// Holdout validation: fit each purchase model on the calibration period, predict the holdout
// period, and compare with what the customers did (per customer, in aggregate over time, and by
// calibration frequency, as in Fader, Hardie & Lee 2005).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vafa/clv/fit.hpp"
#include "vafa/clv/model.hpp"
#include "vafa/clv/rfm.hpp"

namespace vafa::clv {

struct ValidationInput {
  RfmRows calibration;                  // weight 1 per customer
  std::vector<double> holdout;          // each customer's holdout purchases
  std::vector<double> holdout_by_unit;  // all customers' holdout purchases per unit of time
  double holdout_length = 0;            // in units
};

struct ValidationOptions {
  std::vector<PurchaseModel> models{std::begin(kPurchaseModels), std::end(kPurchaseModels)};
  int frequency_groups = 8;  // x = 0, 1, ..., 6 and "7 or more"
  int max_points = 60;       // tracking points over the holdout (each a whole number of units)
  int threads = 1;           // for the fits and the holdout sums
};

struct ModelValidation {
  PurchaseModel model;
  std::optional<FitResult> fit;  // nullopt when the fit failed
  std::string error;             // why it failed
  double mae = 0, rmse = 0;      // per customer, holdout purchases
  double predicted_total = 0;
  std::vector<double> cumulative;    // predicted, at each tracking point
  std::vector<double> by_frequency;  // predicted mean per calibration frequency group
};

struct Validation {
  std::vector<double> points;               // tracking points, in units since the holdout began
  std::vector<double> actual_cumulative;    // all customers' purchases by each point
  std::vector<double> group_customers;      // customers per calibration frequency group
  std::vector<double> actual_by_frequency;  // mean holdout purchases per group
  double actual_total = 0;
  std::vector<ModelValidation> models;
  // The converged model with the lowest per-customer RMSE (ties: lower MAE); nullopt if none.
  std::optional<std::size_t> best;
};

Result<Validation> validate_models(const ValidationInput& input,
                                   const ValidationOptions& options = {});

}  // namespace vafa::clv
