#include "vafa/segments/refresh.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "vafa/analytics/metrics.hpp"
#include "vafa/core/text.hpp"

namespace vafa::segments {

namespace {

using analytics::kDay;
constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

// Names of the analytics state rows.
constexpr std::string_view kPopulationState = "population";
constexpr std::string_view kConfigState = "config";
constexpr std::string_view kAsOfFixedState = "as_of_fixed";

struct Info {
  std::int64_t row = 0;
  std::int64_t created_at = 0;
  std::string country, locale;
  std::uint32_t consent_asked = 0, consent_granted = 0;
};

struct ClvFigures {
  double p_alive = kMissing, expected_purchases = kMissing, clv_minor = kMissing;
};

// What is read from the store for some customers (all, or a few), in row order.
struct Loaded {
  std::vector<Info> info;
  std::vector<analytics::CustomerSummary> summaries;
  std::vector<ClvFigures> clv;
  std::vector<std::vector<double>> event_counts;  // per event feature, per customer
};

// The position of `row` among the customers loaded from `start` on (rows ascending).
std::optional<std::size_t> position(const Loaded& loaded, std::size_t start, std::int64_t row) {
  const auto begin = loaded.info.begin() + static_cast<std::ptrdiff_t>(start);
  const auto it = std::lower_bound(begin, loaded.info.end(), row,
                                   [](const Info& i, std::int64_t r) { return i.row < r; });
  if (it == loaded.info.end() || it->row != row) return std::nullopt;
  return static_cast<std::size_t>(it - loaded.info.begin());
}

// Reads one customer (or every customer) into `loaded`: profile, orders and events (unless
// `history` is false: then only the events `event_features` count), CLV.
Status load(Store& store, std::optional<std::int64_t> customer,
            const analytics::SummaryContext& context, std::span<const Feature> event_features,
            Loaded& loaded, bool history = true) {
  const std::size_t start = loaded.info.size();
  VAFA_CHECK(store.scan_customer_records(customer, [&](const CustomerRecord& r) -> Status {
    loaded.info.push_back(Info{.row = r.row,
                               .created_at = r.created_at,
                               .country = std::string(r.country),
                               .locale = std::string(r.locale),
                               .consent_asked = r.consent_asked,
                               .consent_granted = r.consent_granted});
    loaded.summaries.push_back(
        analytics::CustomerSummary{.customer = r.row, .created_at = r.created_at});
    loaded.clv.emplace_back();
    return {};
  }));
  const std::size_t end = loaded.info.size();
  loaded.event_counts.resize(event_features.size());
  for (auto& counts : loaded.event_counts) counts.resize(end, 0.0);
  // Scans are in customer order: remember the last customer's position.
  std::int64_t last_row = -1;
  std::optional<std::size_t> at;
  auto find = [&](std::int64_t row) {
    if (row != last_row) {
      at = position(loaded, start, row);
      last_row = row;
    }
    return at;
  };
  if (history) {
    VAFA_CHECK(store.scan_orders(customer, [&](const OrderRecord& order) -> Status {
      if (const auto i = find(order.customer)) {
        analytics::add_order(loaded.summaries[*i], order, context);
      }
      return {};
    }));
  }
  last_row = -1;
  const bool need_events = history || !event_features.empty();
  VAFA_CHECK(!need_events ? Status{}
                          : store.scan_events(customer, [&](const EventRecord& event) -> Status {
                              const auto i = find(event.customer);
                              if (!i) return {};
                              if (history)
                                analytics::add_event(loaded.summaries[*i], event, context);
                              if (event.occurred_at > context.as_of) return {};
                              for (std::size_t f = 0; f < event_features.size(); ++f) {
                                const Feature& feature = event_features[f];
                                if (event.type != feature.event_type) continue;
                                if (feature.days > 0 &&
                                    event.occurred_at <= context.as_of - feature.days * kDay)
                                  continue;
                                loaded.event_counts[f][*i] += 1;
                              }
                              return {};
                            }));
  // P(alive) describes the CLV run's calibration end: used for churn risk only near as-of.
  VAFA_TRY(const std::optional<ClvRun> run, store.latest_clv_run());
  const bool recent = run && std::abs(run->calibration_end - context.as_of) <=
                                 context.config->p_alive_max_age_days * kDay;
  last_row = -1;
  VAFA_CHECK(store.scan_clv_predictions(customer, [&](const ClvPrediction& p) -> Status {
    const auto i = find(p.customer);
    if (!i) return {};
    loaded.clv[*i] =
        ClvFigures{.p_alive = p.p_alive,
                   .expected_purchases = p.expected_purchases,
                   .clv_minor = p.clv_minor ? static_cast<double>(*p.clv_minor) : kMissing};
    if (recent) loaded.summaries[*i].p_alive = p.p_alive;
    loaded.summaries[*i].clv_minor = p.clv_minor;
    return {};
  }));
  return {};
}

// ---- the attribute table ---------------------------------------------------------------------

struct NumberAttribute {
  std::string_view name;
  double (*get)(const Info&, const CustomerMetrics&, const ClvFigures&, double money_scale,
                std::int64_t as_of);
};

double optional_number(const std::optional<std::int64_t>& v) {
  return v ? static_cast<double>(*v) : kMissing;
}
double days_since(const std::optional<std::int64_t>& t, std::int64_t as_of) {
  return t ? std::floor(static_cast<double>(as_of - *t) / kDay) : kMissing;
}

const NumberAttribute kNumbers[] = {
    {"orders", [](const Info&, const CustomerMetrics& m, const ClvFigures&, double,
                  std::int64_t) { return static_cast<double>(m.orders); }},
    {"revenue", [](const Info&, const CustomerMetrics& m, const ClvFigures&, double s,
                   std::int64_t) { return static_cast<double>(m.revenue_minor) / s; }},
    {"net_revenue", [](const Info&, const CustomerMetrics& m, const ClvFigures&, double s,
                       std::int64_t) { return static_cast<double>(m.net_revenue_minor) / s; }},
    {"aov",
     [](const Info&, const CustomerMetrics& m, const ClvFigures&, double s, std::int64_t) {
       return m.orders > 0
                  ? static_cast<double>(m.revenue_minor) / s / static_cast<double>(m.orders)
                  : kMissing;
     }},
    {"returns", [](const Info&, const CustomerMetrics& m, const ClvFigures&, double,
                   std::int64_t) { return static_cast<double>(m.returns); }},
    {"last_order_days", [](const Info&, const CustomerMetrics& m, const ClvFigures&, double,
                           std::int64_t as_of) { return days_since(m.last_order_at, as_of); }},
    {"first_order_days", [](const Info&, const CustomerMetrics& m, const ClvFigures&, double,
                            std::int64_t as_of) { return days_since(m.first_order_at, as_of); }},
    {"tenure_days", [](const Info& i, const CustomerMetrics&, const ClvFigures&, double,
                       std::int64_t as_of) { return days_since(i.created_at, as_of); }},
    {"cycle_days", [](const Info&, const CustomerMetrics& m, const ClvFigures&, double,
                      std::int64_t) { return m.cycle_days.value_or(kMissing); }},
    {"recency_score", [](const Info&, const CustomerMetrics& m, const ClvFigures&, double,
                         std::int64_t) { return optional_number(m.recency_score); }},
    {"frequency_score", [](const Info&, const CustomerMetrics& m, const ClvFigures&, double,
                           std::int64_t) { return optional_number(m.frequency_score); }},
    {"monetary_score", [](const Info&, const CustomerMetrics& m, const ClvFigures&, double,
                          std::int64_t) { return optional_number(m.monetary_score); }},
    {"score", [](const Info&, const CustomerMetrics& m, const ClvFigures&, double,
                 std::int64_t) { return m.score; }},
    {"churn_risk", [](const Info&, const CustomerMetrics& m, const ClvFigures&, double,
                      std::int64_t) { return m.orders > 0 ? m.churn_risk : kMissing; }},
    {"engagement_events", [](const Info&, const CustomerMetrics& m, const ClvFigures&, double,
                             std::int64_t) { return static_cast<double>(m.engagement_events); }},
    {"nps", [](const Info&, const CustomerMetrics& m, const ClvFigures&, double,
               std::int64_t) { return optional_number(m.nps); }},
    {"p_alive", [](const Info&, const CustomerMetrics&, const ClvFigures& c, double,
                   std::int64_t) { return c.p_alive; }},
    {"expected_purchases", [](const Info&, const CustomerMetrics&, const ClvFigures& c, double,
                              std::int64_t) { return c.expected_purchases; }},
    {"clv", [](const Info&, const CustomerMetrics&, const ClvFigures& c, double s,
               std::int64_t) { return c.clv_minor / s; }},
};

struct TextAttribute {
  std::string_view name;
  std::string (*get)(const Info&, const CustomerMetrics&);
};

const TextAttribute kTexts[] = {
    {"country", [](const Info& i, const CustomerMetrics&) { return i.country; }},
    {"locale", [](const Info& i, const CustomerMetrics&) { return i.locale; }},
    {"stage", [](const Info&, const CustomerMetrics& m) { return m.stage; }},
    {"rfm_group", [](const Info&, const CustomerMetrics& m) { return m.rfm_group; }},
    {"advocacy", [](const Info&, const CustomerMetrics& m) { return m.advocacy; }},
    {"rfm",
     [](const Info&, const CustomerMetrics& m) {
       if (!m.recency_score) return std::string();
       return fmt::format("{}{}{}", *m.recency_score, *m.frequency_score, *m.monetary_score);
     }},
};

// Builds the columns `features` need for customers [from, to) of `loaded`.
Table build_table(std::span<const Feature> features, std::span<const Feature> event_features,
                  const Loaded& loaded, std::span<const CustomerMetrics> metrics, std::size_t from,
                  std::size_t to, double money_scale, std::int64_t as_of) {
  Table table;
  table.rows = to - from;
  for (const Feature& feature : features) {
    Column column{.type = feature.type};
    if (!feature.event_type.empty()) {
      const auto it = std::ranges::find_if(event_features,
                                           [&](const Feature& f) { return f.key == feature.key; });
      const auto& counts =
          loaded.event_counts[static_cast<std::size_t>(it - event_features.begin())];
      column.numbers.assign(counts.begin() + static_cast<std::ptrdiff_t>(from),
                            counts.begin() + static_cast<std::ptrdiff_t>(to));
    } else if (feature.key.starts_with("consent.")) {
      const Result<Channel> channel = parse_channel(std::string_view(feature.key).substr(8));
      const std::uint32_t bit = 1U << static_cast<int>(channel ? *channel : Channel::other);
      column.flags.resize(table.rows);
      column.missing.resize(table.rows);
      for (std::size_t i = from; i < to; ++i) {
        column.flags[i - from] = (loaded.info[i].consent_granted & bit) != 0;
        column.missing[i - from] = (loaded.info[i].consent_asked & bit) == 0;
      }
    } else if (feature.type == ValueType::number) {
      const auto* attribute = std::ranges::find_if(
          kNumbers, [&](const NumberAttribute& a) { return a.name == feature.key; });
      column.numbers.resize(table.rows);
      for (std::size_t i = from; i < to; ++i) {
        column.numbers[i - from] =
            attribute->get(loaded.info[i], metrics[i], loaded.clv[i], money_scale, as_of);
      }
    } else {
      const auto* attribute = std::ranges::find_if(
          kTexts, [&](const TextAttribute& a) { return a.name == feature.key; });
      column.texts.resize(table.rows);
      column.missing.resize(table.rows);
      for (std::size_t i = from; i < to; ++i) {
        column.texts[i - from] = attribute->get(loaded.info[i], metrics[i]);
        column.missing[i - from] = column.texts[i - from].empty();
      }
    }
    table.columns.emplace(feature.key, std::move(column));
  }
  return table;
}

// ---- stored segments -------------------------------------------------------------------------

struct Active {
  Segment segment;
  Rule rule;
};

struct Rules {
  std::vector<Active> active;
  std::vector<Feature> features;        // union over the rules
  std::vector<Feature> event_features;  // the event counts among them
  std::vector<std::string> warnings;
};

Result<Rules> load_rules(Store& store) {
  Rules rules;
  VAFA_TRY(std::vector<Segment> all, store.segments());
  for (Segment& segment : all) {
    auto rule = Rule::parse(segment.rule, customer_schema());
    if (!rule) {
      rules.warnings.push_back(fmt::format("segment '{}' is not evaluated: column {}: {}",
                                           segment.name, rule.error().column,
                                           rule.error().message));
      continue;
    }
    for (const Feature& f : rule->features()) {
      if (std::ranges::any_of(rules.features, [&](const Feature& g) { return g.key == f.key; })) {
        continue;
      }
      rules.features.push_back(f);
      if (!f.event_type.empty()) rules.event_features.push_back(f);
    }
    rules.active.push_back(Active{std::move(segment), std::move(*rule)});
  }
  return rules;
}

double money_scale(std::string_view currency) {
  const Result<Currency> parsed = Currency::parse(currency);
  return parsed ? std::pow(10.0, parsed->exponent()) : 100.0;
}

// Evaluates every rule over customers [0, n) of `loaded` and records the changes. With `all`,
// stored members not among them are left alone only if they were not loaded (none are: a full
// refresh loads every customer).
Status apply_rules(Store& store, Rules& rules, const Loaded& loaded,
                   std::span<const CustomerMetrics> metrics,
                   const analytics::Population& population, bool all, std::int64_t now,
                   std::vector<SegmentCount>& counts) {
  const std::size_t n = loaded.info.size();
  const Table table = build_table(rules.features, rules.event_features, loaded, metrics, 0, n,
                                  money_scale(population.currency), population.as_of);
  // Current memberships of the loaded customers, per segment.
  std::vector<std::vector<std::int64_t>> stored(rules.active.size());
  if (all) {
    for (std::size_t s = 0; s < rules.active.size(); ++s) {
      VAFA_CHECK(store.scan_segment_members(rules.active[s].segment.id,
                                            [&](std::int64_t customer, std::int64_t) -> Status {
                                              stored[s].push_back(customer);
                                              return {};
                                            }));
    }
  } else {
    for (const Info& info : loaded.info) {
      VAFA_TRY(std::vector<std::int64_t> in, store.customer_segments(info.row));
      for (std::size_t s = 0; s < rules.active.size(); ++s) {
        if (std::ranges::binary_search(in, rules.active[s].segment.id)) {
          stored[s].push_back(info.row);
        }
      }
    }
  }
  for (std::size_t s = 0; s < rules.active.size(); ++s) {
    Active& active = rules.active[s];
    VAFA_TRY(std::vector<std::uint8_t> flags, active.rule.evaluate(table));
    std::vector<std::int64_t> entered, exited;
    std::size_t k = 0;  // merge: loaded rows and stored members are both ascending
    for (std::size_t i = 0; i < n; ++i) {
      const std::int64_t row = loaded.info[i].row;
      while (k < stored[s].size() && stored[s][k] < row) exited.push_back(stored[s][k++]);
      const bool was = k < stored[s].size() && stored[s][k] == row;
      if (was) ++k;
      if (flags[i] && !was) entered.push_back(row);
      if (!flags[i] && was) exited.push_back(row);
    }
    while (k < stored[s].size()) exited.push_back(stored[s][k++]);
    if (all || !entered.empty() || !exited.empty()) {
      VAFA_CHECK(store.apply_segment_changes(active.segment.id, entered, exited, now));
    }
    const auto delta =
        static_cast<std::int64_t>(entered.size()) - static_cast<std::int64_t>(exited.size());
    counts.push_back(SegmentCount{.name = active.segment.name,
                                  .members = active.segment.members + delta,
                                  .entered = static_cast<std::int64_t>(entered.size()),
                                  .exited = static_cast<std::int64_t>(exited.size())});
  }
  return {};
}

// Runs `body` inside a store transaction.
template <typename F>
auto in_transaction(Store& store, F&& body) -> decltype(body()) {
  VAFA_TRY(Transaction txn, Transaction::begin(store));
  auto done = body();
  if (done) VAFA_CHECK(txn.commit());
  return done;
}

}  // namespace

Result<analytics::Config> stored_config(Store& store) {
  VAFA_TRY(std::optional<std::string> text, store.get_state(kConfigState));
  if (!text) return analytics::Config{};
  return analytics::Config::from_json(*text);
}

Result<std::optional<analytics::Population>> stored_population(Store& store) {
  VAFA_TRY(std::optional<std::string> text, store.get_state(kPopulationState));
  if (!text) return std::optional<analytics::Population>{};
  VAFA_TRY(analytics::Population population, analytics::Population::from_json(*text));
  return population;
}

Result<std::string> main_currency(Store& store) {
  VAFA_TRY(StoreStats stats, store.stats());
  std::string best;
  std::int64_t most = -1;
  for (const auto& [currency, revenue] : stats.revenue_minor) {
    if (revenue > most) {
      most = revenue;
      best = currency;
    }
  }
  return best.empty() ? std::string("USD") : best;
}

const Schema& customer_schema() {
  static const Schema schema = [] {
    Schema s;
    for (const NumberAttribute& a : kNumbers) s.attributes.emplace(a.name, ValueType::number);
    for (const TextAttribute& a : kTexts) s.attributes.emplace(a.name, ValueType::text);
    for (const Channel c : kAllChannels) {
      s.attributes.emplace(fmt::format("consent.{}", to_string(c)), ValueType::boolean);
    }
    auto values = [](auto names) { return std::vector<std::string>(names.begin(), names.end()); };
    s.values["stage"] = values(analytics::kStages);
    s.values["advocacy"] = values(analytics::kLevelNames);
    s.values["rfm_group"] = values(analytics::kRfmGroups);
    return s;
  }();
  return schema;
}

Result<std::optional<std::int64_t>> last_activity(Store& store) {
  VAFA_TRY(const StoreStats stats, store.stats());
  VAFA_TRY(const std::optional<Timestamp> event, store.last_event_time());
  std::optional<std::int64_t> last;
  if (stats.last_order) last = unix_seconds(*stats.last_order);
  if (event && (!last || unix_seconds(*event) > *last)) last = unix_seconds(*event);
  return last;
}

Result<RefreshReport> refresh_all(Store& store, const RefreshOptions& requested) {
  RefreshOptions options = requested;
  std::optional<std::string> as_of_note;
  if (!options.as_of_fixed && !options.keep_population) {
    // A history imported from an old export (CDNOW's 1997-98) described as of today would be
    // months of nothing: its figures are as of the day after its last order or event instead,
    // and stay there (as a given --as-of does) until the next full refresh.
    VAFA_TRY(const auto last, last_activity(store));
    if (last && *last < options.as_of - kStaleDataSeconds) {
      const std::int64_t day = 86'400;
      options.as_of = (*last / day + 1) * day;
      options.as_of_fixed = true;
      as_of_note = fmt::format(
          "the store's data end on {}, long before today: figures are as of {} (give --as-of "
          "for another time)",
          format_date(from_unix_seconds(*last)), format_date(from_unix_seconds(options.as_of)));
    }
  }
  VAFA_TRY(Rules rules, load_rules(store));
  analytics::Config config;
  if (options.config) {
    config = *options.config;
  } else {
    VAFA_TRY(config, stored_config(store));
  }
  std::string currency;
  if (options.currency) {
    currency = *options.currency;
  } else {
    VAFA_TRY(currency, main_currency(store));
  }
  std::optional<analytics::Population> kept;
  if (options.keep_population) {
    VAFA_TRY(kept, stored_population(store));
    if (!kept) return fail(ErrorCode::conflict, "no stored population to keep");
    currency = kept->currency;
  }
  // Changes marked up to here are covered by the scans below.
  VAFA_TRY(const std::int64_t seq, store.last_change_seq());
  const analytics::SummaryContext context{
      .config = &config, .as_of = options.as_of, .currency = currency};
  Loaded loaded;
  VAFA_CHECK(load(store, std::nullopt, context, rules.event_features, loaded));

  RefreshReport report;
  report.as_of_note = std::move(as_of_note);
  report.warnings = std::move(rules.warnings);
  report.population =
      kept ? *kept
           : analytics::derive_population(loaded.summaries, config, options.as_of, currency);
  report.population.as_of = options.as_of;
  report.customers = static_cast<std::int64_t>(loaded.info.size());
  report.buyers = report.population.buyers;
  std::vector<CustomerMetrics> metrics;
  metrics.reserve(loaded.summaries.size());
  for (const auto& summary : loaded.summaries) {
    metrics.push_back(analytics::assess(summary, report.population, config));
  }
  const Status written = in_transaction(store, [&]() -> Status {
    for (const CustomerMetrics& m : metrics) VAFA_CHECK(store.put_customer_metrics(m));
    VAFA_CHECK(store.put_state(kPopulationState, report.population.to_json()));
    VAFA_CHECK(store.put_state(kConfigState, config.to_json()));
    VAFA_CHECK(store.put_state(kAsOfFixedState, options.as_of_fixed ? "true" : "false"));
    VAFA_CHECK(apply_rules(store, rules, loaded, metrics, report.population, true, options.now,
                           report.segments));
    return store.clear_changes(seq);
  });
  VAFA_CHECK(written);
  return report;
}

Result<RefreshReport> update_customers(Store& store, std::span<const std::int64_t> rows,
                                       std::int64_t now) {
  VAFA_TRY(std::optional<analytics::Population> stored, stored_population(store));
  if (!stored) {
    return fail(ErrorCode::conflict,
                "nothing derived yet: run `vafa refresh` once before updating customers");
  }
  analytics::Population population = std::move(*stored);
  VAFA_TRY(std::optional<std::string> fixed, store.get_state(kAsOfFixedState));
  if (fixed != "true") population.as_of = now;
  VAFA_TRY(const analytics::Config config, stored_config(store));
  VAFA_TRY(Rules rules, load_rules(store));
  const analytics::SummaryContext context{
      .config = &config, .as_of = population.as_of, .currency = population.currency};

  std::vector<std::int64_t> sorted(rows.begin(), rows.end());
  std::ranges::sort(sorted);
  const auto [first, last] = std::ranges::unique(sorted);
  sorted.erase(first, last);
  Loaded loaded;
  loaded.event_counts.resize(rules.event_features.size());
  for (const std::int64_t row : sorted) {
    VAFA_CHECK(load(store, row, context, rules.event_features, loaded));
  }
  RefreshReport report;
  report.warnings = std::move(rules.warnings);
  report.population = population;
  report.customers = static_cast<std::int64_t>(loaded.info.size());
  std::vector<CustomerMetrics> metrics;
  for (const auto& summary : loaded.summaries) {
    metrics.push_back(analytics::assess(summary, population, config));
    report.buyers += summary.orders > 0;
  }
  const Status written = in_transaction(store, [&]() -> Status {
    for (const CustomerMetrics& m : metrics) VAFA_CHECK(store.put_customer_metrics(m));
    return apply_rules(store, rules, loaded, metrics, population, false, now, report.segments);
  });
  VAFA_CHECK(written);
  return report;
}

Result<RefreshReport> update_changed(Store& store, std::int64_t now) {
  VAFA_TRY(const auto changed, store.changed_customers());
  std::vector<std::int64_t> rows;
  std::int64_t seq = 0;
  for (const auto& [s, row] : changed) {
    rows.push_back(row);
    seq = std::max(seq, s);
  }
  VAFA_TRY(RefreshReport report, update_customers(store, rows, now));
  VAFA_CHECK(store.clear_changes(seq));
  return report;
}

Result<Segment> create_segment(Store& store, std::string_view name, std::string_view rule_text,
                               std::string_view description, std::int64_t now) {
  if (!is_display_name(name)) {
    return fail(ErrorCode::invalid_argument,
                "a segment name must be 1 to 100 bytes of text without control characters");
  }
  auto rule = Rule::parse(rule_text, customer_schema());
  if (!rule) return std::unexpected(rule.error().to_error());
  Segment segment{.name = std::string(name),
                  .rule = rule->to_string(),
                  .description = std::string(description),
                  .created_at = now};
  return in_transaction(store, [&]() -> Result<Segment> {
    VAFA_TRY(segment.id, store.create_segment(segment));
    VAFA_TRY(Preview members,
             preview(store, segment.rule, std::numeric_limits<std::size_t>::max()));
    if (members.customers > 0) {
      VAFA_CHECK(store.apply_segment_changes(segment.id, members.sample, {}, now));
      segment.members = members.count;
      segment.evaluated_at = now;
    }
    return segment;
  });
}

Result<Preview> preview(Store& store, std::string_view rule_text, std::size_t sample) {
  auto rule = Rule::parse(rule_text, customer_schema());
  if (!rule) return std::unexpected(rule.error().to_error());
  VAFA_TRY(const std::optional<analytics::Population> stored, stored_population(store));
  Preview result;
  if (!stored) return result;  // nothing derived yet
  const analytics::Population& population = *stored;
  // Profile and CLV from the store, metrics as stored; events counted for the rule's windows.
  std::vector<Feature> event_features;
  for (const Feature& f : rule->features()) {
    if (!f.event_type.empty()) event_features.push_back(f);
  }
  VAFA_TRY(const analytics::Config config, stored_config(store));
  const analytics::SummaryContext context{
      .config = &config, .as_of = population.as_of, .currency = population.currency};
  Loaded loaded;
  VAFA_CHECK(load(store, std::nullopt, context, event_features, loaded, false));
  std::vector<CustomerMetrics> metrics(loaded.info.size());
  std::size_t k = 0;
  VAFA_CHECK(store.scan_customer_metrics([&](const CustomerMetrics& m) -> Status {
    while (k < loaded.info.size() && loaded.info[k].row < m.customer) ++k;
    if (k < loaded.info.size() && loaded.info[k].row == m.customer) metrics[k] = m;
    return {};
  }));
  const Table table =
      build_table(rule->features(), event_features, loaded, metrics, 0, loaded.info.size(),
                  money_scale(population.currency), population.as_of);
  VAFA_TRY(std::vector<std::uint8_t> flags, rule->evaluate(table));
  result.customers = static_cast<std::int64_t>(loaded.info.size());
  for (std::size_t i = 0; i < flags.size(); ++i) {
    if (!flags[i]) continue;
    ++result.count;
    if (result.sample.size() < sample) result.sample.push_back(loaded.info[i].row);
  }
  return result;
}

}  // namespace vafa::segments
