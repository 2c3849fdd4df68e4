// Errors as values: Result<T> = std::expected<T, Error>.
// Every layer returns Error for expected failures; exceptions from libraries are caught at the
// layer edge and converted. The CLI and the API each map ErrorCode to an exit code / HTTP status
// in exactly one place.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace vafa {

enum class ErrorCode {
  invalid_argument,   // the caller's input is wrong (bad flag, malformed value, bad mapping)
  not_found,          // a named thing does not exist (file, customer, column)
  conflict,           // the request contradicts stored state (duplicate, version mismatch)
  unavailable,        // a resource is busy or unreachable; retrying may help
  io,                 // reading or writing a file failed
  data_loss,          // stored data is corrupt or inconsistent
  aborted,            // the operation was stopped on purpose (e.g. too many bad rows)
  internal,           // a bug or an unexpected library failure
  unauthenticated,    // no valid credentials (HTTP 401)
  permission_denied,  // valid credentials without the right to do this (HTTP 403)
};

std::string_view to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
  // Where in the caller's input it went wrong, when the input is one text (a segment rule):
  // 1-based, in characters. The message says it too; this is for programs (a caret under it).
  std::optional<std::size_t> column;

  // Prepends context, keeping the code and the details: "importing orders.csv: cannot open
  // file".
  Error with_context(std::string_view context) const& {
    return Error{code, fmt::format("{}: {}", context, message), column};
  }
};

template <typename T>
using Result = std::expected<T, Error>;

// Result<void> for operations that return nothing.
using Status = std::expected<void, Error>;

template <typename... Args>
std::unexpected<Error> fail(ErrorCode code, fmt::format_string<Args...> format, Args&&... args) {
  return std::unexpected(Error{code, fmt::format(format, std::forward<Args>(args)...)});
}

inline std::unexpected<Error> fail(Error error) { return std::unexpected(std::move(error)); }

// The Status of a Result whose value is not needed.
template <typename T>
Status status_of(Result<T> result) {
  if (!result) return std::unexpected(std::move(result).error());
  return {};
}

// The value found, or not_found naming what was looked for ("no customer 'c1'").
template <typename T>
Result<T> need(Result<std::optional<T>> found, std::string_view what, std::string_view id) {
  if (!found) return std::unexpected(std::move(found).error());
  if (!*found) return fail(ErrorCode::not_found, "no {} '{}'", what, id);
  return std::move(**found);
}

}  // namespace vafa

#define VAFA_CONCAT_INNER(a, b) a##b
#define VAFA_CONCAT(a, b) VAFA_CONCAT_INNER(a, b)

// VAFA_TRY(auto value, expression): evaluates a Result expression; on error returns it from the
// enclosing function, otherwise binds the value.
#define VAFA_TRY(decl, expr) VAFA_TRY_IMPL(VAFA_CONCAT(vafa_try_, __LINE__), decl, expr)
#define VAFA_TRY_IMPL(tmp, decl, expr)                      \
  auto tmp = (expr);                                        \
  if (!tmp) return std::unexpected(std::move(tmp).error()); \
  decl = std::move(tmp).value()

// VAFA_CHECK(expression): for Status expressions; returns the error if there is one.
#define VAFA_CHECK(expr)                                      \
  do {                                                        \
    if (auto vafa_status = (expr); !vafa_status)              \
      return std::unexpected(std::move(vafa_status).error()); \
  } while (false)
