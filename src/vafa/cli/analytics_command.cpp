// vafa refresh | rfm | customers show|rank: recomputing and reading the derived customer figures.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "vafa/analytics/metrics.hpp"
#include "vafa/app/insight.hpp"
#include "vafa/cli/command.hpp"
#include "vafa/cli/output.hpp"
#include "vafa/report/views.hpp"
#include "vafa/segments/refresh.hpp"

namespace vafa::cli {

using nlohmann::ordered_json;

namespace {

// The analytics currency: the stored population's, else the store's main one.
Result<std::string> analytics_currency(Store& store) {
  VAFA_TRY(const std::optional<analytics::Population> population,
           segments::stored_population(store));
  if (population) return population->currency;
  return segments::main_currency(store);
}

std::string date_of(std::int64_t seconds) {
  return format_date(Timestamp{std::chrono::seconds{seconds}});
}

ordered_json optional_json(const auto& value) {
  return value ? ordered_json(*value) : ordered_json(nullptr);
}

// ---- vafa refresh -----------------------------------------------------------------------------

struct RefreshFlags {
  std::string as_of, currency, settings;
  bool changed = false, keep_population = false, views_only = false;
  Format format = Format::table;
};

// vafa refresh --views-only: the dashboard's views again, for the last full refresh's as-of
// time (after `vafa clv predict --store`, say), without recomputing every customer.
int run_views_only(const RefreshFlags& flags, const Context& context, Store& store,
                   std::int64_t now) {
  if (flags.changed || !flags.as_of.empty() || !flags.currency.empty() || !flags.settings.empty() ||
      flags.keep_population) {
    return report(Error{ErrorCode::invalid_argument,
                        "--views-only uses the last full refresh's as-of time and currency; "
                        "give it alone"});
  }
  auto population = segments::stored_population(store);
  if (!population) return report(population.error());
  if (!*population) {
    return report(Error{ErrorCode::not_found, "nothing derived yet: run `vafa refresh` first"});
  }
  auto views = report::refresh_views(
      store, report::ViewsOptions{.as_of = (*population)->as_of,
                                  .now = now,
                                  .currency = (*population)->currency,
                                  .second_connection = [&] { return context.open_store(); }});
  if (!views) return report(views.error().with_context("dashboard views"));
  if (flags.format == Format::json) {
    fmt::print("{}\n", ordered_json{{"views", *views}}.dump(2));
  } else {
    fmt::print("dashboard views as of {}: {}\n", context.date((*population)->as_of),
               fmt::join(*views, ", "));
  }
  return kOk;
}

int run_refresh(const RefreshFlags& flags, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  const std::int64_t now = clock_now();
  if (flags.views_only) return run_views_only(flags, context, **store, now);
  Result<segments::RefreshReport> done;
  if (flags.changed) {
    if (!flags.as_of.empty() || !flags.currency.empty() || !flags.settings.empty()) {
      return report(Error{ErrorCode::invalid_argument,
                          "--changed uses the settings of the last full refresh; drop --as-of, "
                          "--currency and --settings"});
    }
    done = segments::update_changed(**store, now);
  } else {
    segments::RefreshOptions options{.as_of = now, .now = now};
    if (!flags.as_of.empty()) {
      auto as_of = parse_time_flag("--as-of", flags.as_of);
      if (!as_of) return report(as_of.error());
      options.as_of = *as_of;
      options.as_of_fixed = true;
    }
    if (!flags.currency.empty()) {
      auto currency = Currency::parse(flags.currency);
      if (!currency) return report(currency.error().with_context("--currency"));
      options.currency = std::string(currency->code());
    }
    if (!flags.settings.empty()) {
      auto config = analytics::Config::from_json(flags.settings);
      if (!config) return report(config.error().with_context("--settings"));
      options.config = *config;
    }
    options.keep_population = flags.keep_population;
    done = segments::refresh_all(**store, options);
  }
  if (!done) return report(done.error());
  if (done->as_of_note) fmt::print("{}\n", *done->as_of_note);
  for (const std::string& warning : done->warnings)
    fmt::print(stderr, "vafa: warning: {}\n", warning);
  const analytics::Population& p = done->population;
  // The dashboard's figures follow a full refresh (an update of the changed customers is meant
  // to be quick; the views wait for the next full one).
  std::vector<std::string> views;
  if (!flags.changed) {
    auto written = report::refresh_views(
        **store, report::ViewsOptions{.as_of = p.as_of,
                                      .now = now,
                                      .currency = p.currency,
                                      .second_connection = [&] { return context.open_store(); }});
    if (!written) return report(written.error().with_context("dashboard views"));
    views = std::move(*written);
  }
  if (flags.format == Format::json) {
    ordered_json out = {
        {"customers", done->customers},
        {"buyers", done->buyers},
        {"as_of", format_iso8601(Timestamp{std::chrono::seconds{p.as_of}})},
        {"currency", p.currency},
        {"cycle_days", p.cycle_days},
        {"as_of_note", done->as_of_note ? ordered_json(*done->as_of_note) : ordered_json(nullptr)},
        {"segments", ordered_json::array()},
        {"views", views}};
    for (const auto& s : done->segments) {
      out["segments"].push_back(
          {{"name", s.name}, {"members", s.members}, {"entered", s.entered}, {"exited", s.exited}});
    }
    fmt::print("{}\n", out.dump(2));
    return kOk;
  }
  fmt::print("{} {} customers ({} buyers) as of {}; purchase cycle {:.1f} days, currency {}\n",
             flags.changed ? "updated" : "refreshed", grouped(done->customers),
             grouped(done->buyers), context.date(p.as_of), p.cycle_days, p.currency);
  for (const auto& s : done->segments) {
    fmt::print("  segment {:<24} {:>10} members  (+{} -{})\n", s.name, grouped(s.members),
               s.entered, s.exited);
  }
  if (!views.empty()) fmt::print("  dashboard views: {}\n", fmt::join(views, ", "));
  return kOk;
}

// ---- vafa rfm | stages -------------------------------------------------------------------------

// Customers grouped by their RFM group (buyers only) or lifecycle stage, in analytics' order.
int run_breakdown(bool rfm, Format format, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto breakdown = app::group_customers(**store, rfm ? app::Grouping::rfm : app::Grouping::stage);
  if (!breakdown) return report(breakdown.error());
  auto number = [](const std::optional<double>& v) {
    return v ? ordered_json(*v) : ordered_json();
  };
  std::vector<ordered_json> rows;
  for (const app::CustomerGroup& g : breakdown->groups) {
    rows.push_back({{rfm ? "group" : "stage", g.name},
                    {"customers", g.customers},
                    {"share", g.share},
                    {"mean_days_since_order", number(g.mean_days_since_order)},
                    {"mean_orders", number(g.mean_orders)},
                    {"mean_score", number(g.mean_score)},
                    {"net_revenue", decimal(breakdown->currency, g.net_revenue_minor)}});
  }
  if (format == Format::table) {
    fmt::print("{} of {} {} as of {} (net revenue in {})\n",
               rfm ? "RFM groups" : "Lifecycle stages", grouped(breakdown->total),
               rfm ? "buyers" : "customers", context.date(from_unix_seconds(breakdown->as_of)),
               breakdown->currency);
  }
  print_rows(rows, format);
  return kOk;
}

// ---- vafa customers show | rank ---------------------------------------------------------------

int run_customer_show(const std::string& id, Format format, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  Store& s = **store;
  auto view = app::customer_view(s, id);
  if (!view) return report(view.error());
  const Customer& c = view->customer;

  ordered_json out = {
      {"id", c.id},
      {"name", c.name},
      {"created_at", format_iso8601(c.created_at)},
      {"country", c.country},
      {"locale", c.locale},
      {"time_zone", c.time_zone},
      {"birthday", c.birthday ? ordered_json(format_date(*c.birthday)) : ordered_json()}};
  out["identities"] = ordered_json::array();
  for (const Identity& identity : c.identities) out["identities"].push_back(identity.key());
  out["consent"] = ordered_json::object();
  for (const auto& [channel, granted] : c.consent)
    out["consent"][std::string(to_string(channel))] = granted;

  auto currency = analytics_currency(s);
  if (!currency) return report(currency.error());
  const std::string& money = *currency;
  const std::optional<CustomerMetrics>& metrics = view->metrics;
  if (metrics) {
    const CustomerMetrics& m = *metrics;
    out["metrics"] = {
        {"as_of", date_of(m.as_of)},
        {"orders", m.orders},
        {"first_order",
         m.first_order_at ? ordered_json(date_of(*m.first_order_at)) : ordered_json()},
        {"last_order", m.last_order_at ? ordered_json(date_of(*m.last_order_at)) : ordered_json()},
        {"revenue", decimal(money, m.revenue_minor)},
        {"net_revenue", decimal(money, m.net_revenue_minor)},
        {"currency", money},
        {"returns", m.returns},
        {"cycle_days", optional_json(m.cycle_days)},
        {"rfm", m.recency_score ? ordered_json(fmt::format("{}{}{}", *m.recency_score,
                                                           *m.frequency_score, *m.monetary_score))
                                : ordered_json()},
        {"rfm_group", m.rfm_group.empty() ? ordered_json() : ordered_json(m.rfm_group)},
        {"stage", m.stage},
        {"advocacy", m.advocacy},
        {"engagement_events", m.engagement_events},
        {"nps", optional_json(m.nps)},
        {"churn_risk", m.churn_risk},
        {"score", m.score},
        {"score_components", ordered_json::parse(m.components_json)}};
  } else {
    out["metrics"] = nullptr;
  }
  if (view->clv) {
    const auto& [run, p] = *view->clv;
    out["clv"] = {
        {"model", run.model},
        {"horizon", fmt::format("{} {}s", run.horizon, run.unit)},
        {"p_alive", p.p_alive},
        {"expected_purchases", p.expected_purchases},
        {"clv", p.clv_minor ? ordered_json(decimal(run.currency, *p.clv_minor)) : ordered_json()}};
  }
  out["segments"] = view->segments;
  // One timeline: orders and events, latest first.
  auto timeline = app::customer_timeline(s, view->row);
  if (!timeline) return report(timeline.error());
  out["timeline"] = ordered_json::array();
  for (const app::TimelineItem& item : *timeline) {
    const bool order = item.kind == app::TimelineItem::Kind::order;
    out["timeline"].push_back(
        {{"time", format_iso8601(from_unix_seconds(item.at))},
         {"kind", order ? "order" : "event"},
         {"what", order                     ? fmt::format("{} {} {} {}", item.id, item.type,
                                                          decimal(item.currency, item.amount_minor), item.currency)
                  : item.properties == "{}" ? item.type
                                            : fmt::format("{} {}", item.type, item.properties)},
         {"channel", item.channel}});
  }

  if (format == Format::json) {
    fmt::print("{}\n", out.dump(2));
    return kOk;
  }
  fmt::print("customer   {}  {}\n", c.id, c.name);
  fmt::print("since      {}   country {}   locale {}\n", context.date(c.created_at),
             c.country.empty() ? "-" : c.country, c.locale.empty() ? "-" : c.locale);
  std::string ids;
  for (const auto& i : out["identities"]) ids += (ids.empty() ? "" : ", ") + i.get<std::string>();
  fmt::print("identities {}\n", ids.empty() ? "-" : ids);
  std::string consent;
  for (const auto& [k, v] : out["consent"].items())
    consent += fmt::format("{}{}={}", consent.empty() ? "" : ", ", k, v.get<bool>() ? "yes" : "no");
  fmt::print("consent    {}\n", consent.empty() ? "-" : consent);
  if (metrics) {
    const auto& m = out["metrics"];
    fmt::print("\nas of {}: {} orders, revenue {} (net {}) {}, {} returns\n",
               m["as_of"].get<std::string>(), m["orders"].get<std::int64_t>(),
               m["revenue"].get<std::string>(), m["net_revenue"].get<std::string>(), money,
               m["returns"].get<std::int64_t>());
    fmt::print("stage {}   RFM {} ({})   advocacy {}   churn risk {:.2f}\n",
               m["stage"].get<std::string>(),
               m["rfm"].is_null() ? "-" : m["rfm"].get<std::string>(),
               m["rfm_group"].is_null() ? "-" : m["rfm_group"].get<std::string>(),
               m["advocacy"].get<std::string>(), m["churn_risk"].get<double>());
    fmt::print("loyalty score {:.1f} / 100:", m["score"].get<double>());
    for (const auto& [name, part] : m["score_components"].items()) {
      fmt::print("  {} {:.1f}", name, part["points"].get<double>());
    }
    fmt::print("\n");
  } else {
    fmt::print("\n(no derived metrics yet: run `vafa refresh`)\n");
  }
  if (out.contains("clv")) {
    const auto& v = out["clv"];
    fmt::print("CLV ({}, {}): P(alive) {:.3f}, expected purchases {:.2f}, CLV {}\n",
               v["model"].get<std::string>(), v["horizon"].get<std::string>(),
               v["p_alive"].get<double>(), v["expected_purchases"].get<double>(),
               v["clv"].is_null() ? "-" : v["clv"].get<std::string>());
  }
  std::string names;
  for (const auto& n : out["segments"]) names += (names.empty() ? "" : ", ") + n.get<std::string>();
  fmt::print("segments   {}\n\ntimeline (latest first)\n", names.empty() ? "-" : names);
  std::vector<ordered_json> rows(out["timeline"].begin(), out["timeline"].end());
  if (rows.size() > 30) rows.resize(30);
  print_rows(rows, Format::table);
  if (out["timeline"].size() > 30)
    fmt::print("... {} more (--json for all)\n", out["timeline"].size() - 30);
  return kOk;
}

int run_customer_rank(const std::string& by, std::size_t limit, Format format,
                      const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  Store& s = **store;
  auto ranking = app::parse_ranking(by);
  if (!ranking) return report(ranking.error());
  auto ranked = app::rank_customers(s, *ranking, limit);
  if (!ranked) return report(ranked.error());
  auto currency = analytics_currency(s);
  if (!currency) return report(currency.error());
  const std::string& money = *currency;
  std::vector<ordered_json> rows;
  for (const app::RankedCustomer& r : *ranked) {
    rows.push_back({{"customer", r.id},
                    {"score", r.metrics.score},
                    {"churn_risk", r.metrics.churn_risk},
                    {"stage", r.metrics.stage},
                    {"rfm_group", r.metrics.rfm_group},
                    {"orders", r.metrics.orders},
                    {"net_revenue", decimal(money, r.metrics.net_revenue_minor)}});
  }
  print_rows(rows, format);
  return kOk;
}

}  // namespace

void add_analytics_commands(CLI::App& app, const Context& context, Runner& runner) {
  auto refresh = std::make_shared<RefreshFlags>();
  CLI::App* r = app.add_subcommand(
      "refresh", "Recompute every customer's metrics, RFM, stage, score and the segments' members");
  r->add_option("--as-of", refresh->as_of, "Compute as of this date or time (default: now)");
  r->add_option("--currency", refresh->currency,
                "Analytics currency (default: the store's main one)");
  r->add_option("--settings", refresh->settings,
                "Analytics settings as JSON (docs/analytics.md); kept for later refreshes");
  r->add_flag("--changed", refresh->changed,
              "Only the customers changed since the last refresh (fast)");
  r->add_flag("--keep-population", refresh->keep_population,
              "Keep the stored quintile boundaries and purchase cycle");
  r->add_flag("--views-only", refresh->views_only,
              "Only the dashboard's views, as of the last full refresh");
  add_format_flags(*r, refresh->format);
  r->callback([refresh, &context, &runner] {
    runner = [refresh, &context] { return run_refresh(*refresh, context); };
  });

  for (const bool rfm : {true, false}) {
    auto format = std::make_shared<Format>(Format::table);
    CLI::App* cmd =
        rfm ? app.add_subcommand("rfm", "RFM groups: how many customers, how recent, how much")
            : app.add_subcommand("stages",
                                 "Lifecycle stages: prospect, new, active, VIP, won "
                                 "back, at risk, lapsed");
    add_format_flags(*cmd, *format);
    cmd->callback([rfm, format, &context, &runner] {
      runner = [rfm, format, &context] { return run_breakdown(rfm, *format, context); };
    });
  }

  CLI::App* customers =
      app.add_subcommand("customers", "One customer's profile, or customers ranked");
  customers->require_subcommand(1);
  struct ShowFlags {
    std::string id;
    Format format = Format::table;
  };
  auto show = std::make_shared<ShowFlags>();
  CLI::App* s = customers->add_subcommand(
      "show", "Profile, identities, metrics, score, segments and timeline");
  s->add_option("id", show->id, "The customer's id")->required();
  add_format_flags(*s, show->format);
  s->callback([show, &context, &runner] {
    runner = [show, &context] { return run_customer_show(show->id, show->format, context); };
  });
  struct RankFlags {
    std::string by = "score";
    std::size_t limit = 20;
    Format format = Format::table;
  };
  auto rank = std::make_shared<RankFlags>();
  CLI::App* k = customers->add_subcommand(
      "rank", "Customers ranked for cross-sell (score) or retention risk (risk)");
  k->add_option("--by", rank->by, "score (cross-sell readiness) or risk (revenue at risk)")
      ->check(CLI::IsMember({"score", "risk"}))
      ->capture_default_str();
  k->add_option("--limit", rank->limit, "How many")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  add_format_flags(*k, rank->format);
  k->callback([rank, &context, &runner] {
    runner = [rank, &context] {
      return run_customer_rank(rank->by, rank->limit, rank->format, context);
    };
  });
}

}  // namespace vafa::cli

