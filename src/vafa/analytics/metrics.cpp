#include "vafa/analytics/metrics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>

#include "vafa/analytics/customer.hpp"

namespace vafa::analytics {

namespace {

// One customer's orders in the analytics currency, as read from the store.
struct Fact {
  std::int64_t at = 0;
  std::int64_t amount = 0;
  bool purchase = true;  // otherwise a refund (negative total) counted in refunds
  bool in_channel = true;
  std::uint8_t channel = 0;  // index in kAllChannels
};

// Index in kAllChannels of a channel name as stored; unknown names count as "other".
std::uint8_t channel_index(std::string_view name) {
  for (std::size_t i = 0; i < kAllChannels.size(); ++i) {
    if (to_string(kAllChannels[i]) == name) return static_cast<std::uint8_t>(i);
  }
  return static_cast<std::uint8_t>(std::ranges::find(kAllChannels, Channel::other) -
                                   kAllChannels.begin());
}

Result<std::vector<std::int64_t>> members_of(Store& store, std::optional<std::int64_t> segment) {
  std::vector<std::int64_t> rows;
  if (!segment) return rows;
  VAFA_CHECK(store.scan_segment_members(*segment, [&](std::int64_t row, std::int64_t) -> Status {
    rows.push_back(row);
    return {};
  }));
  return rows;
}

// Calls `visit(customer, facts)` for each customer in scope with at least one order.
Status each_customer(Store& store, const MetricsQuery& q, const std::vector<std::int64_t>& members,
                     const std::function<void(std::int64_t, const std::vector<Fact>&)>& visit) {
  std::vector<Fact> facts;
  std::int64_t current = -1;
  auto flush = [&] {
    if (current >= 0 && !facts.empty() &&
        (!q.segment || std::ranges::binary_search(members, current))) {
      visit(current, facts);
    }
    facts.clear();
  };
  VAFA_CHECK(store.scan_orders(std::nullopt, [&](const OrderRecord& o) -> Status {
    if (o.customer != current) {
      flush();
      current = o.customer;
    }
    if (o.currency != q.currency) return {};
    const bool in_channel = !q.channel || o.channel == *q.channel;
    if (o.status == OrderStatus::placed && o.total_minor >= 0) {
      facts.push_back({o.placed_at, o.total_minor, true, in_channel, channel_index(o.channel)});
    } else if (o.total_minor < 0) {
      facts.push_back({o.placed_at, -o.total_minor, false, in_channel, channel_index(o.channel)});
    }
    return {};
  }));
  flush();
  return {};
}

Result<std::pair<std::int64_t, std::int64_t>> order_span(Store& store) {
  VAFA_TRY(StoreStats stats, store.stats());
  if (!stats.first_order) return fail(ErrorCode::not_found, "the store has no orders yet");
  return std::pair{stats.first_order->time_since_epoch().count(),
                   stats.last_order->time_since_epoch().count() + 1};
}

double share_of_top(std::vector<std::int64_t>& revenue, double fraction, std::int64_t total) {
  const auto n =
      static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(revenue.size()) - 1e-9));
  double top = 0;
  for (std::size_t i = 0; i < n && i < revenue.size(); ++i) top += static_cast<double>(revenue[i]);
  return total > 0 ? top / static_cast<double>(total) : 0.0;
}

// CLV predictions of the latest run in `currency`, by customer row; empty without one.
struct StoredClv {
  std::optional<std::int64_t> calibration_end;
  std::vector<std::pair<std::int64_t, std::int64_t>> by_customer;  // sorted by row

  const std::int64_t* find(std::int64_t customer) const {
    const auto it = std::ranges::lower_bound(by_customer, customer, {},
                                             &std::pair<std::int64_t, std::int64_t>::first);
    return it != by_customer.end() && it->first == customer ? &it->second : nullptr;
  }
};

Result<StoredClv> stored_clv(Store& store, const std::string& currency) {
  StoredClv out;
  VAFA_TRY(const std::optional<ClvRun> run, store.latest_clv_run());
  if (!run || run->currency != currency) return out;
  out.calibration_end = run->calibration_end;
  VAFA_CHECK(store.scan_clv_predictions(std::nullopt, [&](const ClvPrediction& p) -> Status {
    if (p.clv_minor) out.by_customer.emplace_back(p.customer, *p.clv_minor);
    return {};
  }));
  std::ranges::sort(out.by_customer);
  return out;
}

}  // namespace

