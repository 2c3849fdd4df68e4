#include "vafa/app/clv.hpp"

#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

#include "vafa/clv/bgbb.hpp"
#include "vafa/core/money.hpp"
#include "vafa/segments/refresh.hpp"

namespace vafa::app {

Result<ClvModel> parse_clv_model(std::string_view name) {
  if (name == "gamma-gamma") return ClvModel{ClvModel::Kind::spend};
  if (name == "bgbb") return ClvModel{ClvModel::Kind::bgbb};
  auto purchase = clv::parse_purchase_model(name);
  if (!purchase) {
    return fail(ErrorCode::invalid_argument,
                "unknown model '{}' (bgnbd, pareto-nbd, mbgnbd, bgbb, gamma-gamma)", name);
  }
  return ClvModel{ClvModel::Kind::purchase, *purchase};
}

Result<CalibrationEnd> default_calibration_end(Store& store) {
  VAFA_TRY(const auto population, segments::stored_population(store));
  if (population) return CalibrationEnd{population->as_of, "the as-of of the last refresh"};
  VAFA_TRY(const auto last, segments::last_activity(store));
  if (!last) return fail(ErrorCode::invalid_argument, "the store has no orders");
  return CalibrationEnd{(*last / 86'400 + 1) * 86'400,
                        "the day after the store's last order or event"};
}

Result<ClvInputs> clv_inputs_from_store(Store& store, const ClvStoreInputOptions& o) {
  clv::SummaryOptions options{
      .unit = o.unit, .merge = o.merge_days && !o.discrete ? clv::Merge::day : clv::Merge::unit};
  options.calibration_end = o.calibration_end;
  if (o.holdout_end) options.holdout_end = *o.holdout_end;
  std::vector<clv::Purchase> purchases;
  std::string currency;
  VAFA_CHECK(store.scan_purchases([&](const PurchaseRecord& p) -> Status {
    if (currency.empty()) currency = p.currency;
    if (p.currency != currency) {
      return fail(ErrorCode::invalid_argument,
                  "the store's orders are in {} and {}: the spend model needs one currency",
                  currency, p.currency);
    }
    purchases.push_back({p.customer, p.placed_at, p.total_minor});
    return {};
  }));
  if (purchases.empty()) return fail(ErrorCode::invalid_argument, "the store has no orders");
  VAFA_TRY(clv::Summary summary, clv::summarize(purchases, options));
  if (summary.customer.empty()) {
    return fail(ErrorCode::invalid_argument, "no customer bought on or before {}",
                format_date(from_unix_seconds(o.calibration_end)));
  }
  std::map<std::int64_t, std::string> names;
  VAFA_CHECK(store.scan_customers([&](std::int64_t row, std::string_view id) -> Status {
    names.emplace(row, id);
    return {};
  }));
  const auto parsed = Currency::parse(currency);
  ClvInputs in;
  in.exponent = parsed ? parsed->exponent() : 2;
  in.currency = currency;
  in.unit = std::string(clv::to_string(o.unit));
  in.calibration_end = options.calibration_end;
  in.rfm = std::move(summary.rfm);
  in.rows = summary.customer;
  in.holdout = std::move(summary.holdout_purchases);
  in.holdout_by_unit = std::move(summary.holdout_by_unit);
  in.holdout_length = summary.holdout_length;
  for (std::size_t i = 0; i < summary.customer.size(); ++i) {
    in.ids.push_back(names[summary.customer[i]]);
    in.monetary.push_back(summary.monetary[i] / std::pow(10.0, in.exponent));
  }
  return in;
}

namespace {

clv::DiscreteRows discrete_rows(const ClvInputs& in) {
  clv::DiscreteRows rows;
  for (std::size_t i = 0; i < in.rfm.size(); ++i) {
    rows.push(in.rfm.x[i], in.rfm.t_x[i], in.rfm.T[i], in.rfm.weight[i]);
  }
  return rows;
}

clv::SpendRows spend_rows(const ClvInputs& in) {
  clv::SpendRows rows;
  for (std::size_t i = 0; i < in.rfm.size(); ++i) {
    if (in.rfm.x[i] > 0 && in.monetary[i] > 0) {
      rows.push(in.rfm.x[i], in.monetary[i], in.rfm.weight[i]);
    }
  }
  return rows;
}

}  // namespace

Result<clv::FitResult> fit_clv_model(const ClvModel& model, const ClvInputs& in, int threads) {
  const clv::FitOptions options{.threads = threads < 1 ? 1 : threads};
  switch (model.kind) {
    case ClvModel::Kind::purchase: return clv::fit_purchase_model(model.purchase, in.rfm, options);
    case ClvModel::Kind::bgbb: return clv::bgbb_fit(discrete_rows(in));
    case ClvModel::Kind::spend: {
      const clv::SpendRows rows = spend_rows(in);
      if (rows.size() == 0) {
        return fail(ErrorCode::invalid_argument, "no repeat customer with a positive order value");
      }
      return clv::gg_fit(rows, options);
    }
  }
  return fail(ErrorCode::internal, "unknown model");
}

Status check_clv_forecast_options(const ClvForecastOptions& o) {
  if (o.model.kind == ClvModel::Kind::spend) {
    return fail(ErrorCode::invalid_argument,
                "--model names the purchase model (bgnbd, pareto-nbd, mbgnbd, bgbb); the spend "
                "model (gamma-gamma) is fitted alongside when order values are known");
  }
  if (!(o.horizon > 0) || !std::isfinite(o.horizon)) {
    return fail(ErrorCode::invalid_argument, "--horizon must be a positive number");
  }
  if (!(o.discount_rate >= 0) || !std::isfinite(o.discount_rate)) {
    return fail(ErrorCode::invalid_argument, "--discount-rate must be >= 0");
  }
  if (o.model.kind == ClvModel::Kind::bgbb && o.horizon != std::floor(o.horizon)) {
    return fail(ErrorCode::invalid_argument, "--horizon counts whole periods for bgbb (got {})",
                o.horizon);
  }
  return {};
}

Result<ClvForecast> forecast_clv(const ClvInputs& in, const ClvForecastOptions& o) {
  VAFA_CHECK(check_clv_forecast_options(o));
  ClvForecast out;
  VAFA_TRY(out.fit, fit_clv_model(o.model, in, o.threads));
  if (!out.fit.converged) {
    const std::string name = o.model.kind == ClvModel::Kind::bgbb
                                 ? std::string("bgbb")
                                 : std::string(clv::to_string(o.model.purchase));
    out.warnings.push_back(
        fmt::format("the {} fit did not converge; predictions may be off", name));
  }
  // The spend model counts only when its expected value is finite (q > 1).
  if (!in.monetary.empty()) {
    const clv::SpendRows rows = spend_rows(in);
    if (rows.size() > 0) {
      auto gg = clv::gg_fit(rows, clv::FitOptions{.threads = o.threads < 1 ? 1 : o.threads});
      if (gg && gg->params[1] > 1) {
        out.spend = clv::GammaGammaParams{gg->params[0], gg->params[1], gg->params[2]};
      }
    }
    if (!out.spend) out.warnings.push_back("the spend model could not be fitted; no CLV column");
  }
  const std::size_t n = in.rfm.size();
  const bool discounted = out.spend.has_value();
  out.alive.assign(n, 0.0);
  out.expected.assign(n, 0.0);
  std::vector<double> discounted_expected(discounted ? n : 0, 0.0);
  const int threads = o.threads < 1 ? 1 : o.threads;
  if (o.model.kind == ClvModel::Kind::bgbb) {
    const clv::BgbbParams p{out.fit.params[0], out.fit.params[1], out.fit.params[2],
                            out.fit.params[3]};
    const int periods = static_cast<int>(o.horizon);
    const auto count = static_cast<std::ptrdiff_t>(n);
#pragma omp parallel for schedule(dynamic, 4096) num_threads(threads)
    for (std::ptrdiff_t i = 0; i < count; ++i) {
      const double x = in.rfm.x[i], t_x = in.rfm.t_x[i], seen = in.rfm.T[i];
      out.alive[i] = clv::bgbb_p_alive(p, x, t_x, seen);
      out.expected[i] = clv::bgbb_conditional_expected(p, periods, x, t_x, seen);
      if (discounted) {
        discounted_expected[i] =
            clv::bgbb_discounted_expected(p, periods, o.discount_rate, x, t_x, seen);
      }
    }
  } else {
    // P(alive) once per customer, times the expectations if alive.
    const clv::FittedModel m{o.model.purchase, out.fit.params};
    m.predict(o.horizon, o.discount_rate, in.rfm, out.alive, out.expected, discounted_expected,
              threads);
    for (std::size_t i = 0; i < n; ++i) {
      out.expected[i] *= out.alive[i];
      if (discounted) discounted_expected[i] *= out.alive[i];
    }
  }
  // A degenerate fit (no dropout in the data drives a and b to millions) can leave predictions
  // that are not numbers: refused here with what to try, rather than stored or printed as nan.
  std::size_t broken = 0;
  for (std::size_t i = 0; i < n; ++i) {
    broken += std::isfinite(out.alive[i]) && std::isfinite(out.expected[i]) ? 0 : 1;
  }
  if (broken > 0) {
    std::string params;
    for (std::size_t k = 0; k < out.fit.params.size(); ++k) {
      params +=
          fmt::format("{}{} = {:.4g}", k == 0 ? "" : ", ", out.fit.names[k], out.fit.params[k]);
    }
    return fail(ErrorCode::aborted,
                "the fitted model ({}) gives no finite prediction for {} of {} customers; the "
                "history may show too little dropout: try --model pareto-nbd or a later "
                "--calibration-end",
                params, broken, n);
  }
  if (out.spend) {
    out.order_value.assign(n, 0.0);
    out.value.assign(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      out.order_value[i] =
          clv::gg_expected_value(*out.spend, in.rfm.x[i], in.monetary[i]).value_or(0.0);
      out.value[i] = out.order_value[i] * discounted_expected[i];
    }
  }
  return out;
}

Result<std::int64_t> store_clv_forecast(Store& store, const ClvInputs& in,
                                        const ClvForecast& forecast,
                                        const ClvForecastOptions& options,
                                        std::string_view model_name, std::int64_t now) {
  if (in.rows.size() != in.rfm.size()) {
    return fail(ErrorCode::invalid_argument,
                "only predictions for the store's customers can be stored");
  }
  const double scale = std::pow(10.0, in.exponent);
  const std::size_t n = in.rfm.size();
  std::vector<ClvPrediction> rows(n);
  for (std::size_t i = 0; i < n; ++i) {
    rows[i] = {in.rows[i],  in.rfm.x[i],       in.rfm.t_x[i],
               in.rfm.T[i], forecast.alive[i], forecast.expected[i]};
    if (forecast.spend) {
      rows[i].expected_order_value_minor = std::llround(forecast.order_value[i] * scale);
      rows[i].clv_minor = std::llround(forecast.value[i] * scale);
    }
  }
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < forecast.fit.params.size(); ++i) {
    params[std::string(forecast.fit.names[i])] = forecast.fit.params[i];
  }
  const ClvRun run{.model = std::string(model_name),
                   .params_json = params.dump(),
                   .calibration_end = in.calibration_end,
                   .unit = in.unit,
                   .horizon = options.horizon,
                   .discount_rate = options.discount_rate,
                   .currency = forecast.spend ? in.currency : std::string(),
                   .created_at = now};
  return store.put_clv_predictions(run, rows);
}

}  // namespace vafa::app
