// The embedded SQLite backend: WAL journal, synchronous=FULL (a committed transaction survives
// a crash of the process or the machine), foreign keys on, a busy timeout, prepared statements,
// and migrations applied at open.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include <sqlite3.h>

#include "vafa/store/sqlite/key_cache.hpp"
#include "vafa/store/sqlite/statement.hpp"
#include "vafa/store/store.hpp"
#include "vafa/store/write_ahead_log.hpp"

namespace vafa {

namespace sqlite {
// An order status as the store writes it (to_string(OrderStatus)); a scan reads millions, so no
// parsing of synonyms and no allocation, unlike parse_order_status.
inline OrderStatus stored_order_status(std::string_view text) {
  if (text == "placed") return OrderStatus::placed;
  return text == "cancelled" ? OrderStatus::cancelled : OrderStatus::returned;
}
}  // namespace sqlite

class SqliteStore final : public Store, public WriteAheadLog {
 public:
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path);
  ~SqliteStore() override;

  std::string describe() const override { return "sqlite:" + path_; }

  Status begin() override;
  Status commit() override;
  Status rollback() override;
  Status savepoint() override;
  Status release_savepoint() override;
  Status rollback_to_savepoint() override;
  Status set_auto_checkpoint(bool on) override;
  Status checkpoint(Checkpoint mode) override;
  std::int64_t log_bytes() const override;
  Result<std::int64_t> backup(const std::string& destination, bool replace) override;
  // The write-ahead log's bounds: a restart checkpoint waits at most kRestartWait for readers
  // to leave the log; a log reset cuts the file to kLogSizeLimit, which is above the writer's
  // restart limit so that a reset reuses the file's blocks rather than cutting and regrowing it.
  static constexpr int kRestartWaitMs = 250;
  static constexpr std::int64_t kLogSizeLimit = 224 << 20;

  Result<std::int64_t> start_import(std::string_view kind, std::string_view source,
                                    Timestamp started_at) override;
  Status finish_import(std::int64_t run, const ImportCounts& counts, ImportStatus status,
                       Timestamp finished_at) override;
  Result<std::int64_t> next_occurrence(std::uint64_t key) override;

  Status upsert_customer(const Customer& customer) override;
  Status upsert_product(const Product& product) override;
  Status put_order(const Order& order, std::int64_t run) override;
  Status put_event(const Event& event) override;
  Status put_rejected(std::int64_t run, const RejectedRow& row) override;

  Result<StoreStats> stats() override;
  Result<std::optional<Customer>> get_customer(std::string_view id) override;
  Result<std::optional<Order>> get_order(std::string_view id) override;
  Result<std::optional<Product>> get_product(std::string_view sku) override;
  Result<std::vector<Event>> customer_events(std::string_view customer_id) override;
  Status scan_purchases(const std::function<Status(const PurchaseRecord&)>& visit) override;
  Status scan_customers(
      const std::function<Status(std::int64_t row, std::string_view id)>& visit) override;
  Result<std::vector<RejectedRow>> rejected_rows(std::string_view source) override;
  Result<int> schema_version() override;
  Result<std::int64_t> put_clv_predictions(const ClvRun& run,
                                           const std::vector<ClvPrediction>& rows) override;
  Result<std::optional<std::pair<ClvRun, ClvPrediction>>> get_clv_prediction(
      std::string_view customer_id) override;

