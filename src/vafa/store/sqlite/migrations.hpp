// Numbered schema migrations, embedded from src/vafa/store/sqlite/migrations/*.sql at build time.
// A migration is never edited after it lands; changes come as a new, higher number.
#pragma once

#include <string_view>
#include <vector>

namespace vafa::sqlite {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

const std::vector<Migration>& migrations();  // ascending by version

}  // namespace vafa::sqlite
