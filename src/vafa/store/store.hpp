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
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vafa/core/error.hpp"
#include "vafa/core/time.hpp"
#include "vafa/domain/model.hpp"

namespace vafa {

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

// ---- analytics inputs and derived state (docs/analytics.md) ---------------------------------

// An order of a known customer, any status; text fields are valid during the visit only.
struct OrderRecord {
  std::int64_t customer = 0;  // row id
  std::string_view id;        // the order's external id
  std::int64_t placed_at = 0;
  std::int64_t total_minor = 0;  // negative for a refund document
  std::string_view currency;
  std::string_view channel;
  OrderStatus status = OrderStatus::placed;
};

// An event of a known customer; text fields are valid during the visit only.
struct EventRecord {
  std::int64_t customer = 0;  // row id
  std::string_view id;
  std::int64_t occurred_at = 0;
  std::string_view type;
  std::string_view channel;
  std::string_view properties;  // JSON object
};

// A customer's profile fields as the segments read them; consent as bit masks indexed by
// Channel (bit 1 << static_cast<int>(channel)). Text fields are valid during the visit only.
struct CustomerRecord {
  std::int64_t row = 0;
  std::string_view id;
  std::int64_t created_at = 0;
  std::string_view name;
  std::string_view country;
  std::string_view locale;
  std::uint32_t consent_asked = 0;
  std::uint32_t consent_granted = 0;
};

// One customer's derived row (table customer_metrics). Money in the analytics currency.
struct CustomerMetrics {
  std::int64_t customer = 0;  // row id
  std::int64_t as_of = 0;
  std::int64_t orders = 0;
  std::optional<std::int64_t> first_order_at, last_order_at;
  std::int64_t revenue_minor = 0;
  std::int64_t net_revenue_minor = 0;
  std::int64_t returns = 0;
  std::optional<double> cycle_days;
  std::optional<std::int64_t> recency_score, frequency_score, monetary_score;
  std::string rfm_group;  // empty for a customer without orders
  std::string stage;
  double score = 0;
  std::string components_json = "{}";
  std::string advocacy;
  std::int64_t engagement_events = 0;
  std::optional<std::int64_t> nps;
  double churn_risk = 0;

