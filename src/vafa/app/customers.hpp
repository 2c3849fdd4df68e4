// Customers and what they do outside orders: a new customer (the signup bonus, a referral code
// they came with), a change to one, an event (a review, an NPS answer, a referral: the events
// that earn a configured bonus). Each runs inside the caller's transaction (context.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vafa/app/context.hpp"

namespace vafa::app {

struct CreatedCustomer {
  Customer customer;                   // as stored
  std::optional<std::int64_t> points;  // the signup bonus, with the loyalty club on
  std::optional<Referral> referral;    // the referral the customer came with
};

// Creates a customer (conflict when the id exists); `referred_by` is a referral code.
Result<CreatedCustomer> create_customer(const Context& context, const Customer& customer,
                                        const std::optional<std::string>& referred_by);

// Merges `customer` into the stored one (not_found when there is none). The first sighting is
// not the time of an update: unless `keep_created_at` is false, the stored created_at stays.
Result<Customer> update_customer(const Context& context, const Customer& customer,
                                 bool keep_created_at);

// Records that `customer_id` came with the referral code `code`.
Result<Referral> refer_customer(const Context& context, std::string_view customer_id,
                                std::string_view code);

// The event types that earn the loyalty bonus of the same name (docs/loyalty.md).
bool event_earns(std::string_view type);

struct RecordedEvent {
  Event event;
  std::optional<std::int64_t> points;  // the bonus it earned, for an event that earns
};

// Records an event of a known customer (not_found otherwise).
Result<RecordedEvent> record_event(const Context& context, const Event& event);

}  // namespace vafa::app
