#include "vafa/app/customers.hpp"

namespace vafa::app {

Result<CreatedCustomer> create_customer(const Context& context, const Customer& customer,
                                        const std::optional<std::string>& referred_by) {
  Store& store = context.store;
  VAFA_TRY(const auto existing, store.get_customer(customer.id));
  if (existing) {
    return fail(ErrorCode::conflict, "customer '{}' exists; change it with an update instead",
                customer.id);
  }
  VAFA_CHECK(store.upsert_customer(customer));
  VAFA_TRY(Customer stored, need(store.get_customer(customer.id), "customer", customer.id));
  VAFA_TRY(const std::int64_t row, need(store.customer_row(customer.id), "customer", customer.id));
  VAFA_TRY(const std::int64_t bonus,
           context.club.bonus(store, row, "signup", "signup:" + customer.id, context.now));
  CreatedCustomer created{.customer = std::move(stored)};
  if (context.club.config().enabled) created.points = bonus;
  if (referred_by) {
    VAFA_TRY(created.referral, refer_customer(context, customer.id, *referred_by));
  }
  return created;
}

Result<Customer> update_customer(const Context& context, const Customer& customer,
                                 bool keep_created_at) {
  Store& store = context.store;
  VAFA_TRY(const Customer old, need(store.get_customer(customer.id), "customer", customer.id));
  Customer merged = customer;
  if (keep_created_at) merged.created_at = old.created_at;
  VAFA_CHECK(store.upsert_customer(merged));
  return need(store.get_customer(customer.id), "customer", customer.id);
}

Result<Referral> refer_customer(const Context& context, std::string_view customer_id,
                                std::string_view code) {
  return context.club.refer(context.store, customer_id, code, context.now);
}

bool event_earns(std::string_view type) {
  return type == "review" || type == "nps" || type == "referral";
}

Result<RecordedEvent> record_event(const Context& context, const Event& event) {
  Store& store = context.store;
  VAFA_TRY(const auto customer, store.customer_row(event.customer_id));
  if (!customer) {
    return fail(ErrorCode::not_found, "no customer '{}'; create the customer first",
                event.customer_id);
  }
  VAFA_CHECK(store.put_event(event));
  RecordedEvent recorded{.event = event};
  if (context.club.config().enabled && event_earns(event.type)) {
    VAFA_TRY(recorded.points,
             context.club.bonus(store, *customer, event.type, "event:" + event.id, context.now));
  }
  return recorded;
}

}  // namespace vafa::app
