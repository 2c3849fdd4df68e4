#include "vafa/analytics/customer.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace vafa::analytics {

using nlohmann::json;

namespace {

double days_between(std::int64_t from, std::int64_t to) {
  return static_cast<double>(to - from) / static_cast<double>(kDay);
}

// Linear interpolation between order statistics (type 7); `sorted` is not empty.
double quantile(std::span<const double> sorted, double p) {
  const double h = (static_cast<double>(sorted.size()) - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

std::array<double, 4> quintile_cuts(std::vector<double>& values) {
  std::ranges::sort(values);
  return {quantile(values, 0.2), quantile(values, 0.4), quantile(values, 0.6),
          quantile(values, 0.8)};
}

int cuts_exceeded(const std::array<double, 4>& cuts, double value) {
  return static_cast<int>(std::ranges::count_if(cuts, [&](double cut) { return value > cut; }));
}

// log(1 + x) / log(1 + scale), capped at 1: a slowly saturating 0-1 scale.
double log_scale(double x, double scale) {
  if (x <= 0) return 0;
  return std::min(1.0, std::log1p(x) / std::log1p(std::max(scale, 1.0)));
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::ranges::find(list, value) != list.end();
}

}  // namespace

// ---- configuration ---------------------------------------------------------------------------

std::string Config::to_json() const {
  const json j = {
      {"at_risk_cycles", at_risk_cycles},
      {"lapsed_cycles", lapsed_cycles},
      {"cycle_prior_weight", cycle_prior_weight},
      {"min_cycle_days", min_cycle_days},
      {"default_cycle_days", default_cycle_days},
      {"vip_share", vip_share},
      {"window_days", window_days},
      {"tenure_full_days", tenure_full_days},
      {"p_alive_max_age_days", p_alive_max_age_days},
      {"weights",
       {{"recency", weights.recency},
        {"frequency", weights.frequency},
        {"spend", weights.spend},
        {"tenure", weights.tenure},
        {"engagement", weights.engagement},
        {"advocacy", weights.advocacy},
        {"retention", weights.retention}}},
      {"engagement_types", engagement_types},
      {"advocacy_types", advocacy_types},
  };
  return j.dump();
}

Result<Config> Config::from_json(std::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return fail(ErrorCode::invalid_argument, "analytics settings are not a JSON object");
  }
  Config c;
  auto number = [&](const json& from, const char* key, double& into, double lo, double hi,
                    std::string_view where) -> Status {
    if (!from.contains(key)) return {};
    const json& v = from.at(key);
    if (!v.is_number()) return fail(ErrorCode::invalid_argument, "{}{}: not a number", where, key);
    const double x = v.get<double>();
    if (!(x >= lo && x <= hi)) {
      return fail(ErrorCode::invalid_argument, "{}{}: {} is outside [{}, {}]", where, key, x, lo,
                  hi);
    }
    into = x;
    return {};
  };
  static const char* const kKnown[] = {
      "at_risk_cycles",   "lapsed_cycles",      "cycle_prior_weight",
      "min_cycle_days",   "default_cycle_days", "vip_share",
      "window_days",      "tenure_full_days",   "weights",
      "engagement_types", "advocacy_types",     "p_alive_max_age_days"};
  for (const auto& [key, value] : j.items()) {
    if (std::ranges::find(kKnown, key) == std::end(kKnown)) {
      return fail(ErrorCode::invalid_argument, "unknown analytics setting '{}'", key);
    }
  }
  VAFA_CHECK(number(j, "at_risk_cycles", c.at_risk_cycles, 0.1, 100, ""));
  VAFA_CHECK(number(j, "lapsed_cycles", c.lapsed_cycles, 0.1, 1000, ""));
  VAFA_CHECK(number(j, "cycle_prior_weight", c.cycle_prior_weight, 0, 1000, ""));
  VAFA_CHECK(number(j, "min_cycle_days", c.min_cycle_days, 0.01, 3650, ""));
  VAFA_CHECK(number(j, "default_cycle_days", c.default_cycle_days, 0.01, 3650, ""));
  VAFA_CHECK(number(j, "vip_share", c.vip_share, 0, 1, ""));
  double window = static_cast<double>(c.window_days);
  VAFA_CHECK(number(j, "window_days", window, 1, 36500, ""));
  c.window_days = static_cast<std::int64_t>(window);
  VAFA_CHECK(number(j, "tenure_full_days", c.tenure_full_days, 1, 36500, ""));
  double p_alive_age = static_cast<double>(c.p_alive_max_age_days);
  VAFA_CHECK(number(j, "p_alive_max_age_days", p_alive_age, 0, 36500, ""));
  c.p_alive_max_age_days = static_cast<std::int64_t>(p_alive_age);
  if (c.lapsed_cycles < c.at_risk_cycles) {
    return fail(ErrorCode::invalid_argument,
                "lapsed_cycles ({}) must not be below at_risk_cycles ({})", c.lapsed_cycles,
                c.at_risk_cycles);
  }
  if (j.contains("weights")) {
    const json& w = j.at("weights");
    if (!w.is_object()) return fail(ErrorCode::invalid_argument, "weights: not an object");
    const std::pair<const char*, double*> fields[] = {
        {"recency", &c.weights.recency},       {"frequency", &c.weights.frequency},
        {"spend", &c.weights.spend},           {"tenure", &c.weights.tenure},
        {"engagement", &c.weights.engagement}, {"advocacy", &c.weights.advocacy},
        {"retention", &c.weights.retention}};
    for (const auto& [key, value] : w.items()) {
      if (std::ranges::none_of(fields, [&](const auto& f) { return key == f.first; })) {
        return fail(ErrorCode::invalid_argument, "unknown score weight '{}'", key);
      }
    }
    double total = 0;
    for (const auto& [key, into] : fields) {
      VAFA_CHECK(number(w, key, *into, 0, 1e6, "weights."));
      total += *into;
    }
    if (total <= 0) return fail(ErrorCode::invalid_argument, "score weights sum to zero");
  }
  for (const auto& [key, into] : {std::pair{"engagement_types", &c.engagement_types},
                                  std::pair{"advocacy_types", &c.advocacy_types}}) {
    if (!j.contains(key)) continue;
    const json& list = j.at(key);
    if (!list.is_array()) return fail(ErrorCode::invalid_argument, "{}: not a list", key);
    into->clear();
    for (const json& item : list) {
      if (!item.is_string() || item.get<std::string>().empty()) {
        return fail(ErrorCode::invalid_argument, "{}: every item must be an event type", key);
      }
      into->push_back(item.get<std::string>());
    }
  }
  return c;
}

EventClass classify(const Config& config, std::string_view type) {
  if (type == "nps") return EventClass::nps;
  if (contains(config.advocacy_types, type)) return EventClass::advocacy;
  if (contains(config.engagement_types, type)) return EventClass::engagement;
  return EventClass::other;
}

std::optional<int> nps_score(std::string_view properties_json) {
  const json j = json::parse(properties_json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("score")) return std::nullopt;
  const json& score = j.at("score");
  if (!score.is_number_integer()) return std::nullopt;
  const auto value = score.get<std::int64_t>();
  if (value < 0 || value > 10) return std::nullopt;
  return static_cast<int>(value);
}

// ---- one customer ----------------------------------------------------------------------------

void add_order(CustomerSummary& s, const OrderRecord& order, const SummaryContext& context) {
  if (order.placed_at > context.as_of || order.currency != context.currency) return;
  const bool window = order.placed_at > context.as_of - context.config->window_days * kDay;
  if (order.status == OrderStatus::placed && order.total_minor >= 0) {
    if (s.last_order_at) s.gap_days_sum += days_between(*s.last_order_at, order.placed_at);
    s.previous_order_at = s.last_order_at;
    if (!s.first_order_at) s.first_order_at = order.placed_at;
    s.last_order_at = order.placed_at;
    ++s.orders;
    s.revenue_minor += order.total_minor;
    s.net_revenue_minor += order.total_minor;
    s.bought_in_window = s.bought_in_window || window;
    return;
  }
  // Not a purchase. A negative total is a refund document (a return or a credit note); an order
  // returned whole (positive total) was a sale, now reversed; a cancelled order with a positive
  // total never was one.
  if (order.total_minor < 0) {
    ++s.returns;
    s.net_revenue_minor += order.total_minor;
  } else if (order.status == OrderStatus::returned) {
    ++s.returns;
    s.revenue_minor += order.total_minor;
  } else if (order.status == OrderStatus::cancelled) {
    ++s.returns;
  }
}

void add_event(CustomerSummary& s, const EventRecord& event, const SummaryContext& context) {
  if (event.occurred_at > context.as_of) return;
  const bool window = event.occurred_at > context.as_of - context.config->window_days * kDay;
  switch (classify(*context.config, event.type)) {
    case EventClass::other: return;
    case EventClass::engagement:
      if (window) ++s.engagement_events;
      return;
    case EventClass::advocacy:
      if (!window) return;
      if (event.type == "review") {
        s.reviewed = true;
      } else if (event.type == "referral") {
        s.referred = true;
      } else {
        s.created_content = true;
      }
      return;
    case EventClass::nps: {
      const std::optional<int> score = nps_score(event.properties);
      if (!score) return;
      s.nps = score;
      if (window) {
        ++s.engagement_events;
        s.promoter = *score >= 9;
      }
      return;
    }
  }
}

// ---- the population --------------------------------------------------------------------------

std::string Population::to_json() const {
  const json j = {{"as_of", as_of},
                  {"currency", currency},
                  {"buyers", buyers},
                  {"recency_cuts", recency_cuts},
                  {"frequency_cuts", frequency_cuts},
                  {"monetary_cuts", monetary_cuts},
                  {"cycle_days", cycle_days},
                  {"vip_net_revenue_minor", vip_net_revenue_minor},
                  {"frequency_scale", frequency_scale},
                  {"spend_scale", spend_scale},
                  {"engagement_scale", engagement_scale}};
  return j.dump();
}

Result<Population> Population::from_json(std::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded())
    return fail(ErrorCode::data_loss, "stored analytics population is not JSON");
  try {
    Population p;
    p.as_of = j.at("as_of").get<std::int64_t>();
    p.currency = j.at("currency").get<std::string>();
    p.buyers = j.at("buyers").get<std::int64_t>();
    p.recency_cuts = j.at("recency_cuts").get<std::array<double, 4>>();
    p.frequency_cuts = j.at("frequency_cuts").get<std::array<double, 4>>();
    p.monetary_cuts = j.at("monetary_cuts").get<std::array<double, 4>>();
    p.cycle_days = j.at("cycle_days").get<double>();
    p.vip_net_revenue_minor = j.at("vip_net_revenue_minor").get<double>();
    p.frequency_scale = j.at("frequency_scale").get<double>();
    p.spend_scale = j.at("spend_scale").get<double>();
    p.engagement_scale = j.at("engagement_scale").get<double>();
    return p;
  } catch (const json::exception& e) {
    return fail(ErrorCode::data_loss, "stored analytics population is incomplete: {}", e.what());
  }
}

