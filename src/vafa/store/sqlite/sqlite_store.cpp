#include "vafa/store/sqlite/sqlite_store.hpp"

#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

#include "vafa/store/sqlite/migrations.hpp"

namespace vafa {

using sqlite::Statement;

struct SqliteStore::Statements {
  Statement begin, commit, rollback;
  Statement find_customer, insert_customer, move_customer_created, upsert_customer, delete_customer;
  Statement find_identity_owner, insert_identity, upsert_consent;
  Statement upsert_product, find_product, insert_product_sku;
  Statement find_order, insert_order, replace_order, append_order, delete_lines;
  Statement insert_event, insert_rejected, find_rejected, occurrence;
  Statement add_total, min_total, max_total, read_totals;
};

namespace {

std::int64_t seconds_of(Timestamp t) { return t.time_since_epoch().count(); }
Timestamp timestamp_of(std::int64_t s) { return Timestamp{std::chrono::seconds{s}}; }

// Binds ?2..?9 of the statements that write an order row (insert_order and replace_order
// share that layout).
Statement& bind_order_fields(Statement& statement, std::optional<std::int64_t> customer_row,
                             const Order& order, std::int64_t total, std::int64_t run) {
  return statement.bind(2, customer_row)
      .bind(3, to_string(order.channel))
      .bind(4, seconds_of(order.placed_at))
      .bind(5, order.currency.code())
      .bind(6, total)
      .bind(7, to_string(order.status))
      .bind(8, order.country)
      .bind(9, run);
}

// Whether a lookup by one key finds a row.
Result<bool> row_exists(Statement& find, std::string_view key) {
  find.bind(1, key);
  VAFA_TRY(const bool found, find.step());
  find.reset();
  return found;
}

}  // namespace

SqliteStore::SqliteStore(sqlite3* db, std::string path)
    : db_(db), path_(std::move(path)), st_(std::make_unique<Statements>()) {}

SqliteStore::~SqliteStore() {
  if (in_transaction_) (void)rollback();
  st_.reset();  // finalize statements before closing
  cached_.clear();
  for (auto& insert : line_inserts_) insert.reset();
  sqlite3_close_v2(db_);
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  // Before the library initialises: no global memory statistics (they take a mutex on every
  // allocation). Ignored when SQLite is already initialised.
  static const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)configured;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Error error = sqlite::sqlite_error(db, rc, fmt::format("opening database '{}'", path));
    sqlite3_close_v2(db);
    return std::unexpected(std::move(error));
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db, path));
  VAFA_CHECK(store->configure());
  VAFA_CHECK(store->migrate());
  VAFA_CHECK(store->exec("PRAGMA foreign_keys=ON"));
  VAFA_CHECK(store->prepare_statements());
  VAFA_CHECK(store->interrupt_dead_imports());
  return store;
}

Status SqliteStore::exec(std::string_view sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    Error error = sqlite::sqlite_error(db_, rc, "executing SQL");
    sqlite3_free(message);
    return std::unexpected(std::move(error));
  }
  return {};
}

