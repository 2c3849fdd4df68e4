// One customer's derived figures: what they bought and returned, RFM scores and group, lifecycle
// stage, loyalty behaviour score with its components, advocacy level (docs/analytics.md).
//
// Two steps. A CustomerSummary accumulates one customer's orders and events (in time order, up
// to the as-of time); it needs nothing about other customers. A Population holds the figures a
// full refresh derives from all summaries (quintile boundaries, the shop's purchase cycle, the
// VIP threshold, scales of the score). assess() turns a summary into a CustomerMetrics row
// against a Population; an incremental update after one customer's change reuses the stored
// Population, so it gives exactly what a full refresh with that Population gives.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vafa/core/error.hpp"
#include "vafa/store/store.hpp"

namespace vafa::analytics {

inline constexpr std::int64_t kDay = 86'400;

// Weights of the loyalty behaviour score's components (any non-negative numbers; they are
// normalised to sum to one).
struct ScoreWeights {
  double recency = 0.20;
  double frequency = 0.20;
  double spend = 0.20;
  double tenure = 0.10;
  double engagement = 0.10;
  double advocacy = 0.10;
  double retention = 0.10;  // 1 - churn risk
};

struct Config {
  // Lifecycle: a customer is at risk after at_risk_cycles of their purchase cycle without an
  // order, lapsed after lapsed_cycles. The cycle is the customer's mean gap between orders,
  // shrunk towards the shop's median by cycle_prior_weight gaps' worth (one order: the shop's).
  double at_risk_cycles = 1.5;
  double lapsed_cycles = 3.0;
  double cycle_prior_weight = 2.0;
  double min_cycle_days = 1.0;
  double default_cycle_days = 90.0;  // when no customer has bought twice yet
  double vip_share = 0.05;           // VIP: in the top share of buyers by net revenue
  // Engagement and advocacy count over this window before the as-of time.
  std::int64_t window_days = 365;
  double tenure_full_days = 730;  // tenure component reaches 1 here
  // Churn risk is 1 - P(alive) from the stored CLV predictions when their calibration ended at
  // most this many days from the as-of time; otherwise it comes from recency and the cycle.
  std::int64_t p_alive_max_age_days = 31;
  ScoreWeights weights;
  // Event types: engagement (likers), advocacy (lovers). An NPS answer ("nps", score 0-10) is
  // engagement, and advocacy when it is a promoter's (9-10).
  std::vector<std::string> engagement_types = {"email_open", "email_click", "sms_click",
                                               "push_open",  "app_open",    "rate",
                                               "rating",     "follow",      "like"};
  std::vector<std::string> advocacy_types = {"review", "referral", "ugc", "share"};

  std::string to_json() const;
  // Unknown keys and out-of-range values are errors naming the key.
  static Result<Config> from_json(std::string_view json);
};

enum class EventClass : std::uint8_t { other, engagement, advocacy, nps };
EventClass classify(const Config& config, std::string_view type);

// Reads "score" (an integer 0-10) from an NPS event's properties; nullopt when absent or invalid.
std::optional<int> nps_score(std::string_view properties_json);

struct CustomerSummary {
  std::int64_t customer = 0;  // row id
  std::int64_t created_at = 0;
  std::int64_t orders = 0;  // purchases: placed orders in the analytics currency
  std::optional<std::int64_t> first_order_at, last_order_at, previous_order_at;
  std::int64_t revenue_minor = 0;      // gross: placed orders, plus orders later returned whole
  std::int64_t net_revenue_minor = 0;  // after refunds and returns
  std::int64_t returns = 0;            // refund / return / cancellation documents
  double gap_days_sum = 0;             // sum of gaps between consecutive purchases
  std::int64_t engagement_events = 0;  // in the window
  bool reviewed = false, referred = false, created_content = false, promoter = false;
  bool bought_in_window = false;
  std::optional<int> nps;  // latest answer
  std::optional<double> p_alive;
  std::optional<std::int64_t> clv_minor;
};

// What a summary accumulates, for one as-of time and currency.
struct SummaryContext {
  const Config* config = nullptr;
  std::int64_t as_of = 0;
  std::string_view currency;
};

// Orders and events must be added in time order; those after the as-of time are ignored.
void add_order(CustomerSummary& summary, const OrderRecord& order, const SummaryContext& context);
void add_event(CustomerSummary& summary, const EventRecord& event, const SummaryContext& context);

struct Population {
  std::int64_t as_of = 0;
  std::string currency;
  std::int64_t buyers = 0;
  // Quintile boundaries (20/40/60/80th percentiles) among buyers.
  std::array<double, 4> recency_cuts{};  // days since the last order
  std::array<double, 4> frequency_cuts{};
  std::array<double, 4> monetary_cuts{};  // net revenue, minor units
  double cycle_days = 0;                  // median of repeat buyers' mean gaps
  double vip_net_revenue_minor = 0;
  double frequency_scale = 1, spend_scale = 1, engagement_scale = 1;  // 95th percentiles

  std::string to_json() const;
  static Result<Population> from_json(std::string_view json);
};

Population derive_population(std::span<const CustomerSummary> summaries, const Config& config,
                             std::int64_t as_of, std::string currency);

// Every lifecycle stage and RFM group a customer can be in, in the order tables show them.
inline constexpr std::array<std::string_view, 7> kStages = {"prospect", "new",     "active", "vip",
                                                            "won_back", "at_risk", "lapsed"};
inline constexpr std::array<std::string_view, 11> kRfmGroups = {
    "champions",      "loyal",   "potential_loyalist", "new",         "promising", "need_attention",
    "about_to_sleep", "at_risk", "cant_lose_them",     "hibernating", "lost"};

// Named RFM groups from the recency score and the mean of frequency and monetary scores.
std::string_view rfm_group(int recency, int frequency, int monetary);

CustomerMetrics assess(const CustomerSummary& summary, const Population& population,
                       const Config& config);

}  // namespace vafa::analytics
