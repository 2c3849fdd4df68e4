// What every workflow of the application layer runs with: the store (inside the caller's
// transaction), the loyalty club's rules, and the time the operation happens. A workflow never
// opens, commits or rolls back a transaction itself: the caller does (the API's writer puts each
// request under a savepoint of its batch; a CLI command or a test uses store::Transaction), so
// several workflows can be one unit of work, and an Error from any of them means "roll back".
#pragma once

#include <cstdint>

#include "vafa/loyalty/club.hpp"
#include "vafa/store/store.hpp"

namespace vafa::app {

struct Context {
  Store& store;
  const loyalty::Club& club;
  std::int64_t now = 0;         // unix seconds
  std::int64_t import_run = 0;  // the import run new orders are written under (start_import)
};

}  // namespace vafa::app