Status SqliteStore::configure() {
  sqlite3_busy_timeout(db_, 10'000);
  // Not a database at all? Reading the schema fails with SQLITE_NOTADB here.
  // Switching a new database to WAL needs an exclusive lock and SQLite does not wait for it
  // (the busy handler is not used there), so another process opening the same new file at the
  // same moment makes it fail at once: retry, as the busy timeout would.
  Status wal = exec("PRAGMA journal_mode=WAL");
  for (int attempt = 0; !wal && wal.error().code == ErrorCode::unavailable && attempt < 1000;
       ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    wal = exec("PRAGMA journal_mode=WAL");
  }
  if (!wal) {
    return fail(wal.error().with_context(fmt::format("'{}' is not a usable vafa database", path_)));
  }
  VAFA_CHECK(exec("PRAGMA synchronous=FULL"));
  VAFA_CHECK(exec(fmt::format("PRAGMA journal_size_limit={}", kLogSizeLimit)));
  {
    VAFA_TRY(sqlite::Statement page_size, prepare("PRAGMA page_size"));
    VAFA_TRY(page_size_, sqlite::first_int(page_size));
  }
  sqlite3_wal_hook(db_, &SqliteStore::on_wal_commit, this);
  VAFA_CHECK(exec("PRAGMA temp_store=FILE"));
  VAFA_CHECK(exec("PRAGMA cache_size=-65536"));  // 64 MiB page cache
  return {};
}

Status SqliteStore::migrate() {
  VAFA_CHECK(
      exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
           " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
  VAFA_TRY(int current, schema_version());
  const auto& all = sqlite::migrations();
  if (!all.empty() && current > all.back().version) {
    return fail(ErrorCode::conflict,
                "database '{}' has schema version {}, newer than this vafa knows ({}); "
                "upgrade vafa",
                path_, current, all.back().version);
  }
  for (const auto& migration : all) {
    if (migration.version <= current) continue;
    VAFA_CHECK(exec("BEGIN IMMEDIATE"));
    // Another process opening the same new database may have applied it while this one waited
    // for the write lock: read the version again under the lock.
    auto locked = schema_version();
    if (!locked) {
      (void)exec("ROLLBACK");
      return std::unexpected(locked.error());
    }
    if (*locked >= migration.version) {
      VAFA_CHECK(exec("COMMIT"));
      current = *locked;
      continue;
    }
    Status applied = exec(migration.sql);
    if (applied) applied = check_foreign_keys();
    if (applied) {
      applied = exec(
          fmt::format("INSERT INTO schema_migrations(version, name, applied_at) VALUES({}, '{}', "
                      "CAST(strftime('%s','now') AS INTEGER))",
                      migration.version, migration.name));
    }
    if (!applied) {
      (void)exec("ROLLBACK");
      return fail(applied.error().with_context(fmt::format("migration {}", migration.name)));
    }
    VAFA_CHECK(exec("COMMIT"));
    current = migration.version;
  }
  return {};
}

// Migrations run with foreign keys off (a table rebuild drops a parent table; with them on, the
// drop would cascade), so each one proves before it commits that it left every key valid.
Status SqliteStore::check_foreign_keys() {
  VAFA_TRY(Statement check, prepare("SELECT COUNT(*) FROM pragma_foreign_key_check"));
  VAFA_TRY(const bool row, check.step());
  if (row && check.column_int(0) != 0) {
    return fail(ErrorCode::data_loss, "{} rows would break foreign keys", check.column_int(0));
  }
  return {};
}

Result<int> SqliteStore::schema_version() {
  VAFA_TRY(Statement q, prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  VAFA_TRY(const bool row, q.step());
  return row ? static_cast<int>(q.column_int(0)) : 0;
}

Status SqliteStore::prepare_statements() {
  VAFA_CHECK(
      exec("CREATE TEMP TABLE IF NOT EXISTS occurrences ("
           " key INTEGER PRIMARY KEY, seen INTEGER NOT NULL)"));
  auto& s = *st_;
  struct Entry {
    Statement* target;
    std::string_view sql;
  };
  const Entry entries[] = {
      {&s.begin, "BEGIN IMMEDIATE"},
      {&s.commit, "COMMIT"},
      {&s.rollback, "ROLLBACK"},
      {&s.find_customer, "SELECT id, created_at FROM customers WHERE external_id = ?1"},
      {&s.insert_customer, "INSERT INTO customers(external_id, created_at) VALUES(?1, ?2)"},
      {&s.move_customer_created,
       "UPDATE customers SET created_at = ?2 WHERE id = ?1 AND created_at > ?2"},
      {&s.upsert_customer,
       "INSERT INTO customers(external_id, created_at, name, birthday, locale, country, time_zone)"
       " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"
       " ON CONFLICT(external_id) DO UPDATE SET"
       "  created_at = MIN(created_at, excluded.created_at),"
       "  name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE name END,"
       "  birthday = COALESCE(excluded.birthday, birthday),"
       "  locale = CASE WHEN excluded.locale <> '' THEN excluded.locale ELSE locale END,"
       "  country = CASE WHEN excluded.country <> '' THEN excluded.country ELSE country END,"
       "  time_zone = CASE WHEN excluded.time_zone <> '' THEN excluded.time_zone ELSE time_zone END"
       " RETURNING id, created_at"},
      {&s.delete_customer, "DELETE FROM customers WHERE id = ?1"},
      {&s.find_identity_owner,
       "SELECT c.external_id FROM identities i JOIN customers c ON c.id = i.customer_id"
       " WHERE i.kind = ?1 AND i.system = ?2 AND i.value = ?3"},
      {&s.insert_identity,
       "INSERT INTO identities(customer_id, kind, system, value) VALUES(?1, ?2, ?3, ?4)"
       " ON CONFLICT(kind, system, value) DO NOTHING"},
      {&s.upsert_consent,
       "INSERT INTO consents(customer_id, channel, granted) VALUES(?1, ?2, ?3)"
       " ON CONFLICT(customer_id, channel) DO UPDATE SET granted = excluded.granted"},
      {&s.upsert_product,
       "INSERT INTO products(sku, name, category, price_minor, currency, active)"
       " VALUES(?1, ?2, ?3, ?4, ?5, COALESCE(?6, 1))"
       " ON CONFLICT(sku) DO UPDATE SET"
       "  name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE name END,"
       "  category = CASE WHEN excluded.category <> '' THEN excluded.category ELSE category END,"
       "  price_minor = COALESCE(excluded.price_minor, price_minor),"
       "  currency = COALESCE(excluded.currency, currency),"
       "  active = COALESCE(?6, active)"
       " RETURNING id"},
      {&s.find_product, "SELECT id FROM products WHERE sku = ?1"},
      {&s.insert_product_sku, "INSERT INTO products(sku) VALUES(?1)"},
      {&s.find_order,
       "SELECT id, import_run, currency, (SELECT COALESCE(MAX(line_no), 0) FROM order_lines"
       " WHERE order_id = orders.id), status, total_minor, customer_id IS NULL, placed_at"
       " FROM orders WHERE external_id = ?1"},
      {&s.insert_order,
       "INSERT INTO orders(external_id, customer_id, channel, placed_at, currency, total_minor,"
       " status, country, import_run) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
       " ON CONFLICT(external_id) DO NOTHING"},
      {&s.replace_order,
       "UPDATE orders SET customer_id = ?2, channel = ?3, placed_at = ?4, currency = ?5,"
       " total_minor = ?6, status = ?7, country = ?8, import_run = ?9 WHERE id = ?1"},
      {&s.append_order,
       "UPDATE orders SET total_minor = total_minor + ?2,"
       " status = CASE WHEN status = ?3 THEN status ELSE 'placed' END,"
       " placed_at = MIN(placed_at, ?4) WHERE id = ?1"},
      {&s.delete_lines, "DELETE FROM order_lines WHERE order_id = ?1"},
      {&s.insert_event,
       "INSERT INTO events(external_id, customer_id, type, channel, occurred_at, properties)"
       " VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(external_id) DO NOTHING"},
      {&s.insert_rejected,
       "INSERT INTO rejected_rows(import_run, source, line, column_name, reason, raw)"
       " VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(source, line) DO UPDATE SET"
       " import_run = excluded.import_run, column_name = excluded.column_name,"
       " reason = excluded.reason, raw = excluded.raw"},
      {&s.find_rejected, "SELECT 1 FROM rejected_rows WHERE source = ?1 AND line = ?2"},
      {&s.add_total,
       "INSERT INTO store_totals(name, value) VALUES(?1, ?2)"
       " ON CONFLICT(name) DO UPDATE SET value = value + excluded.value"},
      {&s.min_total,
       "INSERT INTO store_totals(name, value) VALUES(?1, ?2)"
       " ON CONFLICT(name) DO UPDATE SET value = MIN(value, excluded.value)"},
      {&s.max_total,
       "INSERT INTO store_totals(name, value) VALUES(?1, ?2)"
       " ON CONFLICT(name) DO UPDATE SET value = MAX(value, excluded.value)"},
      {&s.read_totals, "SELECT name, value FROM store_totals"},
      {&s.occurrence,
       "INSERT INTO temp.occurrences(key, seen) VALUES(?1, 0)"
       " ON CONFLICT(key) DO UPDATE SET seen = seen + 1 RETURNING seen"},
  };
  for (const Entry& entry : entries) {
    VAFA_TRY(*entry.target, prepare(entry.sql));
  }
  return {};
}

Status SqliteStore::begin() {
  if (in_transaction_) return fail(ErrorCode::internal, "transaction already open");
  VAFA_CHECK(st_->begin.run());
  in_transaction_ = true;
  return {};
}

Status SqliteStore::commit() {
  if (!in_transaction_) return fail(ErrorCode::internal, "no transaction to commit");
  if (savepoint_) return fail(ErrorCode::internal, "commit with a savepoint open");
  VAFA_CHECK(flush_totals());
  VAFA_CHECK(flush_changes());
  VAFA_CHECK(st_->commit.run());
  in_transaction_ = false;
  return {};
}

Status SqliteStore::rollback() {
  if (!in_transaction_) return fail(ErrorCode::internal, "no transaction to roll back");
  in_transaction_ = false;
  savepoint_.reset();
  forget_caches();  // rows created inside the transaction are gone
  totals_ = Totals{};
  changed_.clear();
  return st_->rollback.run();
}

Status SqliteStore::savepoint() {
  if (!in_transaction_) return fail(ErrorCode::internal, "savepoint outside a transaction");
  if (savepoint_) return fail(ErrorCode::internal, "savepoint already open");
  VAFA_CHECK(exec("SAVEPOINT request"));
  savepoint_.emplace(totals_, changed_.size());
  return {};
}

Status SqliteStore::release_savepoint() {
  if (!savepoint_) return fail(ErrorCode::internal, "no savepoint to release");
  savepoint_.reset();
  return exec("RELEASE request");
}

Status SqliteStore::rollback_to_savepoint() {
  if (!savepoint_) return fail(ErrorCode::internal, "no savepoint to roll back to");
  forget_caches();  // rows created since the savepoint are gone
  totals_ = savepoint_->first;
  changed_.resize(savepoint_->second);
  savepoint_.reset();
  VAFA_CHECK(exec("ROLLBACK TO request"));
  return exec("RELEASE request");
}

int SqliteStore::on_wal_commit(void* self, sqlite3* db, const char* name, int frames) {
  auto& store = *static_cast<SqliteStore*>(self);
  store.log_frames_ = frames;
  // SQLite's default: a passive checkpoint once the log holds 1,000 pages.
  if (store.auto_checkpoint_ && frames >= 1000) {
    (void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
  return SQLITE_OK;
}

Status SqliteStore::set_auto_checkpoint(bool on) {
  auto_checkpoint_ = on;
  return {};
}

std::int64_t SqliteStore::log_bytes() const { return log_frames_ * page_size_; }

Status SqliteStore::checkpoint(Checkpoint mode) {
  int log_frames = 0, copied = 0;
  if (mode == Checkpoint::passive) {
    const int rc =
        sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames, &copied);
    // BUSY: another checkpoint is running; the next one will do.
    if (rc == SQLITE_OK || rc == SQLITE_BUSY) return {};
    return fail(ErrorCode::io, "checkpoint of {} failed: {}", path_, sqlite3_errmsg(db_));
  }
  // Restart: waits for readers through the busy handler, so for a short while only; BUSY means
  // a reader stayed (what could be copied was) and the writer tries again after a later commit.
  // SQLite's own busy handler sleeps 1, 2, 5, 10, 15... ms between tries; the readers here hold
  // the log for well under a millisecond each, so try again every 50 us instead.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kRestartWaitMs);
  sqlite3_busy_handler(
      db_,
      [](void* until, int) {
        std::this_thread::sleep_for(std::chrono::microseconds(50));
        return std::chrono::steady_clock::now() <
                       *static_cast<const std::chrono::steady_clock::time_point*>(until)
                   ? 1
                   : 0;
      },
      &deadline);
  const int rc =
      sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_RESTART, &log_frames, &copied);
  sqlite3_busy_timeout(db_, 10'000);
  if (rc == SQLITE_OK) {
    log_frames_ = 0;
    return {};
  }
  if (rc == SQLITE_BUSY) return fail(ErrorCode::unavailable, "readers kept the log busy");
  return fail(ErrorCode::io, "checkpoint of {} failed: {}", path_, sqlite3_errmsg(db_));
}

namespace {

// fsync of a file or a directory by name.
Status sync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
  if (fd < 0) return fail(ErrorCode::io, "cannot open {}: {}", path, std::strerror(errno));
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0) return fail(ErrorCode::io, "cannot sync {}: {}", path, std::strerror(saved));
  return {};
}

}  // namespace

Result<std::int64_t> SqliteStore::backup(const std::string& destination, bool replace) {
  namespace fs = std::filesystem;
  if (in_transaction_) return fail(ErrorCode::internal, "backup inside a transaction");
  const fs::path target = fs::absolute(fs::path(destination)).lexically_normal();
  std::error_code ec;
  if (fs::equivalent(target, fs::path(path_), ec)) {
    return fail(ErrorCode::invalid_argument, "{} is the store itself", destination);
  }
  if (fs::exists(target, ec) && !replace) {
    return fail(ErrorCode::conflict, "{} exists already (--replace writes over it)", destination);
  }
  if (!fs::is_directory(target.parent_path(), ec)) {
    return fail(ErrorCode::invalid_argument, "{}: no such directory",
                target.parent_path().string());
  }
  // VACUUM INTO reads one snapshot (in WAL mode writers go on meanwhile) and writes a compact
  // copy; the temporary name is beside the target, so the rename is atomic.
  const std::string temporary = fmt::format("{}.tmp-{}", target.string(), ::getpid());
  fs::remove(temporary, ec);
  auto cleanup = [&temporary] {
    std::error_code ignored;
    fs::remove(temporary, ignored);
  };
  VAFA_TRY(auto vacuum, prepare("VACUUM INTO ?1"));
  if (Status done = vacuum.bind(1, std::string_view(temporary)).run(); !done) {
    cleanup();
    return fail(ErrorCode::io, "backup to {} failed: {}", destination, done.error().message);
  }
  // The copy must open as a store and pass SQLite's own check before it takes the name.
  {
    sqlite3* copy = nullptr;
    int rc = sqlite3_open_v2(temporary.c_str(), &copy, SQLITE_OPEN_READONLY, nullptr);
    std::string verdict;
    if (rc == SQLITE_OK) {
      rc = sqlite3_exec(
          copy, "PRAGMA quick_check",
          [](void* out, int, char** values, char**) {
            *static_cast<std::string*>(out) += values[0] != nullptr ? values[0] : "";
            return 0;
          },
          &verdict, nullptr);
    }
    sqlite3_close(copy);
    if (rc != SQLITE_OK || verdict != "ok") {
      cleanup();
      return fail(ErrorCode::io, "the copy written to {} does not check out: {}", temporary,
                  verdict.empty() ? "cannot read it" : verdict);
    }
  }
  if (Status synced = sync_path(temporary, false); !synced) {
    cleanup();
    return std::unexpected(synced.error());
  }
  fs::rename(temporary, target, ec);
  if (ec) {
    cleanup();
    return fail(ErrorCode::io, "cannot rename {} to {}: {}", temporary, destination, ec.message());
  }
  VAFA_CHECK(sync_path(target.parent_path().string(), true));
  const auto bytes = fs::file_size(target, ec);
  return ec ? std::int64_t{0} : static_cast<std::int64_t>(bytes);
}

void SqliteStore::forget_caches() {
  customer_ids_.clear();
  product_ids_.clear();
}

namespace {

// This process as an import run's owner: "host:pid:start", the start in clock ticks since boot
// (field 22 of /proc/PID/stat), so that a later process with the same pid is not taken for it.
std::string process_start(long pid) {
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // The command name (field 2) is in parentheses and may hold spaces: count after its end.
  const std::size_t close = text.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 22) return field;
  }
  return {};
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "?";
  return name;
}

std::string this_process() {
  static const std::string owner =
      fmt::format("{}:{}:{}", host_name(), ::getpid(), process_start(::getpid()));
  return owner;
}

// Whether the owner of a run is known to be gone: a process of this host that no longer
// exists, or whose pid now belongs to a process started at another time.
bool owner_is_gone(std::string_view owner) {
  const std::size_t first = owner.find(':');
  const std::size_t second = owner.find(':', first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) return false;
  if (owner.substr(0, first) != host_name()) return false;  // another machine's: cannot tell
  long pid = 0;
  const std::string_view digits = owner.substr(first + 1, second - first - 1);
  if (std::from_chars(digits.data(), digits.data() + digits.size(), pid).ec != std::errc() ||
      pid <= 0) {
    return false;
  }
  const std::string start = process_start(pid);
  return start.empty() || start != owner.substr(second + 1);
}

}  // namespace