// ---- vafa metrics | cohorts ------------------------------------------------------------------

namespace vafa::cli {
namespace {

struct MetricsFlags {
  std::string period = "month", calendar = "gregorian", time_zone = "UTC", from, to, currency,
              channel, segment, show = "retention";
  double margin = 1.0;
  Format format = Format::table;
};

Result<analytics::MetricsQuery> metrics_query(const MetricsFlags& f, Store& store) {
  analytics::MetricsQuery q;
  VAFA_TRY(q.unit, analytics::parse_period_unit(f.period));
  VAFA_TRY(q.calendar, analytics::parse_calendar(f.calendar));
  q.time_zone = f.time_zone;
  if (!f.from.empty()) {
    VAFA_TRY(q.from, parse_time_flag("--from", f.from));
  }
  if (!f.to.empty()) {
    VAFA_TRY(q.to, parse_time_flag("--to", f.to));
  }
  if (q.from && q.to && *q.from >= *q.to) {
    return fail(ErrorCode::invalid_argument, "--from must be before --to");
  }
  if (!f.channel.empty()) {
    VAFA_TRY(const Channel channel, parse_channel(f.channel));
    q.channel = std::string(to_string(channel));
  }
  if (!f.currency.empty()) {
    VAFA_TRY(const Currency currency, Currency::parse(f.currency));
    q.currency = std::string(currency.code());
  } else {
    VAFA_TRY(q.currency, segments::main_currency(store));
  }
  if (!f.segment.empty()) {
    VAFA_TRY(std::optional<Segment> segment, store.get_segment(f.segment));
    if (!segment) return fail(ErrorCode::not_found, "no segment named '{}'", f.segment);
    q.segment = segment->id;
  }
  return q;
}

ordered_json number_or_null(const std::optional<double>& v) {
  return v ? ordered_json(std::round(*v * 10'000) / 10'000) : ordered_json();
}

int run_metrics(const MetricsFlags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto q = metrics_query(f, **store);
  if (!q) return report(q.error());
  auto m = analytics::compute_metrics(**store, *q);
  if (!m) return report(m.error());
  const std::string& c = m->currency;
  std::vector<ordered_json> rows;
  for (const auto& p : m->periods) {
    ordered_json row = {{"period", p.period.label},
                        {"active", p.active},
                        {"new", p.new_customers},
                        {"returning", p.returning}};
    if (f.format != Format::table) row["start_customers"] = p.start_customers;
    if (f.format != Format::table) row["retained"] = p.retained;
    row["retention"] = number_or_null(p.retention);
    row["churn"] = number_or_null(p.churn);
    row["repeat_rate"] = number_or_null(p.repeat_rate);
    row["orders"] = p.orders;
    if (f.format != Format::table) row["frequency"] = number_or_null(p.frequency);
    row["aov"] = p.aov_minor ? ordered_json(decimal(c, *p.aov_minor)) : ordered_json();
    row["revenue"] = decimal(c, p.revenue_minor);
    if (f.format != Format::table) row["refunds"] = decimal(c, p.refunds_minor);
    row["net_revenue"] = decimal(c, p.net_revenue_minor);
    if (f.format != Format::table) row["top1_share"] = number_or_null(p.top1_share);
    row["top10_share"] = number_or_null(p.top10_share);
    if (f.format != Format::table) row["top20_share"] = number_or_null(p.top20_share);
    if (f.format != Format::table) row["nps_answers"] = p.nps_answers;
    row["nps"] = number_or_null(p.nps);
    rows.push_back(std::move(row));
  }
  const analytics::Concentration& a = m->all_time;
  ordered_json curve = ordered_json::array();
  for (const double share : a.curve) curve.push_back(number_or_null(share));
  const ordered_json all_time = {{"buyers", a.buyers},
                                 {"revenue", decimal(c, a.revenue_minor)},
                                 {"top1_share", number_or_null(a.top1_share)},
                                 {"top10_share", number_or_null(a.top10_share)},
                                 {"top20_share", number_or_null(a.top20_share)},
                                 {"curve", curve}};
  if (f.format == Format::json) {
    ordered_json out = {
        {"currency", c},
        {"customers", m->customers},
        {"average_clv", m->average_clv_minor
                            ? ordered_json(decimal(c, std::llround(*m->average_clv_minor)))
                            : ordered_json()},
        {"clv_customers", m->clv_customers},
        {"all_time", all_time},
        {"periods", rows}};
    fmt::print("{}\n", out.dump(2));
    return kOk;
  }
  if (f.format == Format::table) {
    fmt::print("{} customers in scope; money in {}", grouped(m->customers), c);
    if (m->average_clv_minor) {
      fmt::print("; average CLV {} over {} customers",
                 decimal(c, std::llround(*m->average_clv_minor)), grouped(m->clv_customers));
    }
    fmt::print("\n");
    if (a.top20_share) {
      fmt::print(
          "all time: the top 1% of {} buyers hold {:.1f}% of revenue, the top 10% {:.1f}%, the "
          "top 20% {:.1f}%\n",
          grouped(a.buyers), 100 * *a.top1_share, 100 * *a.top10_share, 100 * *a.top20_share);
    }
  }
  print_rows(rows, f.format);
  return kOk;
}

int run_cohorts(const MetricsFlags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto q = metrics_query(f, **store);
  if (!q) return report(q.error());
  auto cohorts = analytics::compute_cohorts(**store, *q);
  if (!cohorts) return report(cohorts.error());
  if (f.format == Format::json) {
    ordered_json out = ordered_json::array();
    for (const auto& row : *cohorts) {
      auto rounded = [](const std::vector<double>& v, double scale) {
        ordered_json a = ordered_json::array();
        for (const double x : v) a.push_back(std::round(x * scale) / scale);
        return a;
      };
      out.push_back({{"cohort", row.cohort.label},
                     {"customers", row.customers},
                     {"retention", rounded(row.retention, 1e6)},
                     {"revenue_per_customer_minor", rounded(row.revenue_per_customer, 100)},
                     {"cumulative_per_customer_minor", rounded(row.cumulative_per_customer, 100)}});
    }
    fmt::print("{}\n", out.dump(2));
    return kOk;
  }
  // One matrix: cohort x periods since acquisition, of the chosen measure.
  const auto& currency = q->currency;
  std::size_t width = 0;
  for (const auto& row : *cohorts) width = std::max(width, row.retention.size());
  width = std::min<std::size_t>(width, f.format == Format::table ? 13 : width);
  std::vector<ordered_json> rows;
  for (const auto& row : *cohorts) {
    ordered_json r = {{"cohort", row.cohort.label}, {"customers", row.customers}};
    const auto& values = f.show == "revenue"      ? row.revenue_per_customer
                         : f.show == "cumulative" ? row.cumulative_per_customer
                                                  : row.retention;
    for (std::size_t k = 0; k < width; ++k) {
      const std::string key = fmt::format("+{}", k);
      if (k >= values.size()) {
        r[key] = nullptr;
      } else if (f.show == "retention") {
        r[key] = f.format == Format::table ? ordered_json(fmt::format("{:.1f}%", 100 * values[k]))
                                           : ordered_json(values[k]);
      } else {
        r[key] = decimal(currency, std::llround(values[k]));
      }
    }
    rows.push_back(std::move(r));
  }
  if (f.format == Format::table) {
    fmt::print("{} by acquisition {} ({} periods since; {})\n",
               f.show == "retention" ? "share of customers buying"
               : f.show == "revenue" ? "revenue per customer"
                                     : "cumulative revenue per customer",
               f.period, width, currency);
  }
  print_rows(rows, f.format);
  return kOk;
}

int run_acquisition(const MetricsFlags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto q = metrics_query(f, **store);
  if (!q) return report(q.error());
  auto a = analytics::compute_acquisition(**store, *q, f.margin);
  if (!a) return report(a.error());
  const std::string& c = a->currency;
  auto money = [&](const auto& v) {
    return v ? ordered_json(decimal(c, std::llround(static_cast<double>(*v)))) : ordered_json();
  };
  std::vector<ordered_json> rows;
  for (const auto& r : a->rows) {
    ordered_json row = {
        {"period", r.period.label},           {"channel", r.channel},
        {"spend", decimal(c, r.spend_minor)}, {"new", r.new_customers},
        {"cac", money(r.cac_minor)},          {"value_to_date", money(r.value_to_date_minor)},
        {"clv", money(r.clv_minor)}};
    if (f.format != Format::table) row["clv_customers"] = r.clv_customers;
    row["clv_cac"] = number_or_null(r.clv_to_cac);
    row["payback"] = r.payback_periods ? ordered_json(*r.payback_periods) : ordered_json();
    rows.push_back(std::move(row));
  }
  if (f.format == Format::json) {
    ordered_json out = {
        {"currency", c},
        {"margin", a->margin},
        {"period", f.period},
        {"spend_rows_skipped", a->spend_rows_skipped},
        {"clv_calibration_end",
         a->clv_calibration_end
             ? ordered_json(format_date(Timestamp{std::chrono::seconds{*a->clv_calibration_end}}))
             : ordered_json()},
        {"rows", rows}};
    fmt::print("{}\n", out.dump(2));
    return kOk;
  }
  if (f.format == Format::table) {
    fmt::print("new customers by first-order channel against spend; money in {}, {}", c,
               a->margin < 1 ? fmt::format("at a {:g}% margin", a->margin * 100)
                             : std::string("on revenue (give --margin for contribution)"));
    if (a->clv_calibration_end) {
      fmt::print("; CLV = revenue to {} + predicted",
                 format_date(Timestamp{std::chrono::seconds{*a->clv_calibration_end}}));
    } else {
      fmt::print("; no stored CLV predictions (vafa clv predict --store)");
    }
    fmt::print("\npayback in {}s, the acquisition {} counting as 1 (- : not yet)\n", f.period,
               f.period);
  }
  if (a->spend_rows_skipped > 0) {
    fmt::print(stderr, "vafa: {} spend rows in other currencies than {} were left out\n",
               a->spend_rows_skipped, c);
  }
  if (rows.empty() && f.format == Format::table) {
    fmt::print(
        "(no spend and no new customers in the range; import spend with `vafa import "
        "spend FILE`)\n");
    return kOk;
  }
  print_rows(rows, f.format);
  return kOk;
}

int run_pyramid(const MetricsFlags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto q = metrics_query(f, **store);
  if (!q) return report(q.error());
  auto config = segments::stored_config(**store);
  if (!config) return report(config.error());
  auto pyramid = analytics::compute_pyramid(**store, *q, *config);
  if (!pyramid) return report(pyramid.error());
  using analytics::Level;
  constexpr auto lurker = static_cast<std::size_t>(Level::lurker);
  constexpr auto liker = static_cast<std::size_t>(Level::liker);
  constexpr auto lover = static_cast<std::size_t>(Level::lover);
  std::vector<ordered_json> rows;
  for (const analytics::PyramidPeriod& p : *pyramid) {
    const std::int64_t in = p.counts[lurker] + p.counts[liker] + p.counts[lover];
    auto share = [&](std::size_t level) {
      return in > 0 ? ordered_json(std::round(static_cast<double>(p.counts[level]) /
                                              static_cast<double>(in) * 10'000) /
                                   10'000)
                    : ordered_json();
    };
    ordered_json row = {{"period", p.period.label},  {"lovers", p.counts[lover]},
                        {"likers", p.counts[liker]}, {"lurkers", p.counts[lurker]},
                        {"in_pyramid", in},          {"lover_share", share(lover)}};
    if (f.format != Format::table) {
      row["liker_share"] = share(liker);
      row["lurker_share"] = share(lurker);
    }
    // Flows from the period before: into the pyramid, up or down a level, out of it.
    const analytics::FlowSummary moved =
        p.flows ? analytics::summarise(*p.flows) : analytics::FlowSummary{};
    auto flow = [&](std::int64_t n) { return p.flows ? ordered_json(n) : ordered_json(); };
    row["joined"] = flow(moved.joined);
    row["up"] = flow(moved.up);
    row["down"] = flow(moved.down);
    row["left"] = flow(moved.left);
    if (f.format == Format::json) {
      ordered_json matrix;
      if (p.flows) {
        for (std::size_t a = 0; a < 4; ++a) {
          for (std::size_t b = 0; b < 4; ++b) {
            matrix[std::string(analytics::kLevelNames[a])][std::string(analytics::kLevelNames[b])] =
                (*p.flows)[a][b];
          }
        }
      }
      row["flows"] = matrix;
    }
    rows.push_back(std::move(row));
  }
  if (f.format == Format::table) {
    fmt::print(
        "advocacy pyramid at the end of each {} over the {} days before it; flows from the "
        "{} before\n",
        f.period, config->window_days, f.period);
  }
  print_rows(rows, f.format);
  return kOk;
}

void add_period_flags(CLI::App& cmd, MetricsFlags& f, bool segment = true) {
  cmd.add_option("--period", f.period, "day, week, month, quarter or year")->capture_default_str();
  cmd.add_option("--calendar", f.calendar, "gregorian or persian (Jalali)")->capture_default_str();
  cmd.add_option("--time-zone", f.time_zone, "IANA time zone for period boundaries")
      ->capture_default_str();
  cmd.add_option("--from", f.from, "First date (default: the first order)");
  cmd.add_option("--to", f.to, "End date, exclusive (default: after the last order)");
  cmd.add_option("--currency", f.currency, "Currency (default: the store's main one)");
  cmd.add_option("--channel", f.channel, "Only orders and answers through this channel");
  if (segment) cmd.add_option("--segment", f.segment, "Only the members of this segment");
  add_format_flags(cmd, f.format);
}

}  // namespace

void add_metrics_commands(CLI::App& app, const Context& context, Runner& runner) {
  auto metrics = std::make_shared<MetricsFlags>();
  CLI::App* m = app.add_subcommand(
      "metrics", "Retention metrics per period: active, new, retention, churn, AOV, revenue, NPS");
  add_period_flags(*m, *metrics);
  m->callback([metrics, &context, &runner] {
    runner = [metrics, &context] { return run_metrics(*metrics, context); };
  });
  auto cohorts = std::make_shared<MetricsFlags>();
  CLI::App* c = app.add_subcommand(
      "cohorts", "Acquisition cohorts x periods since: retention and revenue per customer");
  add_period_flags(*c, *cohorts);
  c->add_option("--show", cohorts->show, "retention, revenue or cumulative (table and CSV)")
      ->check(CLI::IsMember({"retention", "revenue", "cumulative"}))
      ->capture_default_str();
  c->callback([cohorts, &context, &runner] {
    runner = [cohorts, &context] { return run_cohorts(*cohorts, context); };
  });
  auto pyramid = std::make_shared<MetricsFlags>();
  CLI::App* p = app.add_subcommand(
      "pyramid",
      "Advocacy pyramid per period (lovers, likers, lurkers) and the flows between them");
  add_period_flags(*p, *pyramid);
  p->callback([pyramid, &context, &runner] {
    runner = [pyramid, &context] { return run_pyramid(*pyramid, context); };
  });
  auto acquisition = std::make_shared<MetricsFlags>();
  CLI::App* a = app.add_subcommand(
      "acquisition", "New customers per channel against spend: CAC, CLV:CAC and payback period");
  add_period_flags(*a, *acquisition, false);
  a->add_option("--margin", acquisition->margin,
                "Share of revenue that is contribution, in (0, 1] (default 1: revenue)")
      ->check(CLI::Range(0.0, 1.0));
  a->callback([acquisition, &context, &runner] {
    runner = [acquisition, &context] { return run_acquisition(*acquisition, context); };
  });
}

}  // namespace vafa::cli
