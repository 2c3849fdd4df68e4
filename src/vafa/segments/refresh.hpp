// Keeping what is derived from the store current: every customer's metrics (analytics) and the
// members of every stored segment, with each entry and exit recorded.
//
// refresh_all() recomputes everything from the store in one transaction: the population figures
// (quintile boundaries, purchase cycle, ...), each customer's row, and every segment's members.
// update_customers() brings only some customers up to date against the stored population, as
// after a new order; update_changed() does it for every customer the store marked as changed.
// An update gives exactly the rows a full refresh with the same population and as-of time gives.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vafa/analytics/customer.hpp"
#include "vafa/core/error.hpp"
#include "vafa/segments/rule.hpp"
#include "vafa/store/store.hpp"

namespace vafa::segments {

// The names a segment rule may use (docs/analytics.md, Segments): profile attributes, computed
// metrics, CLV predictions and consent per channel.
const Schema& customer_schema();

// A store whose last order or event is older than this (a month, the views' period) is described
// as of the day after its last activity when no as-of is given.
constexpr std::int64_t kStaleDataSeconds = 31 * 86'400;

struct RefreshOptions {
  // The time the figures describe (Unix seconds). Unless fixed, the day after the store's last
  // order or event when that lies more than kStaleDataSeconds before it.
  std::int64_t as_of = 0;
  bool as_of_fixed = false;  // given by the user; updates then keep it instead of the clock's
  std::int64_t now = 0;      // when entries and exits are recorded
  std::optional<std::string> currency;      // default: the store's main currency
  std::optional<analytics::Config> config;  // default: the stored settings, else the defaults
  bool keep_population = false;  // reuse the stored population instead of deriving it again
};

struct SegmentCount {
  std::string name;
  std::int64_t members = 0, entered = 0, exited = 0;
};

struct RefreshReport {
  std::int64_t customers = 0;
  std::int64_t buyers = 0;
  analytics::Population population;
  std::vector<SegmentCount> segments;
  std::vector<std::string> warnings;  // e.g. a stored rule that no longer checks
  // Set when the as-of was taken from the data's end, not the clock: says so.
  std::optional<std::string> as_of_note;
};

// The time of the store's last order or event; nullopt for an empty store.
Result<std::optional<std::int64_t>> last_activity(Store& store);

Result<RefreshReport> refresh_all(Store& store, const RefreshOptions& options);

// The population figures of the last full refresh; nullopt before the first one.
Result<std::optional<analytics::Population>> stored_population(Store& store);

// The analytics settings of the last full refresh; the defaults before the first one.
Result<analytics::Config> stored_config(Store& store);

// The currency with the most placed revenue in the store (USD for an empty store): the default
// currency of the analytics.
Result<std::string> main_currency(Store& store);

// Updates the given customers (row ids) against the stored population and settings; `now` is the
// clock's time (used as the as-of time unless the last refresh fixed one). Needs a refresh first.
Result<RefreshReport> update_customers(Store& store, std::span<const std::int64_t> rows,
                                       std::int64_t now);
// Updates every customer marked as changed, and clears those marks.
Result<RefreshReport> update_changed(Store& store, std::int64_t now);

// Creates a segment after checking its rule; its members are computed at once from the stored
// metrics when a refresh has run (otherwise by the next refresh).
Result<Segment> create_segment(Store& store, std::string_view name, std::string_view rule,
                               std::string_view description, std::int64_t now);

// How many customers a rule selects now, from the stored metrics, and the first few of them.
struct Preview {
  std::int64_t count = 0;
  std::int64_t customers = 0;
  std::vector<std::int64_t> sample;  // row ids
};
Result<Preview> preview(Store& store, std::string_view rule, std::size_t sample = 10);

}  // namespace vafa::segments
