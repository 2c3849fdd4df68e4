// vafa clv fit | predict: the CLV models on a summary CSV or on the store's orders.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <thread>

#include <fmt/core.h>
#include <fmt/os.h>
#include <nlohmann/json.hpp>

#include "vafa/app/clv.hpp"
#include "vafa/cli/command.hpp"
#include "vafa/clv/bg_family.hpp"
#include "vafa/clv/bgbb.hpp"
#include "vafa/clv/gamma_gamma.hpp"
#include "vafa/clv/model.hpp"
#include "vafa/clv/summary.hpp"
#include "vafa/clv/validate.hpp"
#include "vafa/core/money.hpp"
#include "vafa/core/text.hpp"
#include "vafa/core/time.hpp"
#include "vafa/ingest/csv_reader.hpp"
#include "vafa/report/views.hpp"
#include "vafa/segments/refresh.hpp"

namespace vafa::cli {
namespace {

struct Options {
  std::string model = "bgnbd";
  std::string summary;          // a summary CSV, or empty for the store
  std::string calibration_end;  // date, for the store
  std::string holdout_end;
  std::string unit = "week";
  std::string merge = "day";
  double horizon = 52;
  double discount_rate = 0;
  std::string out;
  bool to_store = false;
  std::string models = "bgnbd,mbgnbd,pareto-nbd";  // for validate
  bool json = false;
  int threads = 0;  // for the fits' sums and the predictions; 0: every core
};

// The thread count the engines are given (they keep no pool of their own).
int threads_of(const Options& o) {
  return o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
}

void add_threads_option(CLI::App* cmd, Options& o) {
  cmd->add_option("--threads", o.threads,
                  "Threads for the fit's sums over customers and the per-customer predictions "
                  "(default: every core)")
      ->check(CLI::Range(1, 1024));
}

using app::ClvInputs;
using app::ClvModel;
using Kind = app::ClvModel::Kind;

Result<double> number(std::string_view text, std::string_view column, std::int64_t line) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) {
    return fail(ErrorCode::invalid_argument, "line {}: column '{}': '{}' is not a number", line,
                column, text);
  }
  return value;
}

// Column positions by header name; the first of each list of synonyms that is present.
std::optional<std::size_t> find_column(const std::vector<std::string>& header,
                                       std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
  }
  return std::nullopt;
}

Result<ClvInputs> read_summary_csv(const std::string& path, bool need_money, bool discrete) {
  VAFA_TRY(ingest::CsvReader reader, ingest::CsvReader::open(path, {}));
  ingest::CsvRecord record;
  VAFA_TRY(const bool any, reader.next(record));
  if (!any) return fail(ErrorCode::invalid_argument, "{}: the file is empty", path);
  std::vector<std::string> header;
  for (std::string_view f : record.fields) header.emplace_back(trim(f));
  const auto x_col = find_column(header, {"frequency", "x"});
  const auto t_col = find_column(header, {"recency", "t_x"});
  const auto T_col = discrete ? find_column(header, {"periods", "n"}) : find_column(header, {"T"});
  const auto m_col = find_column(header, {"monetary_value", "zbar", "monetary"});
  const auto w_col = find_column(header, {"weights", "weight", "count"});
  const auto id_col = find_column(header, {"id", "ID", "customer", "customer_id"});
  if (!x_col || !t_col || !T_col) {
    return fail(ErrorCode::invalid_argument,
                "{}: the header needs columns frequency (or x), recency (or t_x) and {}", path,
                discrete ? "periods (or n)" : "T");
  }
  if (need_money && !m_col) {
    return fail(ErrorCode::invalid_argument,
                "{}: the spend model needs a monetary_value (or zbar) column", path);
  }
  ClvInputs in;
  std::size_t row = 0;
  while (true) {
    VAFA_TRY(const bool more, reader.next(record));
    if (!more) break;
    const std::int64_t line = record.line;
    if (!record.error.empty()) {
      return fail(ErrorCode::invalid_argument, "{}: line {}: {}", path, line, record.error);
    }
    if (record.fields.size() != header.size()) {
      return fail(ErrorCode::invalid_argument, "{}: line {}: {} fields, the header has {}", path,
                  line, record.fields.size(), header.size());
    }
    auto field = [&](std::size_t col) { return trim(record.fields[col]); };
    auto with_file = [&](const Error& e) { return e.with_context(path); };
    auto value = [&](std::optional<std::size_t> col, double fallback) -> Result<double> {
      if (!col) return fallback;
      auto v = number(field(*col), header[*col], line);
      if (!v) return std::unexpected(with_file(v.error()));
      return *v;
    };
    VAFA_TRY(const double x, value(x_col, 0));
    VAFA_TRY(const double t_x, value(t_col, 0));
    VAFA_TRY(const double T, value(T_col, 0));
    VAFA_TRY(const double w, value(w_col, 1));
    if (auto problem =
            discrete ? clv::check_discrete_row(x, t_x, T, w) : clv::check_rfm_row(x, t_x, T, w)) {
      return fail(ErrorCode::invalid_argument, "{}: line {}: {}", path, line, *problem);
    }
    in.ids.push_back(id_col ? std::string(field(*id_col)) : std::to_string(row + 1));
    in.rfm.push(x, t_x, T, w);
    if (m_col) {
      VAFA_TRY(const double m, value(m_col, 0));
      if (x > 0 && (!std::isfinite(m) || m <= 0)) {
        return fail(ErrorCode::invalid_argument,
                    "{}: line {}: a repeat customer's mean order value must be > 0 (got {})", path,
                    line, m);
      }
      in.monetary.push_back(m);
    }
    ++row;
  }
  if (row == 0) return fail(ErrorCode::invalid_argument, "{}: no customer rows", path);
  return in;
}

