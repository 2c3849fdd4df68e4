// Behavioural events (visits, clicks, reviews, surveys, ...).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "vafa/core/error.hpp"
#include "vafa/core/time.hpp"
#include "vafa/domain/model.hpp"
#include "vafa/store/records.hpp"

namespace vafa {

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Adds an event unless one with the same id exists. Creates the customer if needed.
  virtual Status put_event(const Event& event) = 0;
  virtual Result<std::vector<Event>> customer_events(std::string_view customer_id) = 0;
  // With `customer` (a row id), that customer's events only; otherwise every known customer's,
  // ordered by customer row id and then time.
  virtual Status scan_events(std::optional<std::int64_t> customer,
                             const std::function<Status(const EventRecord&)>& visit) = 0;
  // The time of the latest event, if any (a scan: for a refresh, not for every request).
  virtual Result<std::optional<Timestamp>> last_event_time() = 0;
};

}  // namespace vafa
