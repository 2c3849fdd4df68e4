#include "vafa/report/views.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <future>
#include <iterator>
#include <map>

#include <fmt/core.h>

#include "vafa/analytics/metrics.hpp"
#include "vafa/analytics/periods.hpp"
#include "vafa/core/time.hpp"
#include "vafa/segments/refresh.hpp"

namespace vafa::report {

namespace {

using analytics::CalendarKind;
using analytics::Period;
using analytics::PeriodUnit;

constexpr std::array<std::pair<CalendarKind, std::string_view>, 2> kCalendars = {
    {{CalendarKind::gregorian, "gregorian"}, {CalendarKind::persian, "persian"}}};

std::string iso(std::int64_t seconds) {
  return format_iso8601(Timestamp{std::chrono::seconds{seconds}});
}

Json nullable(const auto& value) { return value ? Json(*value) : Json(nullptr); }

// Digits after the decimal point of a currency's minor units (ISO 4217), for the page that
// turns minor units into an amount; 2 for a code vafa does not know.
int exponent_of(std::string_view currency) {
  const auto parsed = Currency::parse(currency);
  return parsed ? parsed->exponent() : 2;
}

Json period_json(const Period& p, std::int64_t as_of) {
  return {
      {"start", iso(p.start)}, {"end", iso(p.end)}, {"label", p.label}, {"partial", p.end > as_of}};
}

// The last `keep` elements.
template <typename T>
std::vector<T> last(std::vector<T> all, std::size_t keep) {
  if (all.size() > keep) all.erase(all.begin(), all.end() - static_cast<std::ptrdiff_t>(keep));
  return all;
}

analytics::MetricsQuery query_of(const ViewsOptions& o, PeriodUnit unit, CalendarKind calendar) {
  return analytics::MetricsQuery{
      .unit = unit, .calendar = calendar, .to = o.as_of + 1, .currency = o.currency};
}

// ---- overview: the headline figures per month, each with its trend ---------------------------

Result<Json> overview(Store& store, const ViewsOptions& o, CalendarKind calendar) {
  const auto q = query_of(o, PeriodUnit::month, calendar);
  VAFA_TRY(const analytics::MetricsReport metrics, analytics::compute_metrics(store, q));
  VAFA_TRY(const analytics::AcquisitionReport acquisition,
           analytics::compute_acquisition(store, q, 1.0));
  std::map<std::string, const analytics::AcquisitionRow*> blended;  // by period label
  for (const auto& row : acquisition.rows) {
    if (row.channel == "all") blended[row.period.label] = &row;
  }
  Json periods = Json::array();
  for (const auto& m : last(metrics.periods, static_cast<std::size_t>(o.months))) {
    Json p = period_json(m.period, o.as_of);
    p.update({{"active", m.active},
              {"new_customers", m.new_customers},
              {"returning", m.returning},
              {"retention", nullable(m.retention)},
              {"churn", nullable(m.churn)},
              {"repeat_rate", nullable(m.repeat_rate)},
              {"orders", m.orders},
              {"revenue_minor", m.revenue_minor},
              {"net_revenue_minor", m.net_revenue_minor},
              {"aov_minor", nullable(m.aov_minor)},
              {"nps", nullable(m.nps)},
              {"nps_answers", m.nps_answers}});
    const auto a = blended.find(m.period.label);
    const analytics::AcquisitionRow* row = a == blended.end() ? nullptr : a->second;
    p["spend_minor"] = row != nullptr ? row->spend_minor : 0;
    p["cac_minor"] = row != nullptr ? nullable(row->cac_minor) : Json(nullptr);
    p["clv_to_cac"] = row != nullptr ? nullable(row->clv_to_cac) : Json(nullptr);
    periods.push_back(std::move(p));
  }
  // The store's last order or event: the page says "data until" when it is long before today.
  VAFA_TRY(const auto last, segments::last_activity(store));
  const analytics::Concentration& c = metrics.all_time;
  return Json{{"currency", metrics.currency},
              {"exponent", exponent_of(metrics.currency)},
              {"customers", metrics.customers},
              {"average_clv_minor", nullable(metrics.average_clv_minor)},
              {"clv_customers", metrics.clv_customers},
              {"last_activity", last ? Json(iso(*last)) : Json(nullptr)},
              {"concentration",
               {{"buyers", c.buyers},
                {"top1_share", nullable(c.top1_share)},
                {"top10_share", nullable(c.top10_share)},
                {"top20_share", nullable(c.top20_share)},
                {"curve", c.curve}}},
              {"periods", std::move(periods)}};
}

// ---- cohorts: share of each month's new customers buying in each month since ----------------

Result<Json> cohorts(Store& store, const ViewsOptions& o, CalendarKind calendar) {
  VAFA_TRY(const std::vector<analytics::CohortRow> rows,
           analytics::compute_cohorts(store, query_of(o, PeriodUnit::month, calendar)));
  Json out = Json::array();
  for (const auto& row : last(rows, static_cast<std::size_t>(o.months))) {
    out.push_back({{"start", iso(row.cohort.start)},
                   {"label", row.cohort.label},
                   {"customers", row.customers},
                   {"retention", row.retention},
                   {"revenue_per_customer_minor", row.revenue_per_customer}});
  }
  return Json{{"currency", o.currency},
              {"exponent", exponent_of(o.currency)},
              {"unit", "month"},
              {"cohorts", std::move(out)}};
}

// ---- advocacy pyramid per quarter with the flows between levels -------------------------------

Result<Json> pyramid(Store& store, const ViewsOptions& o, CalendarKind calendar) {
  VAFA_TRY(const analytics::Config config, segments::stored_config(store));
  VAFA_TRY(const std::vector<analytics::PyramidPeriod> rows,
           analytics::compute_pyramid(store, query_of(o, PeriodUnit::quarter, calendar), config));
  Json out = Json::array();
  for (const auto& row : last(rows, 8)) {
    Json p = period_json(row.period, o.as_of);
    Json counts = Json::object();
    for (std::size_t l = 0; l < analytics::kLevelNames.size(); ++l) {
      counts[std::string(analytics::kLevelNames[l])] = row.counts[l];
    }
    p["counts"] = std::move(counts);
    if (row.flows) {
      p["flows"] = *row.flows;
      const analytics::FlowSummary s = analytics::summarise(*row.flows);
      p["summary"] = {{"joined", s.joined}, {"up", s.up}, {"down", s.down}, {"left", s.left}};
    } else {
      p["flows"] = nullptr;
      p["summary"] = nullptr;
    }
    out.push_back(std::move(p));
  }
  return Json{{"levels", analytics::kLevelNames}, {"periods", std::move(out)}};
}

// ---- CLV: distribution, probability alive by frequency and recency, the top customers --------

constexpr std::size_t kClvBins = 20;
constexpr std::size_t kFrequencyCells = 16;  // 0..14 repeat purchases, then "15 or more"
constexpr std::size_t kRecencyCells = 12;

Result<Json> clv(Store& store) {
  VAFA_TRY(const std::optional<ClvRun> run, store.latest_clv_run());
  if (!run) return Json{{"run", nullptr}};
  std::vector<std::int64_t> values;
  double max_age = 0;
  std::vector<std::array<double, 3>> fra;  // frequency, recency, p_alive
  VAFA_CHECK(store.scan_clv_predictions(std::nullopt, [&](const ClvPrediction& p) -> Status {
    if (p.clv_minor) values.push_back(*p.clv_minor);
    max_age = std::max(max_age, p.age);
    fra.push_back({p.frequency, p.recency, p.p_alive});
    return {};
  }));
  // Equal-width bins up to the 99th percentile; the rest fall in the last bin.
  std::ranges::sort(values);
  std::int64_t total = 0;
  for (const std::int64_t v : values) total += v;
  Json edges = Json::array(), counts = Json::array();
  if (!values.empty()) {
    const std::int64_t low = std::min<std::int64_t>(values.front(), 0);
    const std::int64_t high = std::max<std::int64_t>(
        values[std::min(values.size() - 1, values.size() * 99 / 100)], low + 1);
    const double width = static_cast<double>(high - low) / kClvBins;
    std::vector<std::int64_t> bins(kClvBins, 0);
    for (const std::int64_t v : values) {
      const auto b = static_cast<std::size_t>(std::max(0.0, (v - low) / width));
      ++bins[std::min(b, kClvBins - 1)];
    }
    for (std::size_t b = 0; b <= kClvBins; ++b) {
      edges.push_back(std::llround(static_cast<double>(low) + width * static_cast<double>(b)));
    }
    counts = bins;
  }
  // Mean probability alive per (frequency, recency) cell.
  std::vector<double> sum(kFrequencyCells * kRecencyCells, 0);
  std::vector<std::int64_t> n(sum.size(), 0);
  const double recency_width = std::max(max_age, 1.0) / kRecencyCells;
  for (const auto& [f, r, a] : fra) {
    const auto fi = std::min(static_cast<std::size_t>(std::max(f, 0.0)), kFrequencyCells - 1);
    const auto ri =
        std::min(static_cast<std::size_t>(std::max(r, 0.0) / recency_width), kRecencyCells - 1);
    sum[fi * kRecencyCells + ri] += a;
    ++n[fi * kRecencyCells + ri];
  }
  Json grid = Json::array();
  for (std::size_t fi = 0; fi < kFrequencyCells; ++fi) {
    for (std::size_t ri = 0; ri < kRecencyCells; ++ri) {
      const std::size_t i = fi * kRecencyCells + ri;
      if (n[i] > 0) grid.push_back({fi, ri, sum[i] / static_cast<double>(n[i]), n[i]});
    }
  }
  Json recency_edges = Json::array();
  for (std::size_t ri = 0; ri <= kRecencyCells; ++ri) {
    recency_edges.push_back(recency_width * static_cast<double>(ri));
  }
  VAFA_TRY(const std::vector<CustomerListRow> top,
           store.customer_page(CustomerPageQuery{.sort = CustomerSort::clv, .limit = 20}));
  Json top_json = Json::array();
  for (const auto& r : top) top_json.push_back(customer_row_json(r));
  return Json{{"run",
               {{"model", run->model},
                {"created_at", iso(run->created_at)},
                {"calibration_end", iso(run->calibration_end)},
                {"unit", run->unit},
                {"horizon", run->horizon},
                {"currency", run->currency},
                {"exponent", exponent_of(run->currency)}}},
              {"customers", fra.size()},
              {"with_clv", values.size()},
              {"total_clv_minor", total},
              {"histogram", {{"edges", std::move(edges)}, {"counts", std::move(counts)}}},
              {"p_alive",
               {{"frequency_cells", kFrequencyCells},
                {"recency_edges", std::move(recency_edges)},
                {"cells", std::move(grid)}}},
              {"top", std::move(top_json)}};
}

// ---- segments: each with its size after every evaluation ------------------------------------

Result<Json> segments_view(Store& store) {
  VAFA_TRY(const std::vector<Segment> all, store.segments());
  Json out = Json::array();
  for (const Segment& s : all) {
    VAFA_TRY(const auto sizes, store.segment_sizes(s.id));
    Json history = Json::array();
    for (const auto& [at, members] : last(sizes, 200)) history.push_back({iso(at), members});
    out.push_back({{"name", s.name},
                   {"rule", s.rule},
                   {"description", s.description},
                   {"members", s.members},
                   {"created_at", iso(s.created_at)},
                   {"evaluated_at", s.evaluated_at ? Json(iso(*s.evaluated_at)) : Json(nullptr)},
                   {"sizes", std::move(history)}});
  }
  // The names a rule may use, for the editor's list to pick from.
  const segments::Schema& schema = segments::customer_schema();
  Json fields = Json::array();
  for (const auto& [name, type] : schema.attributes) {
    Json field = {{"name", name}, {"type", segments::type_id(type)}};
    if (const auto values = schema.values.find(name); values != schema.values.end()) {
      field["values"] = values->second;
    }
    fields.push_back(std::move(field));
  }
  return Json{{"segments", std::move(out)}, {"fields", std::move(fields)}};
}

// ---- loyalty: points issued, redeemed and expired per month; what is owed; tiers; rewards ----

Result<Json> loyalty(Store& store, const ViewsOptions& o, CalendarKind calendar) {
  struct Flow {
    std::int64_t issued = 0, redeemed = 0, expired = 0;
  };
  // The months shown (at most o.months, up to the as-of time), each entry added to its month as
  // it is read; the totals count every entry.
  constexpr std::int64_t kDay = 86'400;
  VAFA_TRY(const std::vector<Period> recent,
           analytics::periods(PeriodUnit::month, calendar, "UTC",
                              o.as_of - (o.months + 1) * 31 * kDay, o.as_of + 1));
  const std::vector<Period> all = last(recent, static_cast<std::size_t>(o.months));
  std::vector<Flow> flows(all.size());
  Flow total;
  std::int64_t first = o.as_of;
  VAFA_CHECK(store.scan_shop_points(
      [&](PointsAccount account, std::int64_t points, std::int64_t at) -> Status {
        first = std::min(first, at);
        const auto p = analytics::period_of(all, at);
        Flow none;
        Flow& into = p < 0 ? none : flows[static_cast<std::size_t>(p)];
        if (account == PointsAccount::issued) {  // issuing takes from 'issued'
          total.issued -= points;
          into.issued -= points;
        } else if (account == PointsAccount::redeemed) {
          total.redeemed += points;
          into.redeemed += points;
        } else if (account == PointsAccount::expired) {
          total.expired += points;
          into.expired += points;
        }
        return {};
      }));
  // From the month of the club's first entry on.
  Json months = Json::array();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].end <= first) continue;
    Json p = period_json(all[i], o.as_of);
    p.update({{"issued", flows[i].issued},
              {"redeemed", flows[i].redeemed},
              {"expired", flows[i].expired}});
    months.push_back(std::move(p));
  }
  VAFA_TRY(const std::vector<TierState> tiered, store.tiered_customers());
  std::map<std::string, std::int64_t> tiers;
  for (const TierState& t : tiered) ++tiers[t.tier];
  VAFA_TRY(const StoreStats stats, store.stats());
  VAFA_TRY(const std::vector<Reward> rewards, store.rewards());
  Json reward_list = Json::array();
  for (const Reward& r : rewards) {
    reward_list.push_back({{"code", r.code},
                           {"name", r.name},
                           {"cost", r.cost},
                           {"stock", nullable(r.stock)},
                           {"active", r.active}});
  }
  return Json{{"totals",
               {{"issued", total.issued},
                {"redeemed", total.redeemed},
                {"expired", total.expired},
                {"outstanding", total.issued - total.redeemed - total.expired}}},
              {"months", std::move(months)},
              {"tiers", tiers},
              {"customers", stats.customers},
              {"rewards", std::move(reward_list)}};
}

}  // namespace