  bool operator==(const CustomerMetrics&) const = default;
};

struct Segment {
  std::int64_t id = 0;
  std::string name;
  std::string rule;
  std::string description;
  std::int64_t created_at = 0;
  std::int64_t members = 0;
  std::optional<std::int64_t> evaluated_at;
};

// An entry into or exit from a segment.
struct SegmentChange {
  std::int64_t id = 0;  // increasing: read the history "after id N"
  std::int64_t segment = 0;
  std::int64_t customer = 0;
  bool entered = true;
  std::int64_t at = 0;
};

// Marketing spend of one day, channel and campaign.
struct SpendRecord {
  std::int64_t day = 0;  // Unix seconds of the day's start (UTC)
  std::string channel;
  std::string campaign;
  std::string currency;
  std::int64_t amount_minor = 0;
};

// ---- recommendations (docs/recommend.md) ----------------------------------------------------

// An order line of a known customer; text fields are valid during the visit only.
struct OrderLineRecord {
  std::int64_t customer = 0;  // row id
  std::int64_t order = 0;     // row id
  std::int64_t placed_at = 0;
  std::int64_t product = 0;  // row id; 0 for a line without a product
  std::int64_t quantity = 0;
  std::int64_t amount_minor = 0;
  OrderStatus status = OrderStatus::placed;
};

struct ProductRecord {
  std::int64_t row = 0;
  std::string_view sku, name, category;
  std::optional<std::int64_t> price_minor;
  std::string_view currency;
  bool active = true;
};

struct RecommendModel {
  std::int64_t trained_at = 0;
  std::optional<std::int64_t> trained_until;  // only orders before it were read
  std::string params_json;
  std::int64_t products = 0;
  std::int64_t pairs = 0;
};

// A product's neighbour; rows of one product come best first (rank 1, 2, ...).
struct NeighbourRow {
  std::int64_t product = 0, neighbour = 0;
  double score = 0;
  std::int64_t support = 0, together = 0;
};

// A popular product within a scope ("all", "country:IR", "segment:3", "category:books").
struct PopularRow {
  std::string scope;
  std::int64_t product = 0, buyers = 0;
};

// One recommendation of a customer's list; rows of one customer come best first.
struct RecommendationRow {
  std::int64_t customer = 0;
  std::int64_t product = 0;
  double score = 0;
  std::string reason;                   // similar, upsell, category, popular
  std::optional<std::int64_t> because;  // the purchased product that led to it
};

// An API key as stored: never the key itself (docs/api.md).
struct ApiKeyRecord {
  std::int64_t id = 0;
  std::string name;
  std::string role;    // admin, writer, reader
  std::string prefix;  // the key's first characters
  std::string hash;    // hex BLAKE2b-256 of the whole key
  std::int64_t created_at = 0;
  std::optional<std::int64_t> revoked_at;
};

// A person who signs in to the dashboard. role: reader, writer or admin (as API keys);
// lang: en, fa or hy.
struct DashboardUser {
  std::int64_t id = 0;
  std::string name;
  std::string password_hash;  // Argon2id, libsodium's encoded string
  std::string role = "reader";
  std::string lang = "en";
  std::int64_t created_at = 0;
  std::optional<std::int64_t> disabled_at;
};

struct DashboardSession {
  std::string token_hash;  // hex BLAKE2b-256 of the cookie's token
  std::int64_t user_id = 0;
  std::string csrf;
  std::int64_t created_at = 0, expires_at = 0;
};

// One precomputed dashboard view (migration 0016): a JSON document written by `vafa refresh`.
struct DashboardView {
  std::string name;  // "overview.gregorian", "clv", ...
  std::int64_t as_of = 0, computed_at = 0;
  std::string body;  // JSON
};

// How the dashboard's customer table is sorted; every key is indexed (keyset paging).
enum class CustomerSort { net_revenue, orders, score, churn_risk, clv };

struct CustomerPageQuery {
  CustomerSort sort = CustomerSort::net_revenue;
  bool descending = true;
  // Keyset cursor: the sort value and row id of the last row of the page before.
  std::optional<std::pair<double, std::int64_t>> after;
  std::size_t limit = 50;
};

// One row of the dashboard's customer table: derived metrics and the stored CLV prediction.
struct CustomerListRow {
  std::int64_t row = 0;
  std::string customer_id, name, country;
  std::int64_t orders = 0, net_revenue_minor = 0;
  double score = 0, churn_risk = 0;
  std::string stage, advocacy;
  std::optional<std::int64_t> clv_minor;
  std::optional<double> p_alive;
  double sort_value = 0;  // the value sorted on, for the next page's cursor
};

// The answer to an API write sent with an Idempotency-Key, kept to answer its retries.
struct StoredReply {
  std::string fingerprint;  // method, path and body hash of the first request
  int status = 0;
  std::string body;
  std::string location;
  std::int64_t created_at = 0;
};

// ---- the loyalty ledger (docs/loyalty.md) -----------------------------------------------------

// Customer accounts (pending, available) belong to one customer; the shop's accounts (issued,
// redeemed, expired) to nobody.
enum class PointsAccount { pending, available, issued, redeemed, expired };
std::string_view to_string(PointsAccount account);

struct LedgerEntry {
  PointsAccount account = PointsAccount::issued;
  std::optional<std::int64_t> customer;  // row id; set exactly for customer accounts
  std::int64_t points = 0;
};

// One movement of points: two or more entries that sum to zero. (kind, cause) is unique.
struct LedgerTxn {
  std::int64_t id = 0;
  std::string kind;   // earn, bonus, mature, redeem, expire, adjust, reverse, transfer
  std::string cause;  // "order:O1", "event:E7", "lot:12", "adjust:..."
  std::optional<std::int64_t> customer;
  std::int64_t at = 0;
  std::string note;
  std::vector<LedgerEntry> entries;
};

// Points earned together; spent and expired oldest first.
struct PointsLot {
  std::int64_t id = 0;
  std::int64_t customer = 0;
  std::int64_t txn = 0;
  std::int64_t points = 0;
  std::int64_t remaining = 0;
  bool pending = true;
  std::int64_t available_at = 0;
  std::optional<std::int64_t> expires_at;
  std::int64_t reversed = 0;  // taken back by returns so far
};

struct PointsBalance {
  std::int64_t customer = 0;
  std::int64_t pending = 0, available = 0;
  std::int64_t earned = 0, redeemed = 0, expired = 0;  // lifetime
};

// What `vafa loyalty check` verifies; all zero when the ledger is sound.
struct LedgerCheck {
  std::int64_t txns = 0, entries = 0;
  std::int64_t total = 0;              // the sum of every entry
  std::int64_t unbalanced_txns = 0;    // transactions whose entries do not sum to zero
  std::int64_t wrong_balances = 0;     // stored balances that differ from their entries
  std::int64_t lots_not_matching = 0;  // customers whose lots do not add up to their balance