// Without --calibration-end the prediction describes the same time as the stages and churn
// risks beside it (app::default_calibration_end says which time and why).
Result<ClvInputs> read_store(const Options& o, const Context& context, bool discrete) {
  if (o.calibration_end.empty() && !o.holdout_end.empty()) {
    return fail(ErrorCode::invalid_argument, "--holdout-end needs --calibration-end DATE");
  }
  VAFA_TRY(const clv::TimeUnit unit, clv::parse_time_unit(o.unit));
  if (o.merge != "day" && o.merge != "unit") {
    return fail(ErrorCode::invalid_argument, "--merge: 'day' or 'unit', not '{}'", o.merge);
  }
  app::ClvStoreInputOptions options{
      .unit = unit, .merge_days = o.merge == "day", .discrete = discrete};
  VAFA_TRY(auto store, context.open_store());
  if (o.calibration_end.empty()) {
    VAFA_TRY(const app::CalibrationEnd end, app::default_calibration_end(*store));
    fmt::print(stderr, "vafa: calibration end {} ({}; give --calibration-end for another)\n",
               format_date(from_unix_seconds(end.at)), end.why);
    options.calibration_end = end.at;
  } else {
    VAFA_TRY(options.calibration_end, day_seconds(o.calibration_end, "--calibration-end"));
  }
  if (!o.holdout_end.empty()) {
    VAFA_TRY(options.holdout_end, day_seconds(o.holdout_end, "--holdout-end"));
  }
  return app::clv_inputs_from_store(*store, options);
}

Result<ClvInputs> read_inputs(const Options& o, const Context& context, bool need_money,
                              bool discrete) {
  if (!o.summary.empty()) return read_summary_csv(o.summary, need_money, discrete);
  return read_store(o, context, discrete);
}

nlohmann::ordered_json params_json(const clv::FitResult& fit) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < fit.params.size(); ++i)
    out[std::string(fit.names[i])] = fit.params[i];
  return out;
}

nlohmann::ordered_json fit_json(std::string_view model, const clv::FitResult& fit) {
  nlohmann::ordered_json out;
  out["model"] = model;
  out["params"] = params_json(fit);
  out["std_errors"] = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < fit.params.size(); ++i) {
    out["std_errors"][std::string(fit.names[i])] = fit.std_errors[i]
                                                       ? nlohmann::ordered_json(*fit.std_errors[i])
                                                       : nlohmann::ordered_json(nullptr);
  }
  out["log_likelihood"] = fit.log_likelihood;
  out["aic"] = fit.aic;
  out["bic"] = fit.bic;
  if (fit.customers == std::floor(fit.customers)) {
    out["customers"] = static_cast<std::int64_t>(fit.customers);
  } else {
    out["customers"] = fit.customers;  // fractional weights
  }
  out["iterations"] = fit.iterations;
  out["converged"] = fit.converged;
  return out;
}

void print_fit(std::string_view model, const clv::FitResult& fit) {
  fmt::print("model           {}\n", model);
  fmt::print("customers       {}\n", fit.customers);
  for (std::size_t i = 0; i < fit.params.size(); ++i) {
    fmt::print("{:<15} {:>12.6f}  (std. error {})\n", fit.names[i], fit.params[i],
               fit.std_errors[i] ? fmt::format("{:.6f}", *fit.std_errors[i]) : "n/a");
  }
  fmt::print("log-likelihood  {:.4f}\nAIC             {:.4f}\nBIC             {:.4f}\n",
             fit.log_likelihood, fit.aic, fit.bic);
  fmt::print("converged       {} after {} evaluations\n", fit.converged ? "yes" : "NO",
             fit.iterations);
}