  Status scan_orders(std::optional<std::int64_t> customer,
                     const std::function<Status(const OrderRecord&)>& visit) override;
  Status scan_events(std::optional<std::int64_t> customer,
                     const std::function<Status(const EventRecord&)>& visit) override;
  Status scan_customer_records(std::optional<std::int64_t> customer,
                               const std::function<Status(const CustomerRecord&)>& visit) override;
  Status scan_clv_predictions(std::optional<std::int64_t> customer,
                              const std::function<Status(const ClvPrediction&)>& visit) override;
  Result<std::optional<std::int64_t>> customer_row(std::string_view id) override;
  Result<std::optional<ClvRun>> latest_clv_run() override;
  Status put_customer_metrics(const CustomerMetrics& row) override;
  Result<std::optional<CustomerMetrics>> get_customer_metrics(std::int64_t customer) override;
  Status scan_customer_metrics(const std::function<Status(const CustomerMetrics&)>& visit) override;
  Status put_state(std::string_view name, std::string_view value) override;
  Result<std::optional<std::string>> get_state(std::string_view name) override;
  Result<std::vector<std::pair<std::int64_t, std::int64_t>>> changed_customers() override;
  Status clear_changes(std::int64_t up_to_seq) override;
  Result<std::int64_t> last_change_seq() override;
  Result<std::int64_t> create_segment(const Segment& segment) override;
  Status delete_segment(std::string_view name) override;
  Result<std::vector<Segment>> segments() override;
  Result<std::optional<Segment>> get_segment(std::string_view name) override;
  Status scan_segment_members(
      std::int64_t segment,
      const std::function<Status(std::int64_t customer, std::int64_t since)>& visit) override;
  Result<std::vector<SegmentMember>> segment_members(std::int64_t segment, std::int64_t after,
                                                     std::size_t limit) override;
  Result<std::vector<std::int64_t>> customer_segments(std::int64_t customer) override;
  Status apply_segment_changes(std::int64_t segment, std::span<const std::int64_t> entered,
                               std::span<const std::int64_t> exited, std::int64_t at) override;
  Result<std::vector<SegmentChange>> segment_history(std::int64_t segment, std::int64_t after,
                                                     std::size_t limit) override;
  Result<std::vector<std::pair<std::int64_t, std::int64_t>>> segment_sizes(
      std::int64_t segment) override;
  Status put_spend(const SpendRecord& row, std::int64_t run) override;
  Status scan_spend(const std::function<Status(const SpendRecord&)>& visit) override;

  Status scan_order_lines(const std::function<Status(const OrderLineRecord&)>& visit) override;
  Status scan_products(const std::function<Status(const ProductRecord&)>& visit) override;
  Status replace_recommend_model(const RecommendModel& model,
                                 std::span<const NeighbourRow> neighbours,
                                 std::span<const PopularRow> popular) override;
  Status put_recommendations(std::span<const RecommendationRow> rows) override;
  Result<std::optional<RecommendModel>> recommend_model() override;
  Status scan_neighbours(std::optional<std::int64_t> product,
                         const std::function<Status(const NeighbourRow&)>& visit) override;
  Result<std::vector<PopularRow>> popular_products(std::string_view scope,
                                                   std::size_t limit) override;
  Result<std::vector<RecommendationRow>> recommendations_for(std::int64_t customer) override;
  Result<std::optional<std::int64_t>> product_row(std::string_view sku) override;
  Result<std::optional<std::string>> product_sku(std::int64_t row) override;

  Result<std::int64_t> create_api_key(const ApiKeyRecord& key) override;
  Result<std::optional<ApiKeyRecord>> api_key_by_prefix(std::string_view prefix) override;
  Result<std::vector<ApiKeyRecord>> api_keys() override;
  Status revoke_api_key(std::string_view name, std::int64_t at) override;
  Result<std::int64_t> create_dashboard_user(const DashboardUser& user) override;
  Status update_dashboard_user(const DashboardUser& user) override;
  Result<std::optional<DashboardUser>> dashboard_user(std::string_view name) override;
  Result<std::optional<DashboardUser>> dashboard_user_by_id(std::int64_t id) override;
  Result<std::vector<DashboardUser>> dashboard_users() override;
  Status put_session(const DashboardSession& session) override;
  Result<std::optional<DashboardSession>> session(std::string_view token_hash) override;
  Status delete_session(std::string_view token_hash) override;
  Result<std::int64_t> forget_sessions(std::int64_t now) override;
  Status put_dashboard_view(const DashboardView& view) override;
  Result<std::optional<DashboardView>> dashboard_view(std::string_view name) override;
  Result<std::vector<CustomerListRow>> customer_page(const CustomerPageQuery& query) override;
  Status scan_shop_points(const std::function<Status(PointsAccount account, std::int64_t points,
                                                     std::int64_t at)>& visit) override;
  Result<std::optional<Timestamp>> last_event_time() override;
  Result<std::optional<std::string>> customer_with_identity(const Identity& identity) override;
  Status set_order_status(std::string_view id, OrderStatus status) override;
  Result<std::optional<StoredReply>> stored_reply(std::string_view caller,
                                                  std::string_view key) override;
  Status put_stored_reply(std::string_view caller, std::string_view key,
                          const StoredReply& reply) override;
  Result<std::int64_t> forget_stored_replies(std::int64_t before) override;
  Status link_return(std::string_view return_id, std::string_view original_id) override;
  Result<std::vector<Order>> returns_of(std::string_view original_id) override;
  Status put_line_points(std::int64_t txn, const std::vector<std::int64_t>& points) override;
  Result<std::vector<std::int64_t>> line_points(std::int64_t txn) override;