Population derive_population(std::span<const CustomerSummary> summaries, const Config& config,
                             std::int64_t as_of, std::string currency) {
  Population p{.as_of = as_of, .currency = std::move(currency)};
  std::vector<double> recency, frequency, monetary, cycles, engagement;
  for (const CustomerSummary& s : summaries) {
    engagement.push_back(static_cast<double>(s.engagement_events));
    if (s.orders == 0) continue;
    recency.push_back(days_between(*s.last_order_at, as_of));
    frequency.push_back(static_cast<double>(s.orders));
    monetary.push_back(static_cast<double>(s.net_revenue_minor));
    if (s.orders > 1) cycles.push_back(s.gap_days_sum / static_cast<double>(s.orders - 1));
  }
  p.buyers = static_cast<std::int64_t>(recency.size());
  p.cycle_days = config.default_cycle_days;
  if (!cycles.empty()) {
    std::ranges::sort(cycles);
    p.cycle_days = std::max(quantile(cycles, 0.5), config.min_cycle_days);
  }
  if (!engagement.empty()) {
    std::ranges::sort(engagement);
    p.engagement_scale = std::max(1.0, quantile(engagement, 0.95));
  }
  if (p.buyers == 0) return p;
  p.recency_cuts = quintile_cuts(recency);
  p.frequency_cuts = quintile_cuts(frequency);
  p.monetary_cuts = quintile_cuts(monetary);
  p.frequency_scale = std::max(1.0, quantile(frequency, 0.95));
  p.spend_scale = std::max(1.0, quantile(monetary, 0.95));
  p.vip_net_revenue_minor =
      std::max(1.0, quantile(monetary, std::clamp(1.0 - config.vip_share, 0.0, 1.0)));
  if (config.vip_share <= 0) p.vip_net_revenue_minor = HUGE_VAL;
  return p;
}

