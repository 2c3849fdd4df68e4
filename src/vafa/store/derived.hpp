// What `vafa refresh` and `vafa clv predict` derive from the facts: per-customer metrics, the
// analytics state, the change marks that make a refresh incremental, CLV predictions, and
// segments with their history. Writes join the open transaction or make their own.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vafa/core/error.hpp"
#include "vafa/store/records.hpp"

namespace vafa {

class DerivedStore {
 public:
  virtual ~DerivedStore() = default;

  virtual Status put_customer_metrics(const CustomerMetrics& row) = 0;
  virtual Result<std::optional<CustomerMetrics>> get_customer_metrics(std::int64_t customer) = 0;
  virtual Status scan_customer_metrics(
      const std::function<Status(const CustomerMetrics&)>& visit) = 0;
  // Named values of the analytics state (JSON text).
  virtual Status put_state(std::string_view name, std::string_view value) = 0;
  virtual Result<std::optional<std::string>> get_state(std::string_view name) = 0;

  // Customers whose orders, events or profile changed since their derived rows were written,
  // as (seq, row id) in seq order. Every write of such data marks the customer (a later change
  // takes a later seq); clear_changes(S) removes the marks with seq <= S.
  virtual Result<std::vector<std::pair<std::int64_t, std::int64_t>>> changed_customers() = 0;
  virtual Status clear_changes(std::int64_t up_to_seq) = 0;
  // The highest seq handed out so far (0 when none).
  virtual Result<std::int64_t> last_change_seq() = 0;

  // Replaces every stored CLV prediction by `rows`, all in one transaction (a crash keeps the
  // previous run whole); returns the new run's id.
  virtual Result<std::int64_t> put_clv_predictions(const ClvRun& run,
                                                   const std::vector<ClvPrediction>& rows) = 0;
  // A customer's stored prediction (by external id) and its run; nullopt when there is none.
  virtual Result<std::optional<std::pair<ClvRun, ClvPrediction>>> get_clv_prediction(
      std::string_view customer_id) = 0;
  // Stored CLV predictions (latest run), of one customer row or of all by row id.
  virtual Status scan_clv_predictions(std::optional<std::int64_t> customer,
                                      const std::function<Status(const ClvPrediction&)>& visit) = 0;
  // The run behind the stored CLV predictions; nullopt when there are none.
  virtual Result<std::optional<ClvRun>> latest_clv_run() = 0;
};

class SegmentStore {
 public:
  virtual ~SegmentStore() = default;

  // Creates a segment; conflict when the name is taken. Returns its id.
  virtual Result<std::int64_t> create_segment(const Segment& segment) = 0;
  // Deletes a segment with its members and history; not_found when there is none.
  virtual Status delete_segment(std::string_view name) = 0;
  virtual Result<std::vector<Segment>> segments() = 0;
  virtual Result<std::optional<Segment>> get_segment(std::string_view name) = 0;
  // Members of a segment by customer row id: (row, since).
  virtual Status scan_segment_members(
      std::int64_t segment,
      const std::function<Status(std::int64_t customer, std::int64_t since)>& visit) = 0;
  // A page of a segment's members by customer row after `after`.
  virtual Result<std::vector<SegmentMember>> segment_members(std::int64_t segment,
                                                             std::int64_t after,
                                                             std::size_t limit) = 0;
  // The ids of the segments a customer is in.
  virtual Result<std::vector<std::int64_t>> customer_segments(std::int64_t customer) = 0;
  // Adds `entered` to and removes `exited` from the members, records each change in the history
  // at `at`, updates the member count and records the size at `at`.
  virtual Status apply_segment_changes(std::int64_t segment, std::span<const std::int64_t> entered,
                                       std::span<const std::int64_t> exited, std::int64_t at) = 0;
  // History of a segment (or, with segment 0, of every segment) after change id `after`.
  virtual Result<std::vector<SegmentChange>> segment_history(std::int64_t segment,
                                                             std::int64_t after,
                                                             std::size_t limit) = 0;
  // Size of a segment after each evaluation: (at, members).
  virtual Result<std::vector<std::pair<std::int64_t, std::int64_t>>> segment_sizes(
      std::int64_t segment) = 0;
};

// Marketing spend. A row with the same day, channel, campaign and currency is added to when it
// comes from the same import run (a file listing a day's spend in parts) and replaced when it
// comes from another (importing a corrected file again).
class SpendStore {
 public:
  virtual ~SpendStore() = default;

  virtual Status put_spend(const SpendRecord& row, std::int64_t run) = 0;
  virtual Status scan_spend(const std::function<Status(const SpendRecord&)>& visit) = 0;
};

// The item-to-item recommendation model and every customer's list (docs/recommend.md).
class RecommendStore {
 public:
  virtual ~RecommendStore() = default;

  // Replaces the model, its neighbours and popular lists, and removes every customer's list
  // (put_recommendations writes the new ones). Rows grouped by product / scope, best first.
  virtual Status replace_recommend_model(const RecommendModel& model,
                                         std::span<const NeighbourRow> neighbours,
                                         std::span<const PopularRow> popular) = 0;
  // Adds customers' lists: rows grouped by customer, best first, each customer in one call.
  virtual Status put_recommendations(std::span<const RecommendationRow> rows) = 0;
  virtual Result<std::optional<RecommendModel>> recommend_model() = 0;
  // The neighbours of one product (best first) or of all (by product, best first).
  virtual Status scan_neighbours(std::optional<std::int64_t> product,
                                 const std::function<Status(const NeighbourRow&)>& visit) = 0;
  virtual Result<std::vector<PopularRow>> popular_products(std::string_view scope,
                                                           std::size_t limit) = 0;
  virtual Result<std::vector<RecommendationRow>> recommendations_for(std::int64_t customer) = 0;
};

// The dashboard's precomputed views (migration 0016) and its indexed customer table.
class ViewStore {
 public:
  virtual ~ViewStore() = default;

  // Replaces the view of that name.
  virtual Status put_dashboard_view(const DashboardView& view) = 0;
  virtual Result<std::optional<DashboardView>> dashboard_view(std::string_view name) = 0;
  // Customers with derived metrics, sorted and paged on an indexed key (CLV: those with one).
  virtual Result<std::vector<CustomerListRow>> customer_page(const CustomerPageQuery& query) = 0;
};

}  // namespace vafa