  Result<std::optional<LedgerTxn>> points_txn(std::string_view kind,
                                              std::string_view cause) override;
  Result<std::int64_t> add_lot(const PointsLot& lot) override;
  Status update_lot(std::int64_t id, std::int64_t remaining, bool pending) override;
  Status add_lot_reversed(std::int64_t id, std::int64_t points) override;

  Result<std::vector<PointsLot>> open_lots(std::int64_t customer) override;
  Result<std::vector<PointsLot>> lots_of_txn(std::int64_t txn) override;
  Result<std::vector<PointsLot>> lots_due(std::int64_t now, std::size_t limit) override;
  Result<PointsBalance> points_balance(std::int64_t customer) override;
  Result<std::int64_t> points_earned(std::int64_t customer, std::int64_t from,
                                     std::int64_t to) override;
  Result<std::vector<LedgerTxn>> points_history(std::int64_t customer, std::size_t limit,
                                                std::optional<std::int64_t> before) override;
  Result<LedgerCheck> check_points() override;
  Result<std::int64_t> put_reward(const Reward& reward) override;
  Result<std::optional<Reward>> get_reward(std::string_view code) override;
  Result<std::vector<Reward>> rewards() override;
  Result<bool> take_reward_unit(std::int64_t reward) override;
  Result<std::int64_t> count_redemptions(std::int64_t reward, std::int64_t customer) override;
  Result<std::int64_t> add_redemption(const Redemption& redemption) override;
  Result<std::vector<Redemption>> redemptions_of(std::int64_t customer) override;
  Result<std::int64_t> qualifying_points(std::int64_t customer, std::int64_t from,
                                         std::int64_t to) override;
  Result<std::int64_t> qualifying_spend(std::int64_t customer, std::string_view currency,
                                        std::int64_t from, std::int64_t to) override;
  Result<std::optional<TierState>> tier_of(std::int64_t customer) override;
  Status put_tier(const TierState& state, const std::optional<TierChange>& change) override;
  Result<std::vector<TierState>> tiered_customers() override;
  Result<std::vector<TierChange>> tier_history(std::int64_t customer) override;
  Result<std::vector<ExpiringPoints>> expiring_points(std::int64_t from, std::int64_t to,
                                                      std::int64_t after,
                                                      std::size_t limit) override;
  Result<std::vector<Redemption>> gifts_with_cause(std::string_view prefix) override;
  Status void_gift(std::int64_t redemption, std::int64_t at) override;
  Result<std::optional<ReferralCode>> referral_code_of(std::int64_t customer) override;
  Result<std::optional<ReferralCode>> referral_code(std::string_view code) override;
  Status put_referral_code(const ReferralCode& code) override;
  Status put_referral(const Referral& referral) override;
  Result<std::optional<Referral>> referral_of(std::int64_t referee) override;
  Result<std::optional<Referral>> referral_by_order(std::string_view order_id) override;
  Result<std::vector<Referral>> referrals_by(std::int64_t referrer) override;
  Status set_referral_order(std::int64_t referee, const std::optional<std::string>& order,
                            std::optional<std::int64_t> at) override;
  Result<std::int64_t> placed_orders(std::int64_t customer) override;
  Result<std::vector<std::int64_t>> customers_born_on(std::string_view month_day) override;
  Result<std::int64_t> put_affiliate(const Affiliate& affiliate) override;
  Result<std::optional<Affiliate>> get_affiliate(std::string_view code) override;
  Result<std::vector<Affiliate>> affiliates() override;
  Result<bool> add_affiliate_entry(const AffiliateEntry& entry) override;
  Result<std::vector<AffiliateEntry>> affiliate_entries_of(std::string_view order_id) override;
  Result<std::vector<AffiliatePayable>> affiliate_payable(std::int64_t from,
                                                          std::int64_t to) override;

  // The same figures as stats(), counted by scanning every table: for tests and checks that the
  // maintained totals are right.
  Result<StoreStats> recount();