  bool sound() const {
    return total == 0 && unbalanced_txns == 0 && wrong_balances == 0 && lots_not_matching == 0;
  }
  // What is wrong, for a message; empty when sound.
  std::string problems() const;
};

// A reward of the catalogue.
struct Reward {
  std::int64_t id = 0;
  std::string code;  // the reward's handle: 'free-coffee'
  std::string name;
  std::int64_t cost = 0;                     // points
  std::optional<std::int64_t> stock;         // unset: unlimited
  std::optional<std::int64_t> per_customer;  // unset: no limit
  std::optional<std::int64_t> valid_from, valid_until;
  std::optional<std::int64_t> voucher_days;  // how long a voucher stays good; unset: always
  bool active = true;
  std::int64_t created_at = 0;
};

struct Redemption {
  std::int64_t id = 0;
  std::int64_t reward = 0;
  std::int64_t customer = 0;
  std::int64_t points = 0;
  std::string voucher;
  std::int64_t at = 0;
  std::optional<std::int64_t> expires_at;
  std::string reward_code;  // filled by reads
  std::string cause;        // a gift's cause ("gift:ORDER:RULE"); empty for a redemption
  std::optional<std::int64_t> voided_at;  // a gift taken back (its order was cancelled)
};

// A customer's available points that expire within a window (for reminder campaigns).
struct ExpiringPoints {
  std::int64_t customer = 0;  // row
  std::string customer_id;
  std::int64_t points = 0;
  std::int64_t first_expiry = 0;
};

// A customer's referral code, and who used one: the referee is credited on their first
// qualifying order (order_id and credited_at are set then).
struct ReferralCode {
  std::int64_t customer = 0;
  std::string customer_id;  // external id (filled by reads)
  std::string code;
  std::int64_t created_at = 0;
};

struct Referral {
  std::int64_t referee = 0, referrer = 0;  // customer rows
  std::string code;
  std::int64_t at = 0;
  std::optional<std::string> order_id;
  std::optional<std::int64_t> credited_at;
  std::string referee_id, referrer_id;  // external ids (filled by reads)
};

// A partner paid a commission (basis points of sales) on the orders attributed to its code.
struct Affiliate {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  std::int64_t rate_bp = 0;  // 0..10,000
  bool active = true;
  std::int64_t created_at = 0;
};

// One immutable movement of an affiliate's commission: an attributed order (+), a return of
// some of it or its cancellation (-). cause is unique ("order:O1", "return:O1-R1", "cancel:O1").
struct AffiliateEntry {
  std::int64_t id = 0;
  std::int64_t affiliate = 0;
  std::string order_id;
  std::string kind;  // order | return | cancel
  std::string cause;
  std::int64_t at = 0;
  std::string currency;
  std::int64_t sales_minor = 0;
  std::int64_t rate_bp = 0;
  std::int64_t commission_minor = 0;
};

// An affiliate's movements at [from, to) in one currency.
struct AffiliatePayable {
  std::string affiliate;  // code
  std::string name;
  std::string currency;
  std::int64_t orders = 0, returns = 0, cancellations = 0;
  std::int64_t sales_minor = 0;       // net
  std::int64_t commission_minor = 0;  // net: what is payable for the period
};

// A customer's loyalty tier.
struct TierState {
  std::int64_t customer = 0;
  std::string tier;
  std::int64_t since = 0;
  std::optional<std::int64_t> below_since;
  bool invited = false;
};

struct TierChange {
  std::int64_t customer = 0;
  std::optional<std::string> from;
  std::string to;
  std::int64_t at = 0;
  std::string reason;
};

// A row a reader or validator refused, with where and why. `line` is the 1-based physical line
// at which the record starts; `column` names the field (header name or 1-based index), or is
// empty when the whole record is at fault.
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
  std::int64_t warnings = 0;  // optional values dropped from accepted records
};