Status SqliteStore::interrupt_dead_imports() {
  VAFA_TRY(
      Statement running,
      prepare("SELECT id, owner FROM import_runs WHERE status = 'running' AND owner IS NOT NULL"));
  std::vector<std::int64_t> gone;
  while (true) {
    VAFA_TRY(const bool row, running.step());
    if (!row) break;
    if (owner_is_gone(running.column_text(1))) gone.push_back(running.column_int(0));
  }
  if (gone.empty()) return {};
  VAFA_TRY(Statement mark, prepare("UPDATE import_runs SET status = 'interrupted' WHERE id = ?1"
                                   " AND status = 'running'"));
  for (const std::int64_t run : gone) {
    VAFA_CHECK(mark.bind(1, run).run());
    mark.reset();
  }
  return {};
}

Result<std::int64_t> SqliteStore::start_import(std::string_view kind, std::string_view source,
                                               Timestamp started_at) {
  VAFA_CHECK(interrupt_dead_imports());
  VAFA_CHECK(begin());
  auto body = [&]() -> Result<std::int64_t> {
    VAFA_TRY(Statement insert,
             prepare("INSERT INTO import_runs(kind, source, started_at, status, owner)"
                     " VALUES(?1, ?2, ?3, 'running', ?4)"));
    VAFA_CHECK(insert.bind(1, kind)
                   .bind(2, source)
                   .bind(3, seconds_of(started_at))
                   .bind(4, this_process())
                   .run());
    const std::int64_t run = sqlite3_last_insert_rowid(db_);
    VAFA_TRY(Statement clear, prepare("DELETE FROM rejected_rows WHERE source = ?1"));
    VAFA_CHECK(clear.bind(1, source).run());
    totals_.rejected_rows -= sqlite3_changes(db_);
    VAFA_CHECK(exec("DELETE FROM temp.occurrences"));
    return run;
  };
  auto run = body();
  if (!run) {
    (void)rollback();
    return run;
  }
  VAFA_CHECK(commit());
  return run;
}

