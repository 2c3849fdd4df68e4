// vafa clv fit | predict: the CLV models on a summary CSV or on the store's orders.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include <fmt/core.h>
#include <fmt/os.h>
#include <nlohmann/json.hpp>

#include "vafa/cli/command.hpp"
#include "vafa/clv/bg_family.hpp"
#include "vafa/clv/gamma_gamma.hpp"
#include "vafa/clv/summary.hpp"
#include "vafa/core/money.hpp"
#include "vafa/core/text.hpp"
#include "vafa/core/time.hpp"
#include "vafa/ingest/csv_reader.hpp"

namespace vafa::cli {
namespace {

using clv::BgVariant;

enum class ModelName { bgnbd, mbgnbd, gamma_gamma };

Result<ModelName> parse_model(std::string_view name) {
  if (name == "bgnbd") return ModelName::bgnbd;
  if (name == "mbgnbd") return ModelName::mbgnbd;
  if (name == "gamma-gamma") return ModelName::gamma_gamma;
  if (name == "pareto-nbd" || name == "bgbb") {
    return fail(ErrorCode::invalid_argument, "model '{}' is not available yet", name);
  }
  return fail(ErrorCode::invalid_argument, "unknown model '{}' (bgnbd, mbgnbd, gamma-gamma)", name);
}

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
  bool json = false;
};

// The customers' inputs, from either source. Money is in the input's own units: the CSV's, or
// the store's currency in major units.
struct Inputs {
  std::vector<std::string> ids;
  clv::RfmRows rfm;
  std::vector<double> monetary;  // mean repeat order value; empty if the input has none
  std::string currency;          // from the store
  std::string unit;              // "week", ... or "" for a CSV (its own unit)
};

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

Result<Inputs> read_summary_csv(const std::string& path, bool need_money) {
  VAFA_TRY(ingest::CsvReader reader, ingest::CsvReader::open(path, {}));
  ingest::CsvRecord record;
  VAFA_TRY(const bool any, reader.next(record));
  if (!any) return fail(ErrorCode::invalid_argument, "{}: the file is empty", path);
  std::vector<std::string> header;
  for (std::string_view f : record.fields) header.emplace_back(trim(f));
  const auto x_col = find_column(header, {"frequency", "x"});
  const auto t_col = find_column(header, {"recency", "t_x"});
  const auto T_col = find_column(header, {"T"});
  const auto m_col = find_column(header, {"monetary_value", "zbar", "monetary"});
  const auto w_col = find_column(header, {"weights", "weight", "count"});
  const auto id_col = find_column(header, {"id", "ID", "customer", "customer_id"});
  if (!x_col || !t_col || !T_col) {
    return fail(ErrorCode::invalid_argument,
                "{}: the header needs columns frequency (or x), recency (or t_x) and T", path);
  }
  if (need_money && !m_col) {
    return fail(ErrorCode::invalid_argument,
                "{}: the spend model needs a monetary_value (or zbar) column", path);
  }
  Inputs in;
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
    if (auto problem = clv::check_rfm_row(x, t_x, T, w)) {
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

Result<std::int64_t> day_seconds(std::string_view text, std::string_view flag) {
  auto date = parse_date(text);
  if (!date) {
    return fail(ErrorCode::invalid_argument, "{}: '{}' is not a date (YYYY-MM-DD)", flag, text);
  }
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::sys_days(*date).time_since_epoch())
      .count();
}

Result<Inputs> read_store(const Options& o, const Context& context) {
  if (o.calibration_end.empty()) {
    return fail(ErrorCode::invalid_argument,
                "give --summary FILE, or --calibration-end DATE to use the store's orders");
  }
  VAFA_TRY(const clv::TimeUnit unit, clv::parse_time_unit(o.unit));
  if (o.merge != "day" && o.merge != "unit") {
    return fail(ErrorCode::invalid_argument, "--merge: 'day' or 'unit', not '{}'", o.merge);
  }
  clv::SummaryOptions options{.unit = unit,
                              .merge = o.merge == "day" ? clv::Merge::day : clv::Merge::unit};
  VAFA_TRY(options.calibration_end, day_seconds(o.calibration_end, "--calibration-end"));
  VAFA_TRY(auto store, context.open_store());
  std::vector<clv::Purchase> purchases;
  std::string currency;
  VAFA_CHECK(store->scan_purchases([&](const PurchaseRecord& p) -> Status {
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
                o.calibration_end);
  }
  std::map<std::int64_t, std::string> names;
  VAFA_CHECK(store->scan_customers([&](std::int64_t row, std::string_view id) -> Status {
    names.emplace(row, id);
    return {};
  }));
  const auto parsed = Currency::parse(currency);
  const int exponent = parsed ? parsed->exponent() : 2;
  Inputs in;
  in.currency = currency;
  in.unit = std::string(clv::to_string(unit));
  in.rfm = std::move(summary.rfm);
  for (std::size_t i = 0; i < summary.customer.size(); ++i) {
    in.ids.push_back(names[summary.customer[i]]);
    in.monetary.push_back(summary.monetary[i] / std::pow(10.0, exponent));
  }
  return in;
}

Result<Inputs> read_inputs(const Options& o, const Context& context, bool need_money) {
  if (!o.summary.empty()) return read_summary_csv(o.summary, need_money);
  return read_store(o, context);
}

clv::SpendRows spend_rows(const Inputs& in) {
  clv::SpendRows rows;
  for (std::size_t i = 0; i < in.rfm.size(); ++i) {
    if (in.rfm.x[i] > 0 && in.monetary[i] > 0) {
      rows.push(in.rfm.x[i], in.monetary[i], in.rfm.weight[i]);
    }
  }
  return rows;
}

Result<clv::FitResult> fit_model(ModelName model, const Inputs& in) {
  switch (model) {
    case ModelName::bgnbd: return clv::bg_fit(BgVariant::bgnbd, in.rfm);
    case ModelName::mbgnbd: return clv::bg_fit(BgVariant::mbgnbd, in.rfm);
    case ModelName::gamma_gamma: {
      const clv::SpendRows rows = spend_rows(in);
      if (rows.size() == 0) {
        return fail(ErrorCode::invalid_argument, "no repeat customer with a positive order value");
      }
      return clv::gg_fit(rows);
    }
  }
  return fail(ErrorCode::internal, "unknown model");
}

nlohmann::ordered_json fit_json(std::string_view model, const clv::FitResult& fit) {
  nlohmann::ordered_json out;
  out["model"] = model;
  out["params"] = nlohmann::ordered_json::object();
  out["std_errors"] = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < fit.params.size(); ++i) {
    const std::string name(fit.names[i]);
    out["params"][name] = fit.params[i];
    out["std_errors"][name] = fit.std_errors[i] ? nlohmann::ordered_json(*fit.std_errors[i])
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
  auto model = parse_model(o.model);
  if (!model) return report(model.error());
  auto in = read_inputs(o, context, *model == ModelName::gamma_gamma);
  if (!in) return report(in.error());
  auto fit = fit_model(*model, *in);
  if (!fit) return report(fit.error());
  if (o.json) {
    fmt::print("{}\n", fit_json(o.model, *fit).dump(2));
  } else {
    print_fit(o.model, *fit);
  }
  return fit->converged ? kOk : kFailure;
}

int run_predict(const Options& o, const Context& context) {
  auto model = parse_model(o.model);
  if (!model) return report(model.error());
  if (*model == ModelName::gamma_gamma) {
    return report(Error{ErrorCode::invalid_argument,
                        "--model names the purchase model (bgnbd, mbgnbd); the spend model "
                        "(gamma-gamma) is fitted alongside when order values are known"});
  }
  if (!(o.horizon > 0) || !std::isfinite(o.horizon)) {
    return report(Error{ErrorCode::invalid_argument, "--horizon must be a positive number"});
  }
  if (!(o.discount_rate >= 0) || !std::isfinite(o.discount_rate)) {
    return report(Error{ErrorCode::invalid_argument, "--discount-rate must be >= 0"});
  }
  auto in = read_inputs(o, context, false);
  if (!in) return report(in.error());
  const BgVariant variant = *model == ModelName::bgnbd ? BgVariant::bgnbd : BgVariant::mbgnbd;
  auto fit = clv::bg_fit(variant, in->rfm);
  if (!fit) return report(fit.error());
  const clv::BgParams p{fit->params[0], fit->params[1], fit->params[2], fit->params[3]};
  std::optional<clv::GammaGammaParams> spend;
  if (!in->monetary.empty()) {
    const clv::SpendRows rows = spend_rows(*in);
    if (rows.size() > 0) {
      auto gg = clv::gg_fit(rows);
      if (gg && gg->params[1] > 1)
        spend = clv::GammaGammaParams{gg->params[0], gg->params[1], gg->params[2]};
    }
    if (!spend) {
      fmt::print(stderr, "vafa: warning: the spend model could not be fitted; no CLV column\n");
    }
  }
  std::FILE* out = stdout;
  if (!o.out.empty()) {
    out = std::fopen(o.out.c_str(), "w");
    if (out == nullptr) {
      return report(Error{ErrorCode::io, fmt::format("cannot write {}", o.out)});
    }
  }
  std::string buffer = "id,frequency,recency,T,p_alive,expected_purchases";
  if (spend) buffer += ",expected_order_value,clv";
  buffer += '\n';
  for (std::size_t i = 0; i < in->rfm.size(); ++i) {
    const double x = in->rfm.x[i], t_x = in->rfm.t_x[i], T = in->rfm.T[i];
    const double expected = clv::bg_conditional_expected(variant, p, o.horizon, x, t_x, T);
    append_csv_field(buffer, in->ids[i]);
    fmt::format_to(std::back_inserter(buffer), ",{},{},{},{:.6f},{:.6f}", x, t_x, T,
                   clv::bg_p_alive(variant, p, x, t_x, T), expected);
    if (spend) {
      const double value = clv::gg_expected_value(*spend, x, in->monetary[i]).value_or(0.0);
      const double discounted =
          o.discount_rate == 0
              ? expected
              : clv::bg_discounted_expected(variant, p, o.horizon, o.discount_rate, x, t_x, T);
      fmt::format_to(std::back_inserter(buffer), ",{:.2f},{:.2f}", value, value * discounted);
    }
    buffer += '\n';
    if (buffer.size() > (1 << 20) || i + 1 == in->rfm.size()) {
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

void add_input_options(CLI::App* cmd, Options& o) {
  cmd->add_option("--model", o.model, "bgnbd, mbgnbd or gamma-gamma")->capture_default_str();
  cmd->add_option("--summary", o.summary,
                  "CSV with frequency (or x), recency (or t_x), T [, monetary_value (or zbar), "
                  "weights, id]");
  cmd->add_option("--calibration-end", o.calibration_end,
                  "Use the store's orders up to this date (YYYY-MM-DD)");
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
  predict->callback([options, &context, &runner] {
    runner = [options, &context] { return run_predict(*options, context); };
  });
}

}  // namespace vafa::cli