int run_fit(const Options& o, const Context& context) {
  auto model = app::parse_clv_model(o.model);
  if (!model) return report(model.error());
  auto in = read_inputs(o, context, model->kind == Kind::spend, model->kind == Kind::bgbb);
  if (!in) return report(in.error());
  auto fit = app::fit_clv_model(*model, *in, threads_of(o));
  if (!fit) return report(fit.error());
  if (o.json) {
    fmt::print("{}\n", fit_json(o.model, *fit).dump(2));
  } else {
    print_fit(o.model, *fit);
  }
  return fit->converged ? kOk : kFailure;
}

int run_predict(const Options& o, const Context& context) {
  auto model = app::parse_clv_model(o.model);
  if (!model) return report(model.error());
  const app::ClvForecastOptions options{.model = *model,
                                        .horizon = o.horizon,
                                        .discount_rate = o.discount_rate,
                                        .threads = threads_of(o)};
  if (Status checked = app::check_clv_forecast_options(options); !checked) {
    return report(checked.error());
  }
  if (o.to_store && !o.summary.empty()) {
    return report(Error{ErrorCode::invalid_argument,
                        "--store writes predictions for the store's customers: use it with "
                        "--calibration-end, not --summary"});
  }
  if (o.to_store && !o.out.empty()) {
    return report(Error{ErrorCode::invalid_argument, "give --store or --out, not both"});
  }
  auto in = read_inputs(o, context, false, model->kind == Kind::bgbb);
  if (!in) return report(in.error());
  auto forecast = app::forecast_clv(*in, options);
  if (!forecast) return report(forecast.error());
  for (const std::string& warning : forecast->warnings) {
    fmt::print(stderr, "vafa: warning: {}\n", warning);
  }
  const std::size_t n = in->rfm.size();
  const bool spend = forecast->spend.has_value();
  if (o.to_store) {
    auto store = context.open_store();
    if (!store) return report(store.error());
    auto id = app::store_clv_forecast(**store, *in, *forecast, options, o.model, clock_now());
    if (!id) return report(id.error());
    fmt::print("stored {} predictions ({} over {} {}s) as CLV run {}\n", n, o.model, o.horizon,
               in->unit, *id);
    return kOk;
  }
  std::FILE* out = stdout;
  if (!o.out.empty()) {
    out = std::fopen(o.out.c_str(), "w");
    if (out == nullptr) {
      return report(Error{ErrorCode::io, fmt::format("cannot write {}", o.out)});
    }
  }
  std::string buffer =
      model->kind == Kind::bgbb ? "id,frequency,recency,periods" : "id,frequency,recency,T";
  buffer += ",p_alive,expected_purchases";
  if (spend) buffer += ",expected_order_value,clv";
  buffer += '\n';
  for (std::size_t i = 0; i < n; ++i) {
    append_csv_field(buffer, in->ids[i]);
    fmt::format_to(std::back_inserter(buffer), ",{},{},{},{:.6f},{:.6f}", in->rfm.x[i],
                   in->rfm.t_x[i], in->rfm.T[i], forecast->alive[i], forecast->expected[i]);
    if (spend) {
      fmt::format_to(std::back_inserter(buffer), ",{:.2f},{:.2f}", forecast->order_value[i],
                     forecast->value[i]);
    }
    buffer += '\n';
    if (buffer.size() > (1 << 20) || i + 1 == n) {
      if (std::fwrite(buffer.data(), 1, buffer.size(), out) != buffer.size()) {
        if (out != stdout) std::fclose(out);
        return report(Error{ErrorCode::io, fmt::format("writing {} failed", o.out)});
      }
      buffer.clear();
    }
  }
  if (out != stdout && std::fclose(out) != 0) {
    return report(Error{ErrorCode::io, fmt::format("closing {} failed", o.out)});
  }
  return kOk;
}

Result<std::vector<clv::PurchaseModel>> parse_model_list(std::string_view list) {
  std::vector<clv::PurchaseModel> models;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const std::string_view name = trim(list.substr(start, comma - start));
    auto m = clv::parse_purchase_model(name);
    if (!m) {
      return fail(ErrorCode::invalid_argument,
                  "--models: '{}' is not a purchase model to validate (bgnbd, mbgnbd, pareto-nbd)",
                  name);
    }
    if (std::find(models.begin(), models.end(), *m) == models.end()) models.push_back(*m);
    start = comma + 1;
  }
  return models;
}