Result<MetricsReport> compute_metrics(Store& store, const MetricsQuery& q) {
  VAFA_TRY(const auto span, order_span(store));
  const std::int64_t to = q.to.value_or(span.second);
  // Periods from the first order on, so the first period shown has its start customers.
  VAFA_TRY(const std::vector<Period> all,
           periods(q.unit, q.calendar, q.time_zone,
                   std::min(span.first, q.from.value_or(span.first)), to));
  const std::size_t n = all.size();
  MetricsReport report{.currency = q.currency};
  std::vector<PeriodMetrics> m(n);
  for (std::size_t p = 0; p < n; ++p) m[p].period = all[p];
  std::vector<std::vector<std::int64_t>> customer_revenue(n);
  VAFA_TRY(const std::vector<std::int64_t> members, members_of(store, q.segment));

  std::vector<std::int64_t> count(n, 0), spent(n, 0);  // this customer's, reset per customer
  std::vector<std::size_t> touched;
  std::vector<std::int64_t> lifetime_revenue;  // per buyer over the range
  VAFA_CHECK(each_customer(store, q, members, [&](std::int64_t, const std::vector<Fact>& facts) {
    // New: the first purchase ever (any channel) falls in the period, through the channel.
    const auto first = std::ranges::find_if(facts, [](const Fact& f) { return f.purchase; });
    if (first != facts.end() && first->in_channel) {
      const auto p = period_of(all, first->at);
      if (p >= 0) ++m[static_cast<std::size_t>(p)].new_customers;
    }
    touched.clear();
    for (const Fact& f : facts) {
      if (!f.in_channel) continue;
      const auto p = period_of(all, f.at);
      if (p < 0) continue;
      const auto i = static_cast<std::size_t>(p);
      if (!f.purchase) {
        m[i].refunds_minor += f.amount;
        continue;
      }
      if (count[i] == 0) touched.push_back(i);
      ++count[i];
      spent[i] += f.amount;
    }
    for (const std::size_t i : touched) {
      ++m[i].active;
      m[i].orders += count[i];
      m[i].revenue_minor += spent[i];
      if (count[i] >= 2) m[i].repeat_rate = m[i].repeat_rate.value_or(0) + 1;
      if (i + 1 < n) ++m[i + 1].start_customers;
      if (i > 0 && count[i - 1] > 0) ++m[i].retained;
      customer_revenue[i].push_back(spent[i]);
    }
    std::int64_t lifetime = 0;
    for (const std::size_t i : touched) lifetime += spent[i];
    if (!touched.empty()) lifetime_revenue.push_back(lifetime);
    for (const std::size_t i : touched) count[i] = spent[i] = 0;
  }));
  {
    Concentration& c = report.all_time;
    std::ranges::sort(lifetime_revenue, std::greater<>{});
    c.buyers = static_cast<std::int64_t>(lifetime_revenue.size());
    for (const std::int64_t r : lifetime_revenue) c.revenue_minor += r;
    if (c.buyers > 0 && c.revenue_minor > 0) {
      c.top1_share = share_of_top(lifetime_revenue, 0.01, c.revenue_minor);
      c.top10_share = share_of_top(lifetime_revenue, 0.10, c.revenue_minor);
      c.top20_share = share_of_top(lifetime_revenue, 0.20, c.revenue_minor);
      for (int k = 0; k <= 20; ++k) {
        c.curve.push_back(share_of_top(lifetime_revenue, k / 20.0, c.revenue_minor));
      }
    }
  }

  // NPS answers in scope.
  VAFA_CHECK(store.scan_events(std::nullopt, [&](const EventRecord& e) -> Status {
    if (e.type != "nps") return {};
    if (q.channel && e.channel != *q.channel) return {};
    if (q.segment && !std::ranges::binary_search(members, e.customer)) return {};
    const auto p = period_of(all, e.occurred_at);
    const std::optional<int> score = nps_score(e.properties);
    if (p < 0 || !score) return {};
    PeriodMetrics& pm = m[static_cast<std::size_t>(p)];
    ++pm.nps_answers;
    pm.promoters += *score >= 9;
    pm.detractors += *score <= 6;
    return {};
  }));

  for (std::size_t i = 0; i < n; ++i) {
    PeriodMetrics& pm = m[i];
    pm.returning = pm.active - pm.new_customers;
    pm.net_revenue_minor = pm.revenue_minor - pm.refunds_minor;
    if (pm.start_customers > 0) {
      pm.retention = static_cast<double>(pm.retained) / static_cast<double>(pm.start_customers);
      pm.churn = 1.0 - *pm.retention;
    }
    if (pm.active > 0) {
      pm.repeat_rate = pm.repeat_rate.value_or(0) / static_cast<double>(pm.active);
      pm.frequency = static_cast<double>(pm.orders) / static_cast<double>(pm.active);
      pm.aov_minor = static_cast<std::int64_t>(
          std::llround(static_cast<double>(pm.revenue_minor) / static_cast<double>(pm.orders)));
      auto& revenue = customer_revenue[i];
      std::ranges::sort(revenue, std::greater<>{});
      pm.top1_share = share_of_top(revenue, 0.01, pm.revenue_minor);
      pm.top10_share = share_of_top(revenue, 0.10, pm.revenue_minor);
      pm.top20_share = share_of_top(revenue, 0.20, pm.revenue_minor);
    }
    if (pm.nps_answers > 0) {
      pm.nps = 100.0 * static_cast<double>(pm.promoters - pm.detractors) /
               static_cast<double>(pm.nps_answers);
    }
    if (pm.period.end > q.from.value_or(std::numeric_limits<std::int64_t>::min())) {
      report.periods.push_back(std::move(pm));
    }
  }

  // Customers in scope and their average stored CLV.
  double clv_sum = 0;
  VAFA_CHECK(store.scan_customers([&](std::int64_t row, std::string_view) -> Status {
    if (!q.segment || std::ranges::binary_search(members, row)) ++report.customers;
    return {};
  }));
  VAFA_TRY(const StoredClv clv, stored_clv(store, q.currency));
  for (const auto& [customer, value] : clv.by_customer) {
    if (q.segment && !std::ranges::binary_search(members, customer)) continue;
    clv_sum += static_cast<double>(value);
    ++report.clv_customers;
  }
  if (report.clv_customers > 0) {
    report.average_clv_minor = clv_sum / static_cast<double>(report.clv_customers);
  }
  return report;
}