Status SqliteStore::finish_import(std::int64_t run, const ImportCounts& counts, ImportStatus status,
                                  Timestamp finished_at) {
  VAFA_TRY(Statement update,
           prepare("UPDATE import_runs SET finished_at = ?2, status = ?3, records = ?4,"
                   " accepted = ?5, rejected = ?6, warnings = ?7 WHERE id = ?1"));
  return update.bind(1, run)
      .bind(2, seconds_of(finished_at))
      .bind(3, to_string(status))
      .bind(4, counts.records)
      .bind(5, counts.accepted)
      .bind(6, counts.rejected)
      .bind(7, counts.warnings)
      .run();
}

Result<std::int64_t> SqliteStore::next_occurrence(std::uint64_t key) {
  Statement& q = st_->occurrence;
  q.bind(1, static_cast<std::int64_t>(key));
  VAFA_TRY(const bool row, q.step());
  const std::int64_t seen = row ? q.column_int(0) : 0;
  q.reset();
  return seen;
}

Result<std::int64_t> SqliteStore::ensure_customer(std::string_view external_id, Timestamp seen_at) {
  const std::int64_t seen = seconds_of(seen_at);
  if (CachedCustomer* known = customer_ids_.find(external_id)) {
    changed_.push_back(known->id);
    if (seen < known->created_at) {
      VAFA_CHECK(st_->move_customer_created.bind(1, known->id).bind(2, seen).run());
      known->created_at = seen;
    }
    return known->id;
  }
  Statement& find = st_->find_customer;
  find.bind(1, external_id);
  VAFA_TRY(const bool found, find.step());
  CachedCustomer cached{};
  if (found) {
    cached = {find.column_int(0), find.column_int(1)};
    find.reset();
    if (seen < cached.created_at) {
      VAFA_CHECK(st_->move_customer_created.bind(1, cached.id).bind(2, seen).run());
      cached.created_at = seen;
    }
  } else {
    find.reset();
    VAFA_CHECK(st_->insert_customer.bind(1, external_id).bind(2, seen).run());
    cached = {sqlite3_last_insert_rowid(db_), seen};
    ++totals_.customers;
  }
  customer_ids_.put(external_id, cached);
  changed_.push_back(cached.id);
  return cached.id;
}

Result<std::int64_t> SqliteStore::ensure_product(std::string_view sku) {
  if (const std::int64_t* known = product_ids_.find(sku)) return *known;
  Statement& find = st_->find_product;
  find.bind(1, sku);
  VAFA_TRY(const bool found, find.step());
  std::int64_t id = 0;
  if (found) {
    id = find.column_int(0);
    find.reset();
  } else {
    find.reset();
    VAFA_CHECK(st_->insert_product_sku.bind(1, sku).run());
    id = sqlite3_last_insert_rowid(db_);
    ++totals_.products;
  }
  product_ids_.put(sku, id);
  return id;
}