 private:
  Result<std::optional<std::int64_t>> write_points(const LedgerTxn& txn,
                                                   std::span<const BalanceChange> changes) override;

  struct Statements;
  // Changes to the running totals (table store_totals) made by the open transaction; added to
  // the table just before COMMIT, dropped on ROLLBACK.
  struct Totals {
    std::int64_t customers = 0, orders = 0, order_lines = 0, returns = 0, guest_orders = 0,
                 products = 0, events = 0, rejected_rows = 0;
    std::map<std::string, std::int64_t, std::less<>> revenue;
    std::optional<std::int64_t> first_order, last_order;
    bool extremes_stale = false;
  };
  // What one order adds to the totals.
  void count_order(std::string_view currency, std::string_view status, bool guest,
                   std::int64_t total, std::int64_t lines, int sign);
  Status flush_totals();
  // Marks the customers touched by the open transaction as changed (table customer_changes).
  Status flush_changes();
  // A statement prepared once and kept (for the analytics reads and writes).
  Result<sqlite::Statement*> cached(const char* sql);
  // The first column of the first row of a cached one-parameter query, if any.
  Result<std::optional<std::int64_t>> lookup_row(const char* sql, std::string_view key);
  Status upsert_customer_now(const Customer& customer);
  Status upsert_product_now(const Product& product);
  Status put_order_now(const Order& order, std::int64_t run);
  Status put_event_now(const Event& event);
  Status put_rejected_now(std::int64_t run, const RejectedRow& row);
  // Runs `body` in a transaction of its own unless one is open.
  template <typename F>
  Status in_transaction(F&& body) {
    if (in_transaction_) return body();
    VAFA_CHECK(begin());
    Status done = body();
    if (!done) {
      (void)rollback();
      return done;
    }
    return commit();
  }

  struct CachedCustomer {
    std::int64_t id;
    std::int64_t created_at;
  };

  SqliteStore(sqlite3* db, std::string path);
  Status exec(std::string_view sql);
  Status configure();
  Status migrate();
  // Marks 'interrupted' the runs left 'running' by a process that is gone (killed mid-import).
  Status interrupt_dead_imports();
  Status check_foreign_keys();
  Status prepare_statements();
  Result<sqlite::Statement> prepare(std::string_view sql) {
    return sqlite::Statement::prepare(db_, sql);
  }
  // Returns the row id of the customer, creating it when missing; moves created_at earlier.
  Result<std::int64_t> ensure_customer(std::string_view external_id, Timestamp seen_at);
  Result<std::int64_t> ensure_product(std::string_view sku);
  // Conflict unless the identity is unknown or already `customer_id`'s.
  Status check_identity_owner(const Identity& identity, std::string_view customer_id);
  // The prepared multi-row INSERT of `rows` order lines (1..kLinesPerInsert).
  Result<sqlite::Statement*> line_insert(std::size_t rows);
  void forget_caches();

  // Called by SQLite after each commit with the log's frames; runs the automatic checkpoint
  // when it is on (it replaces SQLite's own, which the hook would displace).
  static int on_wal_commit(void* self, sqlite3* db, const char* name, int frames);

  sqlite3* db_;
  std::string path_;
  std::int64_t page_size_ = 4096;
  int log_frames_ = 0;
  bool auto_checkpoint_ = true;
  bool in_transaction_ = false;
  // The open savepoint's totals and count of change marks, to restore on rollback_to_savepoint.
  std::optional<std::pair<Totals, std::size_t>> savepoint_;
  Totals totals_;
  std::vector<std::int64_t> changed_;  // customer rows touched by the open transaction
  std::unordered_map<const char*, sqlite::Statement> cached_;
  std::unique_ptr<Statements> st_;
  // Caches of external key -> row id, so bulk writes do not look each key up every time.
  // Bounded: cleared when they grow past kCacheLimit, and on rollback.
  static constexpr std::size_t kCacheLimit = 200'000;
  sqlite::KeyCache<CachedCustomer> customer_ids_{kCacheLimit};
  sqlite::KeyCache<std::int64_t> product_ids_{kCacheLimit};
  static constexpr std::size_t kLinesPerInsert = 16;
  std::array<std::optional<sqlite::Statement>, kLinesPerInsert + 1> line_inserts_;
};

}  // namespace vafa
