// The Store: the only way data is persisted. One interface, one implementation per backend
// (sqlite/ now, postgres/ next), chosen by open_store(). Callers never see SQL.
//
// Thread safety: a Store object is used by one thread at a time. Open one per thread; the
// backend serialises writers (SQLite: WAL with a busy timeout).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vafa/core/error.hpp"
#include "vafa/core/time.hpp"
#include "vafa/domain/model.hpp"

namespace vafa {

// A row a reader or validator refused, with where and why. `line` is the 1-based physical line
// at which the record starts; `column` names the field (header name or 1-based index), or is
// empty when the whole record is at fault.
// A placed (neither cancelled nor returned) order of a known customer: what the CLV models and
// the analytics read. `currency` is valid during the visit only.
struct PurchaseRecord {
  std::int64_t customer = 0;   // the customer's row id (see scan_customers)
  std::int64_t placed_at = 0;  // Unix seconds, UTC
  std::int64_t total_minor = 0;
  std::string_view currency;
};

// One run of `vafa clv predict --store`: the model and settings behind the stored predictions.
struct ClvRun {
  std::string model;                 // "bgnbd", "mbgnbd", "pareto-nbd", "bgbb"
  std::string params_json;           // the fitted parameters, as a JSON object
  std::int64_t calibration_end = 0;  // Unix seconds
  std::string unit;                  // the time unit of the horizon
  double horizon = 0;
  double discount_rate = 0;  // per unit
  std::string currency;      // of the money columns; empty without a spend model
  std::int64_t created_at = 0;
};

// A customer's predictions (times in the run's unit; money in the currency's minor units).
struct ClvPrediction {
  std::int64_t customer = 0;  // row id (see scan_customers)
  double frequency = 0, recency = 0, age = 0;
  double p_alive = 0;
  double expected_purchases = 0;  // over the run's horizon
  std::optional<std::int64_t> expected_order_value_minor;
  std::optional<std::int64_t> clv_minor;
};

struct RejectedRow {
  std::string source;
  std::int64_t line = 0;
  std::string column;
  std::string reason;
  std::string raw;  // the record's text, cut to a readable length
};

struct ImportCounts {
  std::int64_t records = 0;   // data records read (header excluded)
  std::int64_t accepted = 0;  // records written
  std::int64_t rejected = 0;  // records quarantined
};

enum class ImportStatus { running, completed, aborted, failed };
std::string_view to_string(ImportStatus status);

struct StoreStats {
  std::int64_t customers = 0;
  std::int64_t orders = 0;
  std::int64_t order_lines = 0;
  std::int64_t returns = 0;  // orders with status returned or cancelled
  std::int64_t guest_orders = 0;
  std::int64_t products = 0;
  std::int64_t events = 0;
  std::int64_t rejected_rows = 0;
  std::map<std::string, std::int64_t> revenue_minor;  // currency -> net total of placed orders
  std::optional<Timestamp> first_order;
  std::optional<Timestamp> last_order;
};

class Store {
 public:
  virtual ~Store() = default;

  // The backend's name ("sqlite") and its location, for messages.
  virtual std::string describe() const = 0;

  // Writes between begin() and commit() are atomic, and durable once commit() returns.
  // rollback() undoes them. Without begin(), each write is its own transaction.
  virtual Status begin() = 0;
  virtual Status commit() = 0;
  virtual Status rollback() = 0;

  // Import bookkeeping. start_import records a run (in its own transaction; call it outside
  // begin/commit) and clears the quarantine of earlier runs of the same source, since this run
  // re-examines every row. It also resets the occurrence counters below.
  virtual Result<std::int64_t> start_import(std::string_view kind, std::string_view source,
                                            Timestamp started_at) = 0;
  virtual Status finish_import(std::int64_t run, const ImportCounts& counts, ImportStatus status,
                               Timestamp finished_at) = 0;

  // How many times `key` was seen earlier in the current import run (0 the first time).
  // Used to give identical rows of a file distinct, reproducible ids. Memory does not grow
  // with the number of keys.
  virtual Result<std::int64_t> next_occurrence(std::uint64_t key) = 0;

  // Creates or merges a customer: non-empty fields overwrite, created_at keeps the earliest,
  // identities are attached (conflict if one belongs to another customer), consents overwrite.
  virtual Status upsert_customer(const Customer& customer) = 0;
  virtual Status upsert_product(const Product& product) = 0;

  // Writes an order and its lines. An order first written by an earlier import run is replaced
  // whole (so re-importing a file is idempotent and a half-imported order is completed); an
  // order already written in this run gets the new lines appended (an order's rows need not
  // be adjacent). Creates the customer (created_at = first order) and products it names.
  virtual Status put_order(const Order& order, std::int64_t run) = 0;

  // Adds an event unless one with the same id exists. Creates the customer if needed.
  virtual Status put_event(const Event& event) = 0;

  virtual Status put_rejected(std::int64_t run, const RejectedRow& row) = 0;

  // Reads.
  virtual Result<StoreStats> stats() = 0;
  virtual Result<std::optional<Customer>> get_customer(std::string_view id) = 0;
  virtual Result<std::optional<Order>> get_order(std::string_view id) = 0;
  virtual Result<std::optional<Product>> get_product(std::string_view sku) = 0;
  virtual Result<std::vector<Event>> customer_events(std::string_view customer_id) = 0;
  virtual Result<std::vector<RejectedRow>> rejected_rows(std::string_view source) = 0;
  // Every purchase, ordered by customer row id and time. A visitor's error stops the scan.
  virtual Status scan_purchases(const std::function<Status(const PurchaseRecord&)>& visit) = 0;
  // Every customer's row id and external id, by row id.
  virtual Status scan_customers(
      const std::function<Status(std::int64_t row, std::string_view id)>& visit) = 0;
  // The schema version after migrations.
  virtual Result<int> schema_version() = 0;

  // Replaces every stored CLV prediction by `rows`, all in one transaction (a crash keeps the
  // previous run whole); returns the new run's id.
  virtual Result<std::int64_t> put_clv_predictions(const ClvRun& run,
                                                   const std::vector<ClvPrediction>& rows) = 0;
  // A customer's stored prediction (by external id) and its run; nullopt when there is none.
  virtual Result<std::optional<std::pair<ClvRun, ClvPrediction>>> get_clv_prediction(
      std::string_view customer_id) = 0;
};

// Opens (creating if needed) the store at `location`: a file path or "sqlite:PATH" for the
// embedded backend. Applies pending migrations.
Result<std::unique_ptr<Store>> open_store(std::string_view location);

// The default location: $VAFA_DB if set, otherwise "vafa.db" in the working directory.
std::string default_store_location();

}  // namespace vafa
