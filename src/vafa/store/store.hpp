// The Store: the only way data is persisted. A set of small interfaces, one per aggregate
// (transaction.hpp, customers.hpp, orders.hpp, events.hpp, imports.hpp, derived.hpp,
// loyalty.hpp, access.hpp), which Store gathers for callers that need several; one
// implementation per backend (sqlite/ now, postgres/ next), chosen by open_store(). Callers
// never see SQL, and no backend concept (a log, a checkpoint, a statement cache) is in these
// interfaces: backend capabilities such as write_ahead_log.hpp sit beside them.
//
// Every operation is specified once, by store_conformance_test.cpp, which runs per backend.
//
// Thread safety: a Store object is used by one thread at a time. Open one per thread; the
// backend serialises writers (SQLite: WAL with a busy timeout).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "vafa/core/error.hpp"
#include "vafa/store/access.hpp"
#include "vafa/store/customers.hpp"
#include "vafa/store/derived.hpp"
#include "vafa/store/events.hpp"
#include "vafa/store/imports.hpp"
#include "vafa/store/loyalty.hpp"
#include "vafa/store/orders.hpp"
#include "vafa/store/records.hpp"
#include "vafa/store/transaction.hpp"

namespace vafa {

class Store : public Transactions,
              public ImportLog,
              public CustomerStore,
              public OrderStore,
              public ProductStore,
              public EventStore,
              public DerivedStore,
              public SegmentStore,
              public SpendStore,
              public RecommendStore,
              public ViewStore,
              public LedgerStore,
              public RewardStore,
              public TierStore,
              public ProgrammeStore,
              public AccessStore {
 public:
  ~Store() override = default;

  // The backend's name ("sqlite") and its location, for messages.
  virtual std::string describe() const = 0;
  // The schema version after migrations.
  virtual Result<int> schema_version() = 0;
  // Running totals of what is stored (kept by every write, so this is cheap).
  virtual Result<StoreStats> stats() = 0;

  // Writes a consistent copy of the whole store (one snapshot) to a new file at `destination`
  // while other connections go on writing: to a temporary name beside it, checked, made
  // durable, then renamed into place, so `destination` is either absent or whole. The copy is a
  // store (open_store(destination)). conflict when it exists and !replace. Returns its size.
  virtual Result<std::int64_t> backup(const std::string& destination, bool replace) = 0;
};

// Opens (creating if needed) the store at `location`: a file path or "sqlite:PATH" for the
// embedded backend. Applies pending migrations.
Result<std::unique_ptr<Store>> open_store(std::string_view location);

// The default location: $VAFA_DB if set, otherwise "vafa.db" in the working directory.
std::string default_store_location();

}  // namespace vafa