// interrupted: the process running it was killed (found by the next import or open).
enum class ImportStatus { running, completed, aborted, failed, interrupted };
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
  // One level of nesting inside begin()/commit(), for batching independent requests in one
  // transaction: rollback_to_savepoint() undoes the writes made since savepoint() and keeps the
  // transaction's earlier ones; release_savepoint() keeps them.
  virtual Status savepoint() = 0;
  virtual Status release_savepoint() = 0;
  virtual Status rollback_to_savepoint() = 0;

  // Upkeep of the write-ahead log for a long-running writer. With automatic checkpoints off, a
  // commit never stops to copy the log back into the database file (a latency spike of an
  // fsync); another connection calls checkpoint(passive) instead, which copies what it can
  // without waiting for or blocking writers. That alone never lets the log start again from
  // its beginning while reads and writes arrive back to back, so the log grows without end: the
  // writer watches log_bytes() after its commits and, past a bound, between two commits, takes a
  // restart checkpoint, which copies the rest, waits a short while for readers to leave the log
  // and lets the next commit write from its beginning (the file is then cut to its size limit).
  enum class Checkpoint { passive, restart };
  virtual Status set_auto_checkpoint(bool on) = 0;
  virtual Status checkpoint(Checkpoint mode) = 0;
  // The size of the write-ahead log as this connection's last commit left it (0 when unknown).
  virtual std::int64_t log_bytes() const = 0;

  // Writes a consistent copy of the whole store (one snapshot) to a new file at `destination`
  // while other connections go on writing: to a temporary name beside it, checked, made
  // durable, then renamed into place, so `destination` is either absent or whole. The copy is a
  // store (open_store(destination)). conflict when it exists and !replace. Returns its size.
  virtual Result<std::int64_t> backup(const std::string& destination, bool replace) = 0;

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
  // ---- analytics inputs. With `customer` (a row id), that customer's rows only; otherwise
  // every known customer's, ordered by customer row id and then time.
  virtual Status scan_orders(std::optional<std::int64_t> customer,
                             const std::function<Status(const OrderRecord&)>& visit) = 0;
  virtual Status scan_events(std::optional<std::int64_t> customer,
                             const std::function<Status(const EventRecord&)>& visit) = 0;
  virtual Status scan_customer_records(
      std::optional<std::int64_t> customer,
      const std::function<Status(const CustomerRecord&)>& visit) = 0;
  // Stored CLV predictions (latest run), by customer row id.
  virtual Status scan_clv_predictions(std::optional<std::int64_t> customer,
                                      const std::function<Status(const ClvPrediction&)>& visit) = 0;
  // The run behind the stored CLV predictions; nullopt when there are none.
  virtual Result<std::optional<ClvRun>> latest_clv_run() = 0;
  // The row id of a customer by external id.
  virtual Result<std::optional<std::int64_t>> customer_row(std::string_view id) = 0;

  // ---- derived state. Writes join the open transaction (begin/commit) or make their own.
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

  // ---- segments
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
  // A page of a segment's members by customer row after `after`: (row, external id, since).
  struct SegmentMember {
    std::int64_t customer = 0;
    std::string customer_id;
    std::int64_t since = 0;
  };
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

  // ---- marketing spend. A row with the same day, channel, campaign and currency is added to
  // when it comes from the same import run (a file listing a day's spend in parts) and replaced
  // when it comes from another (importing a corrected file again).
  virtual Status put_spend(const SpendRecord& row, std::int64_t run) = 0;
  virtual Status scan_spend(const std::function<Status(const SpendRecord&)>& visit) = 0;

  // ---- recommendations. Writes join the open transaction (begin/commit) or make their own.
  // Order lines of known customers, by customer, then time.
  virtual Status scan_order_lines(const std::function<Status(const OrderLineRecord&)>& visit) = 0;
  virtual Status scan_products(const std::function<Status(const ProductRecord&)>& visit) = 0;
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
  // The row id of a product by SKU.
  virtual Result<std::optional<std::int64_t>> product_row(std::string_view sku) = 0;
  // The sku of a product row id.
  virtual Result<std::optional<std::string>> product_sku(std::int64_t row) = 0;

  // ---- API keys. create_api_key fails with conflict when the name or prefix is taken.
  virtual Result<std::int64_t> create_api_key(const ApiKeyRecord& key) = 0;
  virtual Result<std::optional<ApiKeyRecord>> api_key_by_prefix(std::string_view prefix) = 0;
  virtual Result<std::vector<ApiKeyRecord>> api_keys() = 0;
  // not_found when no key has that name; revoking twice keeps the first time.
  virtual Status revoke_api_key(std::string_view name, std::int64_t at) = 0;

  // ---- dashboard users and sessions. create_dashboard_user: conflict when the name is taken;
  // update_dashboard_user changes the hash, role, lang and disabled_at of the user with that
  // name (not_found without one). A disabled user's sessions go with it.
  virtual Result<std::int64_t> create_dashboard_user(const DashboardUser& user) = 0;
  virtual Status update_dashboard_user(const DashboardUser& user) = 0;
  virtual Result<std::optional<DashboardUser>> dashboard_user(std::string_view name) = 0;
  virtual Result<std::optional<DashboardUser>> dashboard_user_by_id(std::int64_t id) = 0;
  virtual Result<std::vector<DashboardUser>> dashboard_users() = 0;
  virtual Status put_session(const DashboardSession& session) = 0;
  virtual Result<std::optional<DashboardSession>> session(std::string_view token_hash) = 0;
  virtual Status delete_session(std::string_view token_hash) = 0;
  // Removes sessions that expired before `now`; returns how many.
  virtual Result<std::int64_t> forget_sessions(std::int64_t now) = 0;

  // ---- dashboard views (migration 0016). put_dashboard_view replaces the view of that name.
  virtual Status put_dashboard_view(const DashboardView& view) = 0;
  virtual Result<std::optional<DashboardView>> dashboard_view(std::string_view name) = 0;
  // Customers with derived metrics, sorted and paged on an indexed key (CLV: those with one).
  virtual Result<std::vector<CustomerListRow>> customer_page(const CustomerPageQuery& query) = 0;
  // Every entry on the shop's points accounts (issued, redeemed, expired), with its
  // transaction's time, in no particular order.
  virtual Status scan_shop_points(
      const std::function<Status(PointsAccount account, std::int64_t points, std::int64_t at)>&
          visit) = 0;

  // ---- API writes (docs/api.md).
  // The time of the latest event, if any (a scan: for a refresh, not for every request).
  virtual Result<std::optional<Timestamp>> last_event_time() = 0;

  // The customer (external id) that holds `identity`, if any.
  virtual Result<std::optional<std::string>> customer_with_identity(const Identity& identity) = 0;
  // Sets a stored order's status (cancelled, returned, placed again); not_found for an unknown
  // order. Totals and the customer's change mark follow.
  virtual Status set_order_status(std::string_view id, OrderStatus status) = 0;
  // Idempotency: the stored answer for (caller, key), storing one (conflict if present), and
  // forgetting those created before `before`.
  virtual Result<std::optional<StoredReply>> stored_reply(std::string_view caller,
                                                          std::string_view key) = 0;
  virtual Status put_stored_reply(std::string_view caller, std::string_view key,
                                  const StoredReply& reply) = 0;
  virtual Result<std::int64_t> forget_stored_replies(std::int64_t before) = 0;
  // Links a return document to the order it returns from; the returns of an order, oldest
  // first.
  virtual Status link_return(std::string_view return_id, std::string_view original_id) = 0;
  virtual Result<std::vector<Order>> returns_of(std::string_view original_id) = 0;

  // ---- loyalty ledger. post_points writes a transaction and its entries and updates the
  // customer's balance; nullopt (and nothing written) when (kind, cause) was posted before;
  // invalid_argument unless there are two or more entries summing to zero, each customer entry
  // with a customer and each shop entry without.
  virtual Result<std::optional<std::int64_t>> post_points(const LedgerTxn& txn) = 0;
  virtual Result<std::optional<LedgerTxn>> points_txn(std::string_view kind,
                                                      std::string_view cause) = 0;
  virtual Result<std::int64_t> add_lot(const PointsLot& lot) = 0;
  virtual Status update_lot(std::int64_t id, std::int64_t remaining, bool pending) = 0;
  virtual Status add_lot_reversed(std::int64_t id, std::int64_t points) = 0;

  // A customer's lots with points left, oldest first.
  virtual Result<std::vector<PointsLot>> open_lots(std::int64_t customer) = 0;
  // The lots a transaction created.
  virtual Result<std::vector<PointsLot>> lots_of_txn(std::int64_t txn) = 0;
  // Lots that are due at `now`: pending ones to become available, available ones to expire.
  virtual Result<std::vector<PointsLot>> lots_due(std::int64_t now, std::size_t limit) = 0;
  virtual Result<PointsBalance> points_balance(std::int64_t customer) = 0;
  // Points a customer earned (kind earn) at [from, to).
  virtual Result<std::int64_t> points_earned(std::int64_t customer, std::int64_t from,
                                             std::int64_t to) = 0;
  // A customer's transactions, latest first, with ids below `before` if given.
  virtual Result<std::vector<LedgerTxn>> points_history(std::int64_t customer, std::size_t limit,
                                                        std::optional<std::int64_t> before) = 0;
  virtual Result<LedgerCheck> check_points() = 0;
  // The points each line of an order earned (by the earn transaction).
  virtual Status put_line_points(std::int64_t txn, const std::vector<std::int64_t>& points) = 0;
  virtual Result<std::vector<std::int64_t>> line_points(std::int64_t txn) = 0;

  // ---- rewards. put_reward creates (id 0; conflict when the code is taken) or replaces by id.
  virtual Result<std::int64_t> put_reward(const Reward& reward) = 0;
  virtual Result<std::optional<Reward>> get_reward(std::string_view code) = 0;
  virtual Result<std::vector<Reward>> rewards() = 0;
  // Takes one unit of stock if there is one (always true for unlimited stock).
  virtual Result<bool> take_reward_unit(std::int64_t reward) = 0;
  virtual Result<std::int64_t> count_redemptions(std::int64_t reward, std::int64_t customer) = 0;
  // conflict when the voucher code is taken.
  virtual Result<std::int64_t> add_redemption(const Redemption& redemption) = 0;
  virtual Result<std::vector<Redemption>> redemptions_of(std::int64_t customer) = 0;

  // ---- tiers. Net points earned (earn and reverse) and net spend (placed orders and returns
  // in `currency`) of a customer at [from, to), for qualification.
  virtual Result<std::int64_t> qualifying_points(std::int64_t customer, std::int64_t from,
                                                 std::int64_t to) = 0;
  virtual Result<std::int64_t> qualifying_spend(std::int64_t customer, std::string_view currency,
                                                std::int64_t from, std::int64_t to) = 0;
  virtual Result<std::optional<TierState>> tier_of(std::int64_t customer) = 0;
  // Writes the state; with `change`, also records it in the history.
  virtual Status put_tier(const TierState& state, const std::optional<TierChange>& change) = 0;
  virtual Result<std::vector<TierState>> tiered_customers() = 0;
  virtual Result<std::vector<TierChange>> tier_history(std::int64_t customer) = 0;
  // Customers with available points expiring at [from, to], by customer row after `after`.
  virtual Result<std::vector<ExpiringPoints>> expiring_points(std::int64_t from, std::int64_t to,
                                                              std::int64_t after,
                                                              std::size_t limit) = 0;

  // ---- gifts (free redemptions with a cause). The gifts whose cause starts with `prefix`;
  // voiding one records when and gives its unit of stock back.
  virtual Result<std::vector<Redemption>> gifts_with_cause(std::string_view prefix) = 0;
  virtual Status void_gift(std::int64_t redemption, std::int64_t at) = 0;

  // ---- referrals. put_referral_code: conflict when the code is taken; put_referral: conflict
  // when the referee was referred before.
  virtual Result<std::optional<ReferralCode>> referral_code_of(std::int64_t customer) = 0;
  virtual Result<std::optional<ReferralCode>> referral_code(std::string_view code) = 0;
  virtual Status put_referral_code(const ReferralCode& code) = 0;
  virtual Status put_referral(const Referral& referral) = 0;
  virtual Result<std::optional<Referral>> referral_of(std::int64_t referee) = 0;
  virtual Result<std::optional<Referral>> referral_by_order(std::string_view order_id) = 0;
  virtual Result<std::vector<Referral>> referrals_by(std::int64_t referrer) = 0;
  // Records (or, with nullopt, clears) the referee's qualifying order.
  virtual Status set_referral_order(std::int64_t referee, const std::optional<std::string>& order,
                                    std::optional<std::int64_t> at) = 0;
  // The customer's placed orders (neither cancelled nor return documents).
  virtual Result<std::int64_t> placed_orders(std::int64_t customer) = 0;
  // Customers whose birthday (month and day) is `month_day` ("02-29"), by row.
  virtual Result<std::vector<std::int64_t>> customers_born_on(std::string_view month_day) = 0;

  // ---- affiliates. put_affiliate creates (id 0; conflict when the code is taken) or replaces
  // by id. add_affiliate_entry returns false (and writes nothing) when the cause exists.
  virtual Result<std::int64_t> put_affiliate(const Affiliate& affiliate) = 0;
  virtual Result<std::optional<Affiliate>> get_affiliate(std::string_view code) = 0;
  virtual Result<std::vector<Affiliate>> affiliates() = 0;
  virtual Result<bool> add_affiliate_entry(const AffiliateEntry& entry) = 0;
  virtual Result<std::vector<AffiliateEntry>> affiliate_entries_of(std::string_view order_id) = 0;
  // Every affiliate's net movements at [from, to), by affiliate code and currency.
  virtual Result<std::vector<AffiliatePayable>> affiliate_payable(std::int64_t from,
                                                                  std::int64_t to) = 0;
};

// Opens (creating if needed) the store at `location`: a file path or "sqlite:PATH" for the
// embedded backend. Applies pending migrations.
Result<std::unique_ptr<Store>> open_store(std::string_view location);

// The default location: $VAFA_DB if set, otherwise "vafa.db" in the working directory.
std::string default_store_location();

}  // namespace vafa