Json customer_row_json(const CustomerListRow& r) {
  return {{"customer_id", r.customer_id},
          {"name", r.name},
          {"country", r.country},
          {"orders", r.orders},
          {"net_revenue_minor", r.net_revenue_minor},
          {"score", r.score},
          {"churn_risk", r.churn_risk},
          {"stage", r.stage},
          {"advocacy", r.advocacy},
          {"clv_minor", nullable(r.clv_minor)},
          {"p_alive", nullable(r.p_alive)}};
}

bool known_view(std::string_view name) {
  return std::ranges::find(kRefreshedViews, name) != std::end(kRefreshedViews) ||
         std::ranges::find(kStoredViews, name) != std::end(kStoredViews);
}

Status put_view(Store& store, std::string_view name, std::int64_t as_of, std::int64_t now,
                const Json& body) {
  return store.put_dashboard_view(DashboardView{
      .name = std::string(name), .as_of = as_of, .computed_at = now, .body = body.dump()});
}

namespace {

using Named = std::vector<std::pair<std::string, Json>>;

// The views of one calendar.
Result<Named> calendar_views(Store& store, const ViewsOptions& options, CalendarKind calendar,
                             std::string_view name) {
  Named views;
  VAFA_TRY(Json o, overview(store, options, calendar));
  views.emplace_back(fmt::format("overview.{}", name), std::move(o));
  VAFA_TRY(Json c, cohorts(store, options, calendar));
  views.emplace_back(fmt::format("cohorts.{}", name), std::move(c));
  VAFA_TRY(Json p, pyramid(store, options, calendar));
  views.emplace_back(fmt::format("pyramid.{}", name), std::move(p));
  VAFA_TRY(Json l, loyalty(store, options, calendar));
  views.emplace_back(fmt::format("loyalty.{}", name), std::move(l));
  return views;
}

}  // namespace