nlohmann::ordered_json increments(const std::vector<double>& cumulative) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  double before = 0;
  for (double c : cumulative) {
    out.push_back(c - before);
    before = c;
  }
  return out;
}

int run_validate(const Options& o, const Context& context) {
  if (!o.summary.empty()) {
    return report(Error{ErrorCode::invalid_argument,
                        "validate reads the store's orders: give --calibration-end and "
                        "--holdout-end instead of --summary"});
  }
  if (o.calibration_end.empty() || o.holdout_end.empty()) {
    return report(Error{ErrorCode::invalid_argument,
                        "validate needs --calibration-end DATE and --holdout-end DATE"});
  }
  auto models = parse_model_list(o.models);
  if (!models) return report(models.error());
  auto in = read_inputs(o, context, false, false);
  if (!in) return report(in.error());
  auto v = clv::validate_models({in->rfm, in->holdout, in->holdout_by_unit, in->holdout_length},
                                {.models = *models, .threads = threads_of(o)});
  if (!v) return report(v.error());
  if (o.to_store) {
    // Kept for the dashboard's CLV page (model comparison and holdout tracking).
    auto calibration_end = parse_time_flag("--calibration-end", o.calibration_end);
    if (!calibration_end) return report(calibration_end.error());
    auto holdout_end = parse_time_flag("--holdout-end", o.holdout_end);
    if (!holdout_end) return report(holdout_end.error());
    auto store = context.open_store();
    if (!store) return report(store.error());
    const Status put =
        report::put_view(**store, "clv.validation", *holdout_end, clock_now(),
                         report::validation_view(*v, in->unit, *calibration_end, *holdout_end));
    if (!put) return report(put.error());
  }
  const std::vector<std::string> groups = [&] {
    std::vector<std::string> g;
    for (std::size_t k = 0; k < v->group_customers.size(); ++k) g.push_back(std::to_string(k));
    g.back() += "+";
    return g;
  }();
  if (o.json) {
    nlohmann::ordered_json out;
    out["calibration_end"] = o.calibration_end;
    out["holdout_end"] = o.holdout_end;
    out["unit"] = in->unit;
    out["holdout_length"] = v->points.back();
    out["customers"] = in->rfm.size();
    out["actual_purchases"] = v->actual_total;
    out["best"] = v->best ? nlohmann::ordered_json(clv::to_string(v->models[*v->best].model))
                          : nlohmann::ordered_json(nullptr);
    out["models"] = nlohmann::ordered_json::array();
    for (const auto& m : v->models) {
      nlohmann::ordered_json j;
      j["model"] = clv::to_string(m.model);
      if (!m.fit) {
        j["error"] = m.error;
      } else {
        j["params"] = params_json(*m.fit);
        j["log_likelihood"] = m.fit->log_likelihood;
        j["converged"] = m.fit->converged;
        j["predicted_purchases"] = m.predicted_total;
        j["mae"] = m.mae;
        j["rmse"] = m.rmse;
      }
      out["models"].push_back(j);
    }
    auto& tracking = out["tracking"];
    tracking["points"] = v->points;
    tracking["actual_cumulative"] = v->actual_cumulative;
    tracking["actual_incremental"] = increments(v->actual_cumulative);
    auto& by_freq = out["by_frequency"];
    by_freq["frequency"] = groups;
    by_freq["customers"] = v->group_customers;
    by_freq["actual"] = v->actual_by_frequency;
    for (const auto& m : v->models) {
      if (!m.fit) continue;
      const std::string name(clv::to_string(m.model));
      tracking["models"][name]["cumulative"] = m.cumulative;
      tracking["models"][name]["incremental"] = increments(m.cumulative);
      by_freq["models"][name] = m.by_frequency;
    }
    fmt::print("{}\n", out.dump(2));
  } else {
    fmt::print("holdout: {:.1f} {}s after {}, {} customers, {} purchases\n\n", v->points.back(),
               in->unit, o.calibration_end, in->rfm.size(), v->actual_total);
    fmt::print("{:<12} {:>15} {:>9} {:>12} {:>8} {:>8}\n", "model", "log-likelihood", "converged",
               "predicted", "MAE", "RMSE");
    for (const auto& m : v->models) {
      if (!m.fit) {
        fmt::print("{:<12} failed: {}\n", clv::to_string(m.model), m.error);
        continue;
      }
      fmt::print("{:<12} {:>15.2f} {:>9} {:>12.1f} {:>8.4f} {:>8.4f}\n", clv::to_string(m.model),
                 m.fit->log_likelihood, m.fit->converged ? "yes" : "NO", m.predicted_total, m.mae,
                 m.rmse);
    }
    fmt::print("\nmean holdout purchases by calibration frequency\n{:<9} {:>9} {:>8}", "frequency",
               "customers", "actual");
    for (const auto& m : v->models) {
      if (m.fit) fmt::print(" {:>10}", clv::to_string(m.model));
    }
    fmt::print("\n");
    for (std::size_t k = 0; k < groups.size(); ++k) {
      fmt::print("{:<9} {:>9} {:>8.3f}", groups[k], v->group_customers[k],
                 v->actual_by_frequency[k]);
      for (const auto& m : v->models) {
        if (m.fit) fmt::print(" {:>10.3f}", m.by_frequency[k]);
      }
      fmt::print("\n");
    }
    if (v->best) {
      fmt::print("\nbest: {} (lowest per-customer RMSE)\n",
                 clv::to_string(v->models[*v->best].model));
    } else {
      fmt::print("\nno model converged\n");
    }
  }
  return v->best ? kOk : kFailure;
}

