#include "vafa/clv/model.hpp"

#include "vafa/clv/bg_family.hpp"
#include "vafa/clv/pareto_nbd.hpp"
#include "vafa/clv/special.hpp"

namespace vafa::clv {
namespace {

BgVariant variant(PurchaseModel m) {
  return m == PurchaseModel::mbgnbd ? BgVariant::mbgnbd : BgVariant::bgnbd;
}
BgParams bg(const std::vector<double>& p) { return {p[0], p[1], p[2], p[3]}; }
ParetoParams pareto(const std::vector<double>& p) { return {p[0], p[1], p[2], p[3]}; }

}  // namespace

std::string_view to_string(PurchaseModel model) {
  switch (model) {
    case PurchaseModel::bgnbd: return "bgnbd";
    case PurchaseModel::mbgnbd: return "mbgnbd";
    case PurchaseModel::pareto_nbd: return "pareto-nbd";
  }
  return "?";
}

Result<PurchaseModel> parse_purchase_model(std::string_view name) {
  for (PurchaseModel m : kPurchaseModels) {
    if (name == to_string(m)) return m;
  }
  return fail(ErrorCode::invalid_argument,
              "unknown purchase model '{}' (bgnbd, mbgnbd, pareto-nbd)", name);
}

Result<FitResult> fit_purchase_model(PurchaseModel model, const RfmRows& rows,
                                     const FitOptions& options) {
  if (model == PurchaseModel::pareto_nbd) return pnbd_fit(rows, options);
  return bg_fit(variant(model), rows, options);
}

double FittedModel::p_alive(double x, double t_x, double T) const {
  if (model == PurchaseModel::pareto_nbd) return pnbd_p_alive(pareto(params), x, t_x, T);
  return bg_p_alive(variant(model), bg(params), x, t_x, T);
}

double FittedModel::expected_if_alive(double t, double x, double T) const {
  if (model == PurchaseModel::pareto_nbd) return pnbd_expected_if_alive(pareto(params), t, x, T);
  return bg_expected_if_alive(variant(model), bg(params), t, x, T);
}

double FittedModel::discounted_if_alive(double horizon, double rate, double x, double T) const {
  return discount_in_steps(horizon, rate, [&](double t) { return expected_if_alive(t, x, T); });
}

void FittedModel::predict(double horizon, double rate, const RfmRows& rows, std::span<double> alive,
                          std::span<double> expected, std::span<double> discounted,
                          int threads) const {
  if (model != PurchaseModel::pareto_nbd) {
    bg_predict(variant(model), bg(params), horizon, rate, rows, alive, expected, discounted,
               threads);
    return;
  }
  const auto n = static_cast<std::ptrdiff_t>(rows.size());
#pragma omp parallel for schedule(dynamic, 1024) num_threads(threads < 1 ? 1 : threads)
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    const double x = rows.x[i], T = rows.T[i];
    alive[i] = p_alive(x, rows.t_x[i], T);
    expected[i] = expected_if_alive(horizon, x, T);
    if (!discounted.empty()) discounted[i] = discounted_if_alive(horizon, rate, x, T);
  }
}

}  // namespace vafa::clv