Result<std::vector<std::string>> refresh_views(Store& store, const ViewsOptions& options) {
  // The Persian calendar's views on a second connection (another core) while this one does the
  // Gregorian ones: each set reads every order, seconds on a large store.
  std::future<Result<Named>> persian;
  std::unique_ptr<Store> second;
  if (options.second_connection) {
    VAFA_TRY(second, options.second_connection());
    persian = std::async(std::launch::async, [&] {
      return calendar_views(*second, options, CalendarKind::persian, "persian");
    });
  }
  Result<Named> gregorian = calendar_views(store, options, CalendarKind::gregorian, "gregorian");
  Result<Named> persian_views =
      persian.valid() ? persian.get()
                      : calendar_views(store, options, CalendarKind::persian, "persian");
  if (!gregorian) return fail(gregorian.error());
  if (!persian_views) return fail(persian_views.error());
  Named views = std::move(*gregorian);
  std::ranges::move(*persian_views, std::back_inserter(views));
  VAFA_TRY(Json c, clv(store));
  views.emplace_back("clv", std::move(c));
  VAFA_TRY(Json s, segments_view(store));
  views.emplace_back("segments", std::move(s));
  // Written together: a reader never sees half of one refresh and half of the next.
  VAFA_TRY(Transaction txn, Transaction::begin(store));
  std::vector<std::string> names;
  for (const auto& [name, body] : views) {
    VAFA_CHECK(put_view(store, name, options.as_of, options.now, body));
    names.push_back(name);
  }
  VAFA_CHECK(txn.commit());
  return names;
}

