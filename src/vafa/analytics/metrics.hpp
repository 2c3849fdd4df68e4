// Retention metrics per period and acquisition cohorts, computed from the store's orders and NPS
// answers (docs/analytics.md has every definition).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vafa/analytics/customer.hpp"
#include "vafa/analytics/periods.hpp"
#include "vafa/core/error.hpp"
#include "vafa/store/store.hpp"

namespace vafa::analytics {

struct MetricsQuery {
  PeriodUnit unit = PeriodUnit::month;
  CalendarKind calendar = CalendarKind::gregorian;
  std::string time_zone = "UTC";
  std::optional<std::int64_t> from, to;  // default: the span of the orders
  std::string currency;                  // orders in other currencies are left out
  std::optional<std::string> channel;    // orders (and NPS answers) through this channel only
  std::optional<std::int64_t> segment;   // the segment's current members only
};

struct PeriodMetrics {
  Period period;
  std::int64_t active = 0;                 // customers with a purchase in the period
  std::int64_t new_customers = 0;          // whose first purchase ever is in the period
  std::int64_t returning = 0;              // active - new
  std::int64_t start_customers = 0;        // active in the period before
  std::int64_t retained = 0;               // of those, active again in this period
  std::optional<double> retention, churn;  // retained / start, 1 - retention
  std::optional<double> repeat_rate;       // share of active customers with 2+ purchases in it
  std::int64_t orders = 0;
  std::optional<double> frequency;  // orders / active
  std::int64_t revenue_minor = 0;   // purchases
  std::int64_t refunds_minor = 0;   // refunds and returns dated in the period
  std::int64_t net_revenue_minor = 0;
  std::optional<std::int64_t> aov_minor;                       // revenue / orders, rounded
  std::optional<double> top1_share, top10_share, top20_share;  // of revenue, by customer
  std::int64_t nps_answers = 0, promoters = 0, detractors = 0;
  std::optional<double> nps;  // 100 * (promoters - detractors) / answers
};

// Revenue over the whole range by customer, largest first: the Pareto view of who the most
// profitable customers are.
struct Concentration {
  std::int64_t buyers = 0;         // customers with a purchase in the range
  std::int64_t revenue_minor = 0;  // their purchases
  std::optional<double> top1_share, top10_share, top20_share;
  // curve[k]: the share of revenue of the top 5k% of buyers (k = 0..20; curve[20] is 1).
  std::vector<double> curve;
};

struct MetricsReport {
  std::string currency;
  std::vector<PeriodMetrics> periods;
  Concentration all_time;
  std::int64_t customers = 0;               // in scope (segment / all)
  std::optional<double> average_clv_minor;  // over customers with a stored CLV
  std::int64_t clv_customers = 0;
};

Result<MetricsReport> compute_metrics(Store& store, const MetricsQuery& query);

struct CohortRow {
  Period cohort;
  std::int64_t customers = 0;
  // Per period since acquisition (0 = the acquisition period), up to the last period with data.
  std::vector<double> retention;                // share of the cohort with a purchase
  std::vector<double> revenue_per_customer;     // minor units
  std::vector<double> cumulative_per_customer;  // minor units
};

// Cohorts by the period of each customer's first purchase (query.channel and segment apply to
// who is counted; periods as in compute_metrics).
Result<std::vector<CohortRow>> compute_cohorts(Store& store, const MetricsQuery& query);

// ---- acquisition: spend, CAC, CLV:CAC and payback (docs/analytics.md) ----------------------

// New customers of one period and channel (the channel of their first purchase) against the
// marketing spend of that period and channel; channel "all" is the blended row of the period.
struct AcquisitionRow {
  Period period;
  std::string channel;
  std::int64_t spend_minor = 0;
  std::int64_t new_customers = 0;
  std::optional<std::int64_t> cac_minor;  // spend / new customers; unset without both
  // Net revenue (purchases - refunds) of these customers from acquisition until now, per
  // customer, times the margin.
  std::optional<double> value_to_date_minor;
  // Per customer with a stored CLV prediction: net revenue before the CLV run's calibration end
  // plus the predicted CLV, times the margin. clv_customers says how many were predicted.
  std::optional<double> clv_minor;
  std::int64_t clv_customers = 0;
  std::optional<double> clv_to_cac;  // clv / cac
  // Periods until the cumulative margin per customer reaches CAC, the acquisition period
  // counting as 1; unset when it has not happened yet (or there is no CAC).
  std::optional<std::int64_t> payback_periods;
};

struct AcquisitionReport {
  std::string currency;
  double margin = 1.0;
  std::vector<AcquisitionRow> rows;                 // by period, then channel, "all" last
  std::int64_t spend_rows_skipped = 0;              // spend in other currencies
  std::optional<std::int64_t> clv_calibration_end;  // of the CLV run used, when there is one
};

// Periods as in compute_metrics (a week or longer: CAC per day is noise); query.channel keeps
// one channel's rows; query.segment is refused (spend cannot be split by segment). `margin` in
// (0, 1] turns revenue into contribution (1: revenue basis).
Result<AcquisitionReport> compute_acquisition(Store& store, const MetricsQuery& query,
                                              double margin = 1.0);

// ---- advocacy pyramid per period and the flows between levels --------------------------------

// The levels of the pyramid, bottom to top; none: neither bought nor engaged in the window.
enum class Level : std::uint8_t { none, lurker, liker, lover };
inline constexpr std::array<std::string_view, 4> kLevelNames = {"none", "lurker", "liker", "lover"};

struct PyramidPeriod {
  Period period;
  // Customers at each level at the end of the period, exactly as `vafa refresh --as-of END`
  // judges them over its window (config.window_days; docs/analytics.md), indexed by Level.
  std::array<std::int64_t, 4> counts{};
  // flows[from][to]: customers at level `from` at the end of the period before and at `to` now.
  // Unset for the first period computed.
  std::optional<std::array<std::array<std::int64_t, 4>, 4>> flows;
};

// Customers who joined the pyramid (none -> a level), moved up or down a level, or left it (a
// level -> none) between two periods.
struct FlowSummary {
  std::int64_t joined = 0, up = 0, down = 0, left = 0;
};
FlowSummary summarise(const std::array<std::array<std::int64_t, 4>, 4>& flows);

// Periods of a week or longer (a window per day per customer is too much to keep); query.segment
// keeps the segment's current members; query.channel is not used (levels come from every
// channel).
Result<std::vector<PyramidPeriod>> compute_pyramid(Store& store, const MetricsQuery& query,
                                                   const Config& config);

}  // namespace vafa::analytics