void add_input_options(CLI::App* cmd, Options& o) {
  cmd->add_option("--model", o.model, "bgnbd, pareto-nbd, mbgnbd, bgbb or gamma-gamma")
      ->capture_default_str();
  cmd->add_option("--summary", o.summary,
                  "CSV with frequency (or x), recency (or t_x), T (bgbb: periods) [, "
                  "monetary_value (or zbar), weights, id]");
  cmd->add_option("--calibration-end", o.calibration_end,
                  "Use the store's orders up to this date (YYYY-MM-DD); default: the as-of of the "
                  "last refresh");
  cmd->add_option("--unit", o.unit, "Time unit with the store: day, week, month, year")
      ->capture_default_str();
  cmd->add_option("--merge", o.merge,
                  "Purchases that count once: on the same 'day', or in the same 'unit'")
      ->capture_default_str();
}

}  // namespace

void add_clv_command(CLI::App& app, const Context& context, Runner& runner) {
  auto options = std::make_shared<Options>();
  CLI::App* clv = app.add_subcommand("clv", "Fit the CLV models and predict per customer");
  clv->require_subcommand(1);

  CLI::App* fit = clv->add_subcommand("fit", "Fit a model by maximum likelihood");
  add_input_options(fit, *options);
  fit->add_flag("--json", options->json, "Print one JSON object");
  add_threads_option(fit, *options);
  fit->callback([options, &context, &runner] {
    runner = [options, &context] { return run_fit(*options, context); };
  });

  CLI::App* predict = clv->add_subcommand(
      "predict", "Per customer: probability alive, expected purchases, order value and CLV");
  add_input_options(predict, *options);
  predict->add_option("--horizon", options->horizon, "Prediction horizon in the data's unit")
      ->capture_default_str();
  predict
      ->add_option("--discount-rate", options->discount_rate,
                   "Discount rate per unit of time for the CLV")
      ->capture_default_str();
  predict->add_option("--out", options->out, "CSV file to write (default: standard output)");
  predict->add_flag("--store", options->to_store,
                    "Write the predictions into the store (replacing the previous run's)");
  add_threads_option(predict, *options);
  predict->callback([options, &context, &runner] {
    runner = [options, &context] { return run_predict(*options, context); };
  });

  CLI::App* validate = clv->add_subcommand(
      "validate", "Fit on a calibration period, compare the models on the holdout after it");
  validate->add_option("--calibration-end", options->calibration_end, "YYYY-MM-DD")->required();
  validate->add_option("--holdout-end", options->holdout_end, "YYYY-MM-DD")->required();
  validate->add_option("--unit", options->unit, "Time unit: day, week, month, year")
      ->capture_default_str();
  validate->add_option("--merge", options->merge, "Purchases that count once: 'day' or 'unit'")
      ->capture_default_str();
  validate->add_option("--models", options->models, "Comma-separated purchase models")
      ->capture_default_str();
  validate->add_flag("--json", options->json, "Print one JSON object");
  add_threads_option(validate, *options);
  validate->add_flag("--store", options->to_store,
                     "Also keep the comparison for the dashboard and the report");
  validate->callback([options, &context, &runner] {
    runner = [options, &context] { return run_validate(*options, context); };
  });
}

}  // namespace vafa::cli