Result<std::vector<CohortRow>> compute_cohorts(Store& store, const MetricsQuery& q) {
  VAFA_TRY(const auto span, order_span(store));
  VAFA_TRY(const std::vector<Period> all,
           periods(q.unit, q.calendar, q.time_zone, span.first, q.to.value_or(span.second)));
  VAFA_TRY(const std::vector<std::int64_t> members, members_of(store, q.segment));
  const std::size_t n = all.size();
  std::vector<CohortRow> rows(n);
  std::vector<std::vector<std::int64_t>> active(n), revenue(n);  // [cohort][k]
  for (std::size_t c = 0; c < n; ++c) {
    rows[c].cohort = all[c];
    active[c].assign(n - c, 0);
    revenue[c].assign(n - c, 0);
  }
  std::vector<std::size_t> seen;
  VAFA_CHECK(each_customer(store, q, members, [&](std::int64_t, const std::vector<Fact>& facts) {
    const auto first = std::ranges::find_if(facts, [](const Fact& f) { return f.purchase; });
    if (first == facts.end() || !first->in_channel) return;
    const auto c = period_of(all, first->at);
    if (c < 0) return;
    const auto cohort = static_cast<std::size_t>(c);
    ++rows[cohort].customers;
    seen.clear();
    for (const Fact& f : facts) {
      if (!f.purchase) continue;
      const auto p = period_of(all, f.at);
      if (p < c) continue;
      const auto k = static_cast<std::size_t>(p - c);
      revenue[cohort][k] += f.amount;
      if (std::ranges::find(seen, k) == seen.end()) {
        seen.push_back(k);
        ++active[cohort][k];
      }
    }
  }));
  std::vector<CohortRow> out;
  for (std::size_t c = 0; c < n; ++c) {
    CohortRow& row = rows[c];
    if (q.from && row.cohort.end <= *q.from) continue;
    const auto size = static_cast<double>(std::max<std::int64_t>(row.customers, 1));
    double cumulative = 0;
    for (std::size_t k = 0; k < n - c; ++k) {
      row.retention.push_back(static_cast<double>(active[c][k]) / size);
      row.revenue_per_customer.push_back(static_cast<double>(revenue[c][k]) / size);
      cumulative += static_cast<double>(revenue[c][k]);
      row.cumulative_per_customer.push_back(cumulative / size);
    }
    out.push_back(std::move(row));
  }
  return out;
}