Status SqliteStore::upsert_customer_now(const Customer& customer) {
  bool existed = customer_ids_.contains(customer.id);
  if (!existed) {
    VAFA_TRY(existed, row_exists(st_->find_customer, customer.id));
  }
  // A conflicting record must change nothing. An existing customer's identities are checked
  // before anything is written (an update cannot be undone cheaply); a new customer is written
  // at once and, if an identity turns out to be taken, deleted again with what it brought.
  if (existed) {
    for (const Identity& identity : customer.identities) {
      VAFA_CHECK(check_identity_owner(identity, customer.id));
    }
  }
  // Bound text is not copied: the birthday's text must live until the upsert has run.
  const std::string birthday = customer.birthday ? format_date(*customer.birthday) : "";
  Statement& upsert = st_->upsert_customer;
  upsert.bind(1, customer.id)
      .bind(2, seconds_of(customer.created_at))
      .bind(3, customer.name)
      .bind(5, customer.locale)
      .bind(6, customer.country)
      .bind(7, customer.time_zone);
  if (customer.birthday) {
    upsert.bind(4, birthday);
  } else {
    upsert.bind_null(4);
  }
  VAFA_TRY(const bool row, upsert.step());
  if (!row) {
    upsert.reset();
    return fail(ErrorCode::internal, "customer upsert returned no row");
  }
  const CachedCustomer cached{upsert.column_int(0), upsert.column_int(1)};
  upsert.reset();
  for (const Identity& identity : customer.identities) {
    VAFA_CHECK(st_->insert_identity.bind(1, cached.id)
                   .bind(2, to_string(identity.kind))
                   .bind(3, identity.system)
                   .bind(4, identity.value)
                   .run());
    if (existed || sqlite3_changes(db_) == 1) continue;
    Status owner = check_identity_owner(identity, customer.id);
    if (!owner) {
      // Undo the new customer; its identities go with it (ON DELETE CASCADE).
      VAFA_CHECK(st_->delete_customer.bind(1, cached.id).run());
      return owner;
    }
  }
  for (const auto& [channel, granted] : customer.consent) {
    VAFA_CHECK(st_->upsert_consent.bind(1, cached.id)
                   .bind(2, to_string(channel))
                   .bind(3, std::int64_t{granted ? 1 : 0})
                   .run());
  }
  if (!existed) ++totals_.customers;
  customer_ids_.put(customer.id, cached);
  changed_.push_back(cached.id);
  return {};
}

Status SqliteStore::check_identity_owner(const Identity& identity, std::string_view customer_id) {
  Statement& owner = st_->find_identity_owner;
  owner.bind(1, to_string(identity.kind)).bind(2, identity.system).bind(3, identity.value);
  VAFA_TRY(const bool found, owner.step());
  const std::string owner_id = found ? std::string(owner.column_text(0)) : std::string();
  owner.reset();
  if (found && owner_id != customer_id) {
    return fail(ErrorCode::conflict, "{} already belongs to customer '{}'", identity.key(),
                owner_id);
  }
  return {};
}

Status SqliteStore::upsert_product_now(const Product& product) {
  // Bound text is not copied: the currency (returned by value) must outlive the step.
  const std::optional<Currency> currency =
      product.price ? std::optional(product.price->currency()) : std::nullopt;
  Statement& upsert = st_->upsert_product;
  upsert.bind(1, product.sku).bind(2, product.name).bind(3, product.category);
  if (product.price) {
    upsert.bind(4, product.price->minor_units()).bind(5, currency->code());
  } else {
    upsert.bind_null(4).bind_null(5);
  }
  if (product.active) {
    upsert.bind(6, std::int64_t{*product.active ? 1 : 0});
  } else {
    upsert.bind_null(6);
  }
  bool existed = product_ids_.contains(product.sku);
  if (!existed) {
    VAFA_TRY(existed, row_exists(st_->find_product, product.sku));
  }
  VAFA_TRY(const bool row, upsert.step());
  if (!row) return fail(ErrorCode::internal, "product upsert returned no row");
  if (!existed) ++totals_.products;
  const std::int64_t id = upsert.column_int(0);
  upsert.reset();
  product_ids_.put(product.sku, id);
  return {};
}

Status SqliteStore::put_order_now(const Order& order, std::int64_t run) {
  std::optional<std::int64_t> customer_row;
  if (!order.is_guest()) {
    VAFA_TRY(customer_row, ensure_customer(order.customer_id, order.placed_at));
  }
  const std::int64_t total = order.total_minor();
  // The common case, a new order, is one statement; an existing one is looked up after.
  VAFA_CHECK(bind_order_fields(st_->insert_order.bind(1, order.id), customer_row, order, total, run)
                 .run());
  std::int64_t order_row = 0;
  std::int64_t next_line = 1;
  const auto lines = static_cast<std::int64_t>(order.lines.size());
  if (sqlite3_changes(db_) == 1) {
    order_row = sqlite3_last_insert_rowid(db_);
    count_order(order.currency.code(), to_string(order.status), order.is_guest(), total, lines, 1);
    const std::int64_t at = seconds_of(order.placed_at);
    if (!totals_.first_order || at < *totals_.first_order) totals_.first_order = at;
    if (!totals_.last_order || at > *totals_.last_order) totals_.last_order = at;
  } else {
    Statement& find = st_->find_order;
    find.bind(1, order.id);
    VAFA_TRY(const bool exists, find.step());
    if (!exists) {
      find.reset();
      return fail(ErrorCode::internal, "order '{}' neither inserted nor found", order.id);
    }
    order_row = find.column_int(0);
    const std::int64_t written_by = find.column_int(1);
    const std::string currency(find.column_text(2));
    const std::int64_t last_line = find.column_int(3);
    const std::string old_status(find.column_text(4));
    const std::int64_t old_total = find.column_int(5);
    const bool old_guest = find.column_int(6) != 0;
    const std::int64_t old_at = find.column_int(7);
    find.reset();
    const std::int64_t at = seconds_of(order.placed_at);
    if (written_by == run) {
      if (currency != order.currency.code()) {
        return fail(ErrorCode::conflict, "order '{}' mixes currencies {} and {}", order.id,
                    currency, order.currency.code());
      }
      VAFA_CHECK(st_->append_order.bind(1, order_row)
                     .bind(2, total)
                     .bind(3, to_string(order.status))
                     .bind(4, seconds_of(order.placed_at))
                     .run());
      next_line = last_line + 1;
      // The same rules as the append_order statement: totals add up, differing statuses make
      // the order placed, the earliest time wins.
      const std::string_view new_status =
          old_status == to_string(order.status) ? std::string_view(old_status) : "placed";
      count_order(currency, old_status, old_guest, old_total, 0, -1);
      count_order(currency, new_status, old_guest, old_total + total, lines, 1);
      if (at < old_at) {
        totals_.extremes_stale = true;  // the order's old time may have been the latest
        if (!totals_.first_order || at < *totals_.first_order) totals_.first_order = at;
      }
    } else {
      VAFA_CHECK(st_->delete_lines.bind(1, order_row).run());
      count_order(currency, old_status, old_guest, old_total, last_line, -1);
      count_order(order.currency.code(), to_string(order.status), order.is_guest(), total, lines,
                  1);
      if (at != old_at) {
        totals_.extremes_stale = true;  // the old time may have been the first or the last
        if (!totals_.first_order || at < *totals_.first_order) totals_.first_order = at;
        if (!totals_.last_order || at > *totals_.last_order) totals_.last_order = at;
      }
      VAFA_CHECK(
          bind_order_fields(st_->replace_order.bind(1, order_row), customer_row, order, total, run)
              .run());
    }
  }
  // Lines go in with multi-row INSERTs of up to kLinesPerInsert rows.
  std::size_t at = 0;
  while (at < order.lines.size()) {
    const std::size_t n = std::min(kLinesPerInsert, order.lines.size() - at);
    VAFA_TRY(Statement * insert, line_insert(n));
    for (std::size_t i = 0; i < n; ++i) {
      const OrderLine& line = order.lines[at + i];
      std::optional<std::int64_t> product_row;
      if (!line.product_sku.empty()) {
        VAFA_TRY(product_row, ensure_product(line.product_sku));
      }
      const int base = static_cast<int>(i) * 7;
      insert->bind(base + 1, order_row)
          .bind(base + 2, next_line++)
          .bind(base + 3, product_row)
          .bind(base + 4, line.quantity)
          .bind(base + 5, line.unit_price_minor)
          .bind(base + 6, line.discount_minor)
          .bind(base + 7, line.amount_minor);
    }
    VAFA_CHECK(insert->run());
    at += n;
  }
  return {};
}