Json validation_view(const clv::Validation& v, std::string_view unit, std::int64_t calibration_end,
                     std::int64_t holdout_end) {
  Json models = Json::array();
  for (const auto& m : v.models) {
    Json params = Json::object();
    if (m.fit) {
      for (std::size_t i = 0; i < m.fit->names.size(); ++i) {
        params[std::string(m.fit->names[i])] = m.fit->params[i];
      }
    }
    models.push_back({{"model", clv::to_string(m.model)},
                      {"converged", m.fit.has_value() && m.fit->converged},
                      {"error", m.error},
                      {"params", std::move(params)},
                      {"log_likelihood", m.fit ? Json(m.fit->log_likelihood) : Json(nullptr)},
                      {"bic", m.fit ? Json(m.fit->bic) : Json(nullptr)},
                      {"mae", m.mae},
                      {"rmse", m.rmse},
                      {"predicted_total", m.predicted_total},
                      {"cumulative", m.cumulative},
                      {"by_frequency", m.by_frequency}});
  }
  return {{"unit", unit},
          {"calibration_end", iso(calibration_end)},
          {"holdout_end", iso(holdout_end)},
          {"points", v.points},
          {"actual_cumulative", v.actual_cumulative},
          {"actual_total", v.actual_total},
          {"group_customers", v.group_customers},
          {"actual_by_frequency", v.actual_by_frequency},
          {"best", v.best ? Json(clv::to_string(v.models[*v.best].model)) : Json(nullptr)},
          {"models", std::move(models)}};
}

