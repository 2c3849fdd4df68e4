// Thin RAII wrappers over the SQLite C API: a connection and a prepared statement.
// Internal to the SQLite backend.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <sqlite3.h>

#include "vafa/core/error.hpp"

namespace vafa::sqlite {

Error sqlite_error(sqlite3* db, int rc, std::string_view what);

class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
  Statement& operator=(Statement&& other) noexcept;
  ~Statement();

  static Result<Statement> prepare(sqlite3* db, std::string_view sql);

  // Binding is 1-based, as in SQLite. Text is NOT copied: the bytes must stay valid until the
  // statement is reset (run() resets; reset() also clears the bindings). Bind and step in the
  // same expression or function, never a temporary that dies before step().
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::optional<std::int64_t>& value);
  Statement& bind(int index, double value);
  Statement& bind(int index, const std::optional<double>& value);
  Statement& bind_null(int index);

  // Steps once: true when a row is available, false when done.
  Result<bool> step();
  // Steps to completion, expecting no rows, then resets.
  Status run();
  void reset();

  std::int64_t column_int(int index) const;
  std::optional<std::int64_t> column_optional_int(int index) const;
  double column_double(int index) const;
  std::optional<double> column_optional_double(int index) const;
  std::string_view column_text(int index) const;
  bool column_is_null(int index) const;

 private:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  sqlite3_stmt* stmt_ = nullptr;
};

// Runs a scan statement to completion, calling `row` for each row; resets it on every path.
template <typename F>
Status each_row(Statement& q, F&& row) {
  while (true) {
    Result<bool> more = q.step();
    if (!more) {
      q.reset();
      return std::unexpected(more.error());
    }
    if (!*more) break;
    Status visited = row(q);
    if (!visited) {
      q.reset();
      return visited;
    }
  }
  q.reset();
  return {};
}

// Every row of a query, each made into a value by `make` (Statement& -> T).
template <typename F>
auto rows_of(Statement& q, F&& make) -> Result<std::vector<std::invoke_result_t<F&, Statement&>>> {
  std::vector<std::invoke_result_t<F&, Statement&>> out;
  VAFA_CHECK(each_row(q, [&](Statement& r) -> Status {
    out.push_back(make(r));
    return {};
  }));
  return out;
}

// The first row of a query made into a value, or nullopt when there is none.
template <typename F>
auto first_row(Statement& q, F&& make)
    -> Result<std::optional<std::invoke_result_t<F&, Statement&>>> {
  std::optional<std::invoke_result_t<F&, Statement&>> out;
  VAFA_CHECK(each_row(q, [&](Statement& r) -> Status {
    if (!out) out = make(r);
    return {};
  }));
  return out;
}

// The first column of the first row of a query (0 when there is no row): for aggregates.
inline Result<std::int64_t> first_int(Statement& q) {
  std::int64_t value = 0;
  VAFA_CHECK(each_row(q, [&](Statement& r) -> Status {
    value = r.column_int(0);
    return {};
  }));
  return value;
}

}  // namespace vafa::sqlite