Result<sqlite::Statement*> SqliteStore::line_insert(std::size_t rows) {
  std::optional<Statement>& cached = line_inserts_[rows];
  if (!cached) {
    std::string sql =
        "INSERT INTO order_lines(order_id, line_no, product_id, quantity, unit_price_minor,"
        " discount_minor, amount_minor) VALUES";
    for (std::size_t i = 0; i < rows; ++i) sql += i == 0 ? "(?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?)";
    VAFA_TRY(Statement prepared, prepare(sql));
    cached = std::move(prepared);
  }
  return &*cached;
}

Status SqliteStore::put_event_now(const Event& event) {
  std::optional<std::int64_t> customer_row;
  if (!event.customer_id.empty()) {
    VAFA_TRY(customer_row, ensure_customer(event.customer_id, event.occurred_at));
  }
  VAFA_CHECK(st_->insert_event.bind(1, event.id)
                 .bind(2, customer_row)
                 .bind(3, event.type)
                 .bind(4, to_string(event.channel))
                 .bind(5, seconds_of(event.occurred_at))
                 .bind(6, event.properties_json)
                 .run());
  totals_.events += sqlite3_changes(db_);
  return {};
}

Status SqliteStore::put_rejected_now(std::int64_t run, const RejectedRow& row) {
  Statement& find = st_->find_rejected;
  find.bind(1, row.source).bind(2, row.line);
  VAFA_TRY(const bool existed, find.step());
  find.reset();
  if (!existed) ++totals_.rejected_rows;
  return st_->insert_rejected.bind(1, run)
      .bind(2, row.source)
      .bind(3, row.line)
      .bind(4, row.column)
      .bind(5, row.reason)
      .bind(6, row.raw)
      .run();
}

// ---- running totals --------------------------------------------------------------------------

Status SqliteStore::upsert_customer(const Customer& customer) {
  return in_transaction([&] { return upsert_customer_now(customer); });
}
Status SqliteStore::upsert_product(const Product& product) {
  return in_transaction([&] { return upsert_product_now(product); });
}
Status SqliteStore::put_order(const Order& order, std::int64_t run) {
  return in_transaction([&] { return put_order_now(order, run); });
}
Status SqliteStore::put_event(const Event& event) {
  return in_transaction([&] { return put_event_now(event); });
}
Status SqliteStore::put_rejected(std::int64_t run, const RejectedRow& row) {
  return in_transaction([&] { return put_rejected_now(run, row); });
}

void SqliteStore::count_order(std::string_view currency, std::string_view status, bool guest,
                              std::int64_t total, std::int64_t lines, int sign) {
  totals_.orders += sign;
  totals_.order_lines += sign * lines;
  if (guest) totals_.guest_orders += sign;
  if (status == "placed") {
    auto it = totals_.revenue.find(currency);
    if (it == totals_.revenue.end()) it = totals_.revenue.emplace(std::string(currency), 0).first;
    it->second += sign * total;
  } else {
    totals_.returns += sign;
  }
}

Status SqliteStore::flush_totals() {
  Totals t = std::exchange(totals_, Totals{});
  auto add = [&](std::string_view name, std::int64_t delta) -> Status {
    if (delta == 0) return {};
    return st_->add_total.bind(1, name).bind(2, delta).run();
  };
  VAFA_CHECK(add("customers", t.customers));
  VAFA_CHECK(add("orders", t.orders));
  VAFA_CHECK(add("order_lines", t.order_lines));
  VAFA_CHECK(add("returns", t.returns));
  VAFA_CHECK(add("guest_orders", t.guest_orders));
  VAFA_CHECK(add("products", t.products));
  VAFA_CHECK(add("events", t.events));
  VAFA_CHECK(add("rejected_rows", t.rejected_rows));
  for (const auto& [currency, delta] : t.revenue) {
    VAFA_CHECK(add(fmt::format("revenue:{}", currency), delta));
  }
  if (t.first_order) {
    VAFA_CHECK(st_->min_total.bind(1, "first_order").bind(2, *t.first_order).run());
  }
  if (t.last_order) {
    VAFA_CHECK(st_->max_total.bind(1, "last_order").bind(2, *t.last_order).run());
  }
  if (t.extremes_stale) {
    VAFA_CHECK(st_->max_total.bind(1, "extremes_stale").bind(2, std::int64_t{1}).run());
  }
  return {};
}

Result<std::optional<Timestamp>> SqliteStore::last_event_time() {
  VAFA_TRY(Statement q, prepare("SELECT MAX(occurred_at) FROM events"));
  VAFA_TRY(const bool row, q.step());
  if (!row || q.column_is_null(0)) return std::optional<Timestamp>{};
  return std::optional<Timestamp>{timestamp_of(q.column_int(0))};
}

