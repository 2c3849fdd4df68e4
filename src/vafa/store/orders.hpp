// Orders with their lines and returns, and the product catalogue they name.
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

class OrderStore {
 public:
  virtual ~OrderStore() = default;

  // Writes an order and its lines. An order first written by an earlier import run is replaced
  // whole (so re-importing a file is idempotent and a half-imported order is completed); an
  // order already written in this run gets the new lines appended (an order's rows need not
  // be adjacent). Creates the customer (created_at = first order) and products it names.
  virtual Status put_order(const Order& order, std::int64_t run) = 0;
  virtual Result<std::optional<Order>> get_order(std::string_view id) = 0;
  // Sets a stored order's status (cancelled, returned, placed again); not_found for an unknown
  // order. Totals and the customer's change mark follow.
  virtual Status set_order_status(std::string_view id, OrderStatus status) = 0;
  // Links a return document to the order it returns from; the returns of an order, oldest
  // first.
  virtual Status link_return(std::string_view return_id, std::string_view original_id) = 0;
  virtual Result<std::vector<Order>> returns_of(std::string_view original_id) = 0;
  // The customer's placed orders (neither cancelled nor return documents).
  virtual Result<std::int64_t> placed_orders(std::int64_t customer) = 0;

  // Every purchase, ordered by customer row id and time. A visitor's error stops the scan.
  virtual Status scan_purchases(const std::function<Status(const PurchaseRecord&)>& visit) = 0;
  // With `customer` (a row id), that customer's orders only; otherwise every known customer's,
  // ordered by customer row id and then time.
  virtual Status scan_orders(std::optional<std::int64_t> customer,
                             const std::function<Status(const OrderRecord&)>& visit) = 0;
  // Order lines of known customers, by customer, then time.
  virtual Status scan_order_lines(const std::function<Status(const OrderLineRecord&)>& visit) = 0;
};

class ProductStore {
 public:
  virtual ~ProductStore() = default;

  virtual Status upsert_product(const Product& product) = 0;
  virtual Result<std::optional<Product>> get_product(std::string_view sku) = 0;
  virtual Status scan_products(const std::function<Status(const ProductRecord&)>& visit) = 0;
  // The row id of a product by SKU.
  virtual Result<std::optional<std::int64_t>> product_row(std::string_view sku) = 0;
  // The sku of a product row id.
  virtual Result<std::optional<std::string>> product_sku(std::int64_t row) = 0;
};

}  // namespace vafa