Json evaluation_view(const recommend::Evaluation& e, std::int64_t split) {
  const auto scores = [](const recommend::Scores& s) {
    return Json{{"hit_rate", s.hit_rate}, {"precision", s.precision},
                {"recall", s.recall},     {"map", s.map},
                {"coverage", s.coverage}, {"distinct_products", s.distinct_products}};
  };
  return {{"split", iso(split)},
          {"k", e.k},
          {"customers", e.customers},
          {"train_purchases", e.train_purchases},
          {"test_purchases", e.test_purchases},
          {"model", scores(e.model)},
          {"popular", scores(e.popular)}};
}

Result<Json> stored_views(Store& store) {
  Json out = Json::object();
  const auto add = [&](std::string_view name) -> Status {
    VAFA_TRY(const std::optional<DashboardView> view, store.dashboard_view(name));
    if (!view) return {};
    Json body = Json::parse(view->body, nullptr, false);
    if (body.is_discarded()) {
      return fail(ErrorCode::data_loss, "the stored view {} is not JSON", name);
    }
    out[std::string(name)] = {{"as_of", iso(view->as_of)},
                              {"computed_at", iso(view->computed_at)},
                              {"body", std::move(body)}};
    return {};
  };
  for (const std::string_view name : kRefreshedViews) VAFA_CHECK(add(name));
  for (const std::string_view name : kStoredViews) VAFA_CHECK(add(name));
  return out;
}

}  // namespace vafa::report
