// Customers and their identities.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vafa/core/error.hpp"
#include "vafa/domain/model.hpp"
#include "vafa/store/records.hpp"

namespace vafa {

class CustomerStore {
 public:
  virtual ~CustomerStore() = default;

  // Creates or merges a customer: non-empty fields overwrite, created_at keeps the earliest,
  // identities are attached (conflict if one belongs to another customer), consents overwrite.
  virtual Status upsert_customer(const Customer& customer) = 0;
  virtual Result<std::optional<Customer>> get_customer(std::string_view id) = 0;
  // The row id of a customer by external id.
  virtual Result<std::optional<std::int64_t>> customer_row(std::string_view id) = 0;
  // The customer (external id) that holds `identity`, if any.
  virtual Result<std::optional<std::string>> customer_with_identity(const Identity& identity) = 0;
  // Every customer's row id and external id, by row id.
  virtual Status scan_customers(
      const std::function<Status(std::int64_t row, std::string_view id)>& visit) = 0;
  // Profile fields of one customer (a row id) or of every customer by row id.
  virtual Status scan_customer_records(
      std::optional<std::int64_t> customer,
      const std::function<Status(const CustomerRecord&)>& visit) = 0;
  // Customers whose birthday (month and day) is `month_day` ("02-29"), by row.
  virtual Result<std::vector<std::int64_t>> customers_born_on(std::string_view month_day) = 0;
};

}  // namespace vafa