namespace {

// The customers one period acquired through one channel.
struct Acquired {
  std::int64_t spend = 0;
  std::int64_t customers = 0;
  std::vector<std::int64_t> net;  // net revenue by period since acquisition
  double clv_sum = 0;
  std::int64_t clv_customers = 0;

  void add(const Acquired& o) {
    spend += o.spend;
    customers += o.customers;
    if (net.size() < o.net.size()) net.resize(o.net.size(), 0);
    for (std::size_t k = 0; k < o.net.size(); ++k) net[k] += o.net[k];
    clv_sum += o.clv_sum;
    clv_customers += o.clv_customers;
  }
};

AcquisitionRow acquisition_row(const Period& period, std::string channel, const Acquired& a,
                               double margin) {
  AcquisitionRow row{.period = period, .channel = std::move(channel)};
  row.spend_minor = a.spend;
  row.new_customers = a.customers;
  if (a.customers == 0) return row;
  const auto n = static_cast<double>(a.customers);
  if (a.spend > 0) row.cac_minor = std::llround(static_cast<double>(a.spend) / n);
  double cumulative = 0;
  for (std::size_t k = 0; k < a.net.size(); ++k) {
    cumulative += static_cast<double>(a.net[k]) * margin / n;
    if (row.cac_minor && !row.payback_periods && cumulative >= static_cast<double>(*row.cac_minor))
      row.payback_periods = static_cast<std::int64_t>(k) + 1;
  }
  row.value_to_date_minor = cumulative;
  if (a.clv_customers > 0) {
    row.clv_minor = a.clv_sum * margin / static_cast<double>(a.clv_customers);
    row.clv_customers = a.clv_customers;
    if (row.cac_minor && *row.cac_minor > 0)
      row.clv_to_cac = *row.clv_minor / static_cast<double>(*row.cac_minor);
  }
  return row;
}

}  // namespace

