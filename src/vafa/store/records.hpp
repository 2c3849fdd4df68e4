// The records the Store reads and writes: plain values, no behaviour, shared by every
// aggregate interface (customers.hpp, orders.hpp, loyalty.hpp, ...) and every backend.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// A page of a segment's members: (row, external id, since).
struct SegmentMember {
  std::int64_t customer = 0;
  std::string customer_id;
  std::int64_t since = 0;
};

}  // namespace vafa