Result<StoreStats> SqliteStore::stats() {
  StoreStats stats;
  bool stale = false;
  Statement& read = st_->read_totals;
  while (true) {
    VAFA_TRY(const bool row, read.step());
    if (!row) break;
    const std::string_view name = read.column_text(0);
    const std::int64_t value = read.column_int(1);
    static constexpr std::pair<std::string_view, std::int64_t StoreStats::*> kCounts[] = {
        {"customers", &StoreStats::customers},
        {"orders", &StoreStats::orders},
        {"order_lines", &StoreStats::order_lines},
        {"returns", &StoreStats::returns},
        {"guest_orders", &StoreStats::guest_orders},
        {"products", &StoreStats::products},
        {"events", &StoreStats::events},
        {"rejected_rows", &StoreStats::rejected_rows}};
    for (const auto& [count_name, member] : kCounts) {
      if (name == count_name) stats.*member = value;
    }
    if (name == "first_order") stats.first_order = timestamp_of(value);
    if (name == "last_order") stats.last_order = timestamp_of(value);
    if (name == "extremes_stale") stale = value != 0;
    if (name.starts_with("revenue:") && value != 0) {
      stats.revenue_minor[std::string(name.substr(8))] = value;
    }
  }
  read.reset();
  if (stats.orders == 0) {
    stats.first_order.reset();
    stats.last_order.reset();
  } else if (stale) {
    // An order's time was corrected: the first or last order may have moved. Rescan once and
    // keep the result.
    VAFA_TRY(Statement scan, prepare("SELECT MIN(placed_at), MAX(placed_at) FROM orders"));
    VAFA_TRY(const bool row, scan.step());
    if (row) {
      stats.first_order = timestamp_of(scan.column_int(0));
      stats.last_order = timestamp_of(scan.column_int(1));
    }
    if (!in_transaction_) {
      VAFA_CHECK(in_transaction([&]() -> Status {
        VAFA_TRY(Statement fix, prepare("INSERT OR REPLACE INTO store_totals(name, value)"
                                        " VALUES('first_order', ?1), ('last_order', ?2),"
                                        " ('extremes_stale', 0)"));
        return fix.bind(1, seconds_of(*stats.first_order))
            .bind(2, seconds_of(*stats.last_order))
            .run();
      }));
    }
  }
  return stats;
}

Result<StoreStats> SqliteStore::recount() {
  StoreStats stats;
  auto count = [&](std::string_view sql) -> Result<std::int64_t> {
    VAFA_TRY(Statement q, prepare(sql));
    VAFA_TRY(const bool row, q.step());
    return row ? q.column_int(0) : 0;
  };
  VAFA_TRY(stats.customers, count("SELECT COUNT(*) FROM customers"));
  VAFA_TRY(stats.order_lines, count("SELECT COUNT(*) FROM order_lines"));
  VAFA_TRY(stats.products, count("SELECT COUNT(*) FROM products"));
  VAFA_TRY(stats.events, count("SELECT COUNT(*) FROM events"));
  VAFA_TRY(stats.rejected_rows, count("SELECT COUNT(*) FROM rejected_rows"));
  VAFA_TRY(Statement orders,
           prepare("SELECT currency, status, customer_id IS NULL, COUNT(*), SUM(total_minor),"
                   " MIN(placed_at), MAX(placed_at) FROM orders GROUP BY 1, 2, 3"));
  while (true) {
    VAFA_TRY(const bool row, orders.step());
    if (!row) break;
    const std::string currency(orders.column_text(0));
    const std::string_view status = orders.column_text(1);
    const bool guest = orders.column_int(2) != 0;
    const std::int64_t n = orders.column_int(3);
    stats.orders += n;
    if (guest) stats.guest_orders += n;
    if (status == "placed") {
      stats.revenue_minor[currency] += orders.column_int(4);
    } else {
      stats.returns += n;
    }
    const Timestamp first = timestamp_of(orders.column_int(5));
    const Timestamp last = timestamp_of(orders.column_int(6));
    if (!stats.first_order || first < *stats.first_order) stats.first_order = first;
    if (!stats.last_order || last > *stats.last_order) stats.last_order = last;
  }
  return stats;
}

// The single reads below serve the HTTP API's hot paths, so their statements are prepared once.
Result<std::optional<Customer>> SqliteStore::get_customer(std::string_view id) {
  VAFA_TRY(Statement * q, cached("SELECT id, external_id, created_at, name, birthday, locale,"
                                 " country, time_zone FROM customers WHERE external_id = ?1"));
  VAFA_TRY(Statement * ids, cached("SELECT kind, system, value FROM identities"
                                   " WHERE customer_id = ?1 ORDER BY id"));
  VAFA_TRY(Statement * consents,
           cached("SELECT channel, granted FROM consents WHERE customer_id = ?1"));
  q->bind(1, id);
  std::optional<Customer> customer;
  std::int64_t row = 0;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    Customer c;
    row = r.column_int(0);
    c.id = r.column_text(1);
    c.created_at = timestamp_of(r.column_int(2));
    c.name = r.column_text(3);
    if (!r.column_text(4).empty()) {
      VAFA_TRY(c.birthday, parse_date(r.column_text(4)));
    }
    c.locale = r.column_text(5);
    c.country = r.column_text(6);
    c.time_zone = r.column_text(7);
    customer = std::move(c);
    return {};
  }));
  if (!customer) return customer;
  ids->bind(1, row);
  VAFA_CHECK(each_row(*ids, [&](Statement& r) -> Status {
    const std::string_view kind = r.column_text(0);
    Identity identity{IdentityKind::external, std::string(r.column_text(2)),
                      std::string(r.column_text(1))};
    if (kind == "email") identity.kind = IdentityKind::email;
    if (kind == "phone") identity.kind = IdentityKind::phone;
    if (kind == "card") identity.kind = IdentityKind::card;
    customer->identities.push_back(std::move(identity));
    return {};
  }));
  consents->bind(1, row);
  VAFA_CHECK(each_row(*consents, [&](Statement& r) -> Status {
    VAFA_TRY(const Channel channel, parse_channel(r.column_text(0)));
    customer->consent[channel] = r.column_int(1) != 0;
    return {};
  }));
  return customer;
}

Result<std::optional<Order>> SqliteStore::get_order(std::string_view id) {
  VAFA_TRY(Statement * q, cached("SELECT o.id, COALESCE(c.external_id, ''), o.channel,"
                                 " o.placed_at, o.currency, o.status, o.country FROM orders o"
                                 " LEFT JOIN customers c ON c.id = o.customer_id"
                                 " WHERE o.external_id = ?1"));
  VAFA_TRY(Statement * lines,
           cached("SELECT COALESCE(p.sku, ''), l.quantity, l.unit_price_minor, l.discount_minor,"
                  " l.amount_minor FROM order_lines l LEFT JOIN products p ON p.id = l.product_id"
                  " WHERE l.order_id = ?1 ORDER BY l.line_no"));
  q->bind(1, id);
  std::optional<Order> order;
  std::int64_t row = 0;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    VAFA_TRY(const Currency currency, Currency::parse(r.column_text(4)));
    Order o{.id = std::string(id), .currency = currency};
    row = r.column_int(0);
    o.customer_id = r.column_text(1);
    VAFA_TRY(o.channel, parse_channel(r.column_text(2)));
    o.placed_at = timestamp_of(r.column_int(3));
    VAFA_TRY(o.status, parse_order_status(r.column_text(5)));
    o.country = r.column_text(6);
    order = std::move(o);
    return {};
  }));
  if (!order) return order;
  lines->bind(1, row);
  VAFA_CHECK(each_row(*lines, [&](Statement& r) -> Status {
    order->lines.push_back(OrderLine{.product_sku = std::string(r.column_text(0)),
                                     .quantity = r.column_int(1),
                                     .unit_price_minor = r.column_optional_int(2),
                                     .discount_minor = r.column_int(3),
                                     .amount_minor = r.column_int(4)});
    return {};
  }));
  return order;
}