Result<AcquisitionReport> compute_acquisition(Store& store, const MetricsQuery& q, double margin) {
  if (q.unit == PeriodUnit::day) {
    return fail(ErrorCode::invalid_argument,
                "acquisition is reported per week, month, quarter or year (per day it is noise)");
  }
  if (q.segment) {
    return fail(ErrorCode::invalid_argument,
                "acquisition cannot be limited to a segment: spend is not split by segment");
  }
  if (!(margin > 0 && margin <= 1)) {
    return fail(ErrorCode::invalid_argument, "the margin must be in (0, 1], e.g. 0.35");
  }
  AcquisitionReport report{.currency = q.currency, .margin = margin};

  std::vector<SpendRecord> spend;
  VAFA_CHECK(store.scan_spend([&](const SpendRecord& s) -> Status {
    if (s.currency != q.currency) {
      ++report.spend_rows_skipped;
      return {};
    }
    spend.push_back(s);
    return {};
  }));
  VAFA_TRY(const StoreStats stats, store.stats());
  // The span of the orders and the spend together.
  std::int64_t first = std::numeric_limits<std::int64_t>::max();
  std::int64_t last = std::numeric_limits<std::int64_t>::min();
  if (stats.first_order) {
    first = stats.first_order->time_since_epoch().count();
    last = stats.last_order->time_since_epoch().count() + 1;
  }
  for (const SpendRecord& s : spend) {
    first = std::min(first, s.day);
    last = std::max(last, s.day + kDay);
  }
  if (first > last) {
    return fail(ErrorCode::not_found, "the store has no orders and no spend yet");
  }
  VAFA_TRY(const std::vector<Period> all,
           periods(q.unit, q.calendar, q.time_zone, first, q.to.value_or(last)));
  const std::size_t n = all.size();
  constexpr std::size_t kChannels = kAllChannels.size();
  std::vector<std::array<Acquired, kChannels>> acquired(n);
  for (const SpendRecord& s : spend) {
    const auto p = period_of(all, s.day);
    if (p >= 0)
      acquired[static_cast<std::size_t>(p)][channel_index(s.channel)].spend += s.amount_minor;
  }

  VAFA_TRY(const StoredClv clv, stored_clv(store, q.currency));
  MetricsQuery every = q;
  every.channel.reset();
  VAFA_CHECK(
      each_customer(store, every, {}, [&](std::int64_t customer, const std::vector<Fact>& facts) {
        const auto first_purchase =
            std::ranges::find_if(facts, [](const Fact& f) { return f.purchase; });
        if (first_purchase == facts.end()) return;
        const auto c = period_of(all, first_purchase->at);
        if (c < 0) return;
        Acquired& a = acquired[static_cast<std::size_t>(c)][first_purchase->channel];
        ++a.customers;
        if (a.net.empty()) a.net.assign(n - static_cast<std::size_t>(c), 0);
        std::int64_t before_calibration_end = 0;
        for (const Fact& f : facts) {
          const std::int64_t amount = f.purchase ? f.amount : -f.amount;
          if (clv.calibration_end && f.at < *clv.calibration_end) before_calibration_end += amount;
          const auto p = period_of(all, f.at);
          if (p >= c) a.net[static_cast<std::size_t>(p - c)] += amount;
        }
        if (const std::int64_t* predicted = clv.find(customer)) {
          a.clv_sum += static_cast<double>(before_calibration_end + *predicted);
          ++a.clv_customers;
        }
      }));
  report.clv_calibration_end = clv.calibration_end;

  for (std::size_t p = 0; p < n; ++p) {
    if (q.from && all[p].end <= *q.from) continue;
    Acquired total;
    for (std::size_t h = 0; h < kChannels; ++h) {
      const Acquired& a = acquired[p][h];
      total.add(a);
      const std::string_view name = to_string(kAllChannels[h]);
      if ((a.spend == 0 && a.customers == 0) || (q.channel && *q.channel != name)) continue;
      report.rows.push_back(acquisition_row(all[p], std::string(name), a, margin));
    }
    if (!q.channel && (total.spend > 0 || total.customers > 0)) {
      report.rows.push_back(acquisition_row(all[p], "all", total, margin));
    }
  }
  return report;
}

namespace {

// What a customer did within the window before the end of each period, one byte per period.
enum WindowBit : std::uint8_t {
  kBought = 1,
  kEngaged = 2,
  kAdvocated = 4,
  kPromoter = 8,  // the latest NPS answer in the window was a 9 or 10
};

Level level_of(std::uint8_t bits) {
  if ((bits & (kAdvocated | kPromoter)) != 0) return Level::lover;
  if ((bits & kEngaged) != 0) return Level::liker;
  if ((bits & kBought) != 0) return Level::lurker;
  return Level::none;
}

}  // namespace

