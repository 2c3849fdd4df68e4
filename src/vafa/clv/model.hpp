// The continuous-time purchase models behind one interface, for callers that pick a model by
// name (the CLI, validation, stored predictions): fit, then predict per customer.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "vafa/clv/fit.hpp"
#include "vafa/clv/rfm.hpp"

namespace vafa::clv {

enum class PurchaseModel { bgnbd, mbgnbd, pareto_nbd };
inline constexpr PurchaseModel kPurchaseModels[] = {PurchaseModel::bgnbd, PurchaseModel::mbgnbd,
                                                    PurchaseModel::pareto_nbd};

std::string_view to_string(PurchaseModel model);  // "bgnbd", "mbgnbd", "pareto-nbd"
Result<PurchaseModel> parse_purchase_model(std::string_view name);

Result<FitResult> fit_purchase_model(PurchaseModel model, const RfmRows& rows,
                                     const FitOptions& options = {});

// A model with its fitted parameters (in the order of FitResult::names).
struct FittedModel {
  PurchaseModel model;
  std::vector<double> params;

  double p_alive(double x, double t_x, double T) const;
  // Purchases in (T, T + t] if alive at T; times p_alive, the conditional expectation. Callers
  // compute p_alive once and use it for every horizon.
  double expected_if_alive(double t, double x, double T) const;
  // The same over a horizon, discounted at `rate` per unit of time (see discount_in_steps).
  double discounted_if_alive(double horizon, double rate, double x, double T) const;

  // The same for every customer of rows at once (vectorised for BG/NBD and MBG/NBD, on
  // `threads` threads; weights are ignored), one element per row: P(alive), purchases over the
  // horizon if alive, and when `discounted` is not empty the same discounted at `rate`.
  void predict(double horizon, double rate, const RfmRows& rows, std::span<double> alive,
               std::span<double> expected, std::span<double> discounted = {},
               int threads = 1) const;
};

}  // namespace vafa::clv
