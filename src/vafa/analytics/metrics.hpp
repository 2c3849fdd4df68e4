// Retention metrics per period and acquisition cohorts, computed from the store's orders and NPS
// answers (docs/analytics.md has every definition).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

struct MetricsReport {
  std::string currency;
  std::vector<PeriodMetrics> periods;
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

}  // namespace vafa::analytics