Result<std::vector<PyramidPeriod>> compute_pyramid(Store& store, const MetricsQuery& q,
                                                   const Config& config) {
  if (q.unit == PeriodUnit::day) {
    return fail(ErrorCode::invalid_argument,
                "the pyramid is reported per week, month, quarter or year");
  }
  VAFA_TRY(const auto span, order_span(store));
  // From the first order, so that the first period shown has the one before it for its flows.
  VAFA_TRY(const std::vector<Period> all,
           periods(q.unit, q.calendar, q.time_zone, span.first, q.to.value_or(span.second)));
  const std::size_t n = all.size();
  VAFA_TRY(const std::vector<std::int64_t> members, members_of(store, q.segment));
  std::int64_t max_row = 0;
  VAFA_CHECK(store.scan_customers([&](std::int64_t row, std::string_view) -> Status {
    max_row = std::max(max_row, row);
    return {};
  }));
  const auto customers = static_cast<std::size_t>(max_row) + 1;
  if (customers * n > (std::size_t{1} << 32)) {
    return fail(ErrorCode::invalid_argument,
                "{} customers x {} periods is too much at once: choose a longer period or --from",
                customers - 1, n);
  }
  std::vector<std::uint8_t> bits(customers * n, 0);
  const std::int64_t window = config.window_days * kDay;
  std::vector<std::int64_t> ends(n);
  for (std::size_t p = 0; p < n; ++p) ends[p] = all[p].end;
  // Periods whose window holds time t. A period is judged as `vafa refresh --as-of END` judges
  // (the window is (end - W, end]), so t <= end < t + W.
  auto range = [&](std::int64_t t) {
    const auto lo = static_cast<std::size_t>(std::ranges::lower_bound(ends, t) - ends.begin());
    const auto hi =
        static_cast<std::size_t>(std::ranges::lower_bound(ends, t + window) - ends.begin());
    return std::pair{lo, hi};
  };
  auto mark = [&](std::int64_t customer, std::int64_t t, std::uint8_t bit) {
    const auto [lo, hi] = range(t);
    std::uint8_t* row = bits.data() + static_cast<std::size_t>(customer) * n;
    for (std::size_t p = lo; p < hi; ++p) row[p] |= bit;
  };
  VAFA_CHECK(store.scan_orders(std::nullopt, [&](const OrderRecord& o) -> Status {
    if (o.currency == q.currency && o.status == OrderStatus::placed && o.total_minor >= 0 &&
        o.customer < max_row + 1) {
      mark(o.customer, o.placed_at, kBought);
    }
    return {};
  }));
  VAFA_CHECK(store.scan_events(std::nullopt, [&](const EventRecord& e) -> Status {
    if (e.customer > max_row) return {};
    switch (classify(config, e.type)) {
      case EventClass::other: return {};
      case EventClass::engagement: mark(e.customer, e.occurred_at, kEngaged); return {};
      case EventClass::advocacy: mark(e.customer, e.occurred_at, kAdvocated); return {};
      case EventClass::nps: {
        const std::optional<int> score = nps_score(e.properties);
        if (!score) return {};
        // Answers come in time order: a later one decides the periods whose window holds it.
        const auto [lo, hi] = range(e.occurred_at);
        std::uint8_t* row = bits.data() + static_cast<std::size_t>(e.customer) * n;
        for (std::size_t p = lo; p < hi; ++p) {
          row[p] = static_cast<std::uint8_t>((row[p] | kEngaged) & ~kPromoter);
          if (*score >= 9) row[p] |= kPromoter;
        }
        return {};
      }
    }
    return {};
  }));

  std::vector<PyramidPeriod> out(n);
  for (std::size_t p = 0; p < n; ++p) {
    out[p].period = all[p];
    if (p > 0) out[p].flows.emplace();
  }
  for (std::size_t c = 1; c < customers; ++c) {
    if (q.segment && !std::ranges::binary_search(members, static_cast<std::int64_t>(c))) continue;
    const std::uint8_t* row = bits.data() + c * n;
    auto previous = Level::none;
    for (std::size_t p = 0; p < n; ++p) {
      const Level level = level_of(row[p]);
      ++out[p].counts[static_cast<std::size_t>(level)];
      if (p > 0)
        ++(*out[p].flows)[static_cast<std::size_t>(previous)][static_cast<std::size_t>(level)];
      previous = level;
    }
  }
  if (q.from) {
    std::erase_if(out, [&](const PyramidPeriod& pp) { return pp.period.end <= *q.from; });
  }
  return out;
}

FlowSummary summarise(const std::array<std::array<std::int64_t, 4>, 4>& flows) {
  FlowSummary out;
  for (std::size_t from = 0; from < 4; ++from) {
    for (std::size_t to = 0; to < 4; ++to) {
      const std::int64_t n = flows[from][to];
      if (from == 0 && to > 0) out.joined += n;
      if (from > 0 && to == 0) out.left += n;
      if (from > 0 && to > from) out.up += n;
      if (to > 0 && to < from) out.down += n;
    }
  }
  return out;
}

}  // namespace vafa::analytics