// ---- assessment ------------------------------------------------------------------------------

std::string_view rfm_group(int recency, int frequency, int monetary) {
  // Rows: recency score 5 (most recent) to 1; columns: FM = (F + M) / 2 rounded up, 1 to 5.
  static constexpr std::string_view kGrid[5][5] = {
      {"new", "potential_loyalist", "potential_loyalist", "champions", "champions"},
      {"promising", "potential_loyalist", "potential_loyalist", "loyal", "champions"},
      {"about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"},
      {"hibernating", "hibernating", "at_risk", "at_risk", "cant_lose_them"},
      {"lost", "lost", "hibernating", "at_risk", "cant_lose_them"},
  };
  const int fm = (frequency + monetary + 1) / 2;
  return kGrid[5 - std::clamp(recency, 1, 5)][std::clamp(fm, 1, 5) - 1];
}

CustomerMetrics assess(const CustomerSummary& s, const Population& p, const Config& config) {
  CustomerMetrics m{.customer = s.customer,
                    .as_of = p.as_of,
                    .orders = s.orders,
                    .first_order_at = s.first_order_at,
                    .last_order_at = s.last_order_at,
                    .revenue_minor = s.revenue_minor,
                    .net_revenue_minor = s.net_revenue_minor,
                    .returns = s.returns,
                    .engagement_events = s.engagement_events};
  if (s.nps) m.nps = *s.nps;

  struct Component {
    const char* name;
    double weight;
    double value = 0;
  };
  const ScoreWeights& w = config.weights;
  std::array<Component, 7> parts = {{{"recency", w.recency},
                                     {"frequency", w.frequency},
                                     {"spend", w.spend},
                                     {"tenure", w.tenure},
                                     {"engagement", w.engagement},
                                     {"advocacy", w.advocacy},
                                     {"retention", w.retention}}};
  const double tenure = std::max(0.0, days_between(s.created_at, p.as_of));
  parts[3].value = std::min(1.0, tenure / config.tenure_full_days);
  parts[4].value = log_scale(static_cast<double>(s.engagement_events), p.engagement_scale);
  parts[5].value = std::min(
      1.0, 0.4 * s.referred + 0.3 * s.reviewed + 0.3 * s.created_content + 0.4 * s.promoter);

  if (s.orders == 0) {
    m.stage = "prospect";
  } else {
    const double d = days_between(*s.last_order_at, p.as_of);
    const double gaps = static_cast<double>(s.orders - 1);
    const double k0 = config.cycle_prior_weight;
    const double cycle =
        std::max(config.min_cycle_days, (s.gap_days_sum + k0 * p.cycle_days) / (gaps + k0));
    m.cycle_days = cycle;
    const int r = 5 - cuts_exceeded(p.recency_cuts, d);
    const int f = 1 + cuts_exceeded(p.frequency_cuts, static_cast<double>(s.orders));
    const int mo = 1 + cuts_exceeded(p.monetary_cuts, static_cast<double>(s.net_revenue_minor));
    m.recency_score = r;
    m.frequency_score = f;
    m.monetary_score = mo;
    m.rfm_group = std::string(rfm_group(r, f, mo));

    const double lapse = config.lapsed_cycles * cycle;
    m.churn_risk = s.p_alive ? std::clamp(1.0 - *s.p_alive, 0.0, 1.0) : std::min(1.0, d / lapse);
    parts[0].value = std::max(0.0, 1.0 - d / lapse);
    parts[1].value = log_scale(static_cast<double>(s.orders), p.frequency_scale);
    parts[2].value = log_scale(static_cast<double>(s.net_revenue_minor), p.spend_scale);
    parts[6].value = 1.0 - m.churn_risk;

    bool won_back = false;
    if (s.orders >= 2) {
      const double last_gap = days_between(*s.previous_order_at, *s.last_order_at);
      const double before = std::max(
          config.min_cycle_days, (s.gap_days_sum - last_gap + k0 * p.cycle_days) / (gaps - 1 + k0));
      won_back = last_gap > config.lapsed_cycles * before;
    }
    if (d > lapse) {
      m.stage = "lapsed";
    } else if (d > config.at_risk_cycles * cycle) {
      m.stage = "at_risk";
    } else if (won_back) {
      m.stage = "won_back";
    } else if (static_cast<double>(s.net_revenue_minor) >= p.vip_net_revenue_minor) {
      m.stage = "vip";
    } else if (s.orders == 1) {
      m.stage = "new";
    } else {
      m.stage = "active";
    }
  }

  if (s.reviewed || s.referred || s.created_content || s.promoter) {
    m.advocacy = "lover";
  } else if (s.engagement_events > 0) {
    m.advocacy = "liker";
  } else if (s.bought_in_window) {
    m.advocacy = "lurker";
  } else {
    m.advocacy = "none";
  }

  double total_weight = 0;
  for (const Component& c : parts) total_weight += c.weight;
  json components = json::object();
  double score = 0;
  for (const Component& c : parts) {
    const double points = total_weight > 0 ? 100.0 * c.weight * c.value / total_weight : 0;
    score += points;
    components[c.name] = {{"value", std::round(c.value * 1000) / 1000},
                          {"points", std::round(points * 10) / 10}};
  }
  m.score = std::clamp(std::round(score * 10) / 10, 0.0, 100.0);
  m.components_json = components.dump();
  return m;
}

}  // namespace vafa::analytics