Result<std::optional<Product>> SqliteStore::get_product(std::string_view sku) {
  VAFA_TRY(Statement * q, cached("SELECT name, category, price_minor, currency, active"
                                 " FROM products WHERE sku = ?1"));
  q->bind(1, sku);
  std::optional<Product> product;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    Product p{.sku = std::string(sku),
              .name = std::string(r.column_text(0)),
              .category = std::string(r.column_text(1)),
              .price = std::nullopt,
              .active = r.column_int(4) != 0};
    if (auto minor = r.column_optional_int(2)) {
      VAFA_TRY(const Currency currency, Currency::parse(r.column_text(3)));
      p.price = Money(*minor, currency);
    }
    product = std::move(p);
    return {};
  }));
  return product;
}

Result<std::vector<Event>> SqliteStore::customer_events(std::string_view customer_id) {
  VAFA_TRY(Statement q, prepare("SELECT e.external_id, e.type, e.channel, e.occurred_at,"
                                " e.properties FROM events e JOIN customers c"
                                " ON c.id = e.customer_id WHERE c.external_id = ?1"
                                " ORDER BY e.occurred_at, e.id"));
  q.bind(1, customer_id);
  std::vector<Event> events;
  while (true) {
    VAFA_TRY(const bool more, q.step());
    if (!more) break;
    Event event{.id = std::string(q.column_text(0)),
                .customer_id = std::string(customer_id),
                .type = std::string(q.column_text(1))};
    VAFA_TRY(event.channel, parse_channel(q.column_text(2)));
    event.occurred_at = timestamp_of(q.column_int(3));
    event.properties_json = q.column_text(4);
    events.push_back(std::move(event));
  }
  return events;
}

Status SqliteStore::scan_purchases(const std::function<Status(const PurchaseRecord&)>& visit) {
  // orders_customer_time gives the order without a sort.
  VAFA_TRY(Statement q, prepare("SELECT customer_id, placed_at, total_minor, currency FROM orders"
                                " INDEXED BY orders_customer_time WHERE customer_id IS NOT NULL"
                                " AND status = 'placed' ORDER BY customer_id, placed_at"));
  while (true) {
    VAFA_TRY(const bool more, q.step());
    if (!more) return {};
    VAFA_CHECK(visit(PurchaseRecord{.customer = q.column_int(0),
                                    .placed_at = q.column_int(1),
                                    .total_minor = q.column_int(2),
                                    .currency = q.column_text(3)}));
  }
}

Status SqliteStore::scan_customers(
    const std::function<Status(std::int64_t row, std::string_view id)>& visit) {
  VAFA_TRY(Statement q, prepare("SELECT id, external_id FROM customers ORDER BY id"));
  while (true) {
    VAFA_TRY(const bool more, q.step());
    if (!more) return {};
    VAFA_CHECK(visit(q.column_int(0), q.column_text(1)));
  }
}

Result<std::vector<RejectedRow>> SqliteStore::rejected_rows(std::string_view source) {
  VAFA_TRY(Statement q, prepare("SELECT source, line, column_name, reason, raw FROM rejected_rows"
                                " WHERE ?1 = '' OR source = ?1 ORDER BY source, line"));
  q.bind(1, source);
  std::vector<RejectedRow> rows;
  while (true) {
    VAFA_TRY(const bool more, q.step());
    if (!more) break;
    rows.push_back(RejectedRow{std::string(q.column_text(0)), q.column_int(1),
                               std::string(q.column_text(2)), std::string(q.column_text(3)),
                               std::string(q.column_text(4))});
  }
  return rows;
}

Result<std::int64_t> SqliteStore::put_clv_predictions(const ClvRun& run,
                                                      const std::vector<ClvPrediction>& rows) {
  std::int64_t id = 0;
  const Status written = in_transaction([&]() -> Status {
    VAFA_TRY(Statement insert,
             prepare("INSERT INTO clv_runs(created_at, model, params, calibration_end, unit,"
                     " horizon, discount_rate, currency) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    insert.bind(1, run.created_at)
        .bind(2, std::string_view(run.model))
        .bind(3, std::string_view(run.params_json))
        .bind(4, run.calibration_end)
        .bind(5, std::string_view(run.unit))
        .bind(6, run.horizon)
        .bind(7, run.discount_rate)
        .bind(8, std::string_view(run.currency));
    VAFA_CHECK(insert.run());
    id = sqlite3_last_insert_rowid(db_);
    VAFA_CHECK(exec("DELETE FROM clv_predictions"));
    VAFA_TRY(Statement put,
             prepare("INSERT INTO clv_predictions(customer_id, run_id, frequency, recency, age,"
                     " p_alive, expected_purchases, expected_order_value_minor, clv_minor)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    for (const ClvPrediction& p : rows) {
      put.bind(1, p.customer)
          .bind(2, id)
          .bind(3, p.frequency)
          .bind(4, p.recency)
          .bind(5, p.age)
          .bind(6, p.p_alive)
          .bind(7, p.expected_purchases)
          .bind(8, p.expected_order_value_minor)
          .bind(9, p.clv_minor);
      VAFA_CHECK(put.run());
    }
    return {};
  });
  if (!written) return std::unexpected(written.error());
  return id;
}

Result<std::optional<std::pair<ClvRun, ClvPrediction>>> SqliteStore::get_clv_prediction(
    std::string_view customer_id) {
  VAFA_TRY(Statement q,
           prepare("SELECT r.created_at, r.model, r.params, r.calibration_end, r.unit, r.horizon,"
                   " r.discount_rate, r.currency, p.customer_id, p.frequency, p.recency, p.age,"
                   " p.p_alive, p.expected_purchases, p.expected_order_value_minor, p.clv_minor"
                   " FROM customers c JOIN clv_predictions p ON p.customer_id = c.id"
                   " JOIN clv_runs r ON r.id = p.run_id WHERE c.external_id = ?1"));
  q.bind(1, customer_id);
  VAFA_TRY(const bool found, q.step());
  if (!found) return std::nullopt;
  ClvRun run{std::string(q.column_text(1)),
             std::string(q.column_text(2)),
             q.column_int(3),
             std::string(q.column_text(4)),
             q.column_double(5),
             q.column_double(6),
             std::string(q.column_text(7)),
             q.column_int(0)};
  ClvPrediction p{q.column_int(8),           q.column_double(9),       q.column_double(10),
                  q.column_double(11),       q.column_double(12),      q.column_double(13),
                  q.column_optional_int(14), q.column_optional_int(15)};
  return std::make_pair(std::move(run), p);
}

}  // namespace vafa
