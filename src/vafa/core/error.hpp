// Errors as values: Result<T> = std::expected<T, Error>.
// Every layer returns Error for expected failures; exceptions from libraries are caught at the
// layer edge and converted. An Error carries what a program needs to act on it (the fields that
// were wrong, the column of a rule, when to retry) beside its message, as Abseil's Status carries
// payloads. The CLI and the API each map an Error to an exit code / an HTTP status and problem
// document in exactly one place (cli/main.cpp exit_code_for, api/http.cpp problem).
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace vafa {

enum class ErrorCode {
  invalid_argument,    // the caller's input is wrong (bad flag, malformed value, bad mapping)
  invalid_fields,      // named fields of a structured input are wrong (Error::fields says which)
  not_found,           // a named thing does not exist (file, customer, column)
  not_allowed,         // the thing exists but does not take this operation (Error::allowed)
  conflict,            // the request contradicts stored state (duplicate, version mismatch)
  too_large,           // the input is over a size bound (Error::part says which part)
  unsupported_format,  // the input is in a format this does not read (not JSON, say)
  timeout,             // the input did not arrive in time
  rate_limited,        // too many attempts; Error::retry_after says when to try again
  unavailable,         // a resource is busy or unreachable; retrying may help
  io,                  // reading or writing a file failed
  data_loss,           // stored data is corrupt or inconsistent
  aborted,             // the operation was stopped on purpose (e.g. too many bad rows)
  internal,            // a bug or an unexpected library failure
  unauthenticated,     // no valid credentials (HTTP 401)
  permission_denied,   // valid credentials without the right to do this (HTTP 403)
};

std::string_view to_string(ErrorCode code);

// One wrong field of a structured input: where (an RFC 6901 JSON pointer, "/lines/1/quantity",
// or a column name) and why.
struct FieldError {
  std::string pointer;
  std::string detail;
};
using FieldErrors = std::vector<FieldError>;

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
  // Where in the caller's input it went wrong, when the input is one text (a segment rule, a
  // JSON body): 1-based, in characters; `line` and `byte` when the text has lines. The message
  // says it too; this is for programs (a caret under it).
  std::optional<std::size_t> column;
  std::optional<std::size_t> line;
  std::optional<std::size_t> byte;
  FieldErrors fields;                       // invalid_fields: every wrong field
  std::optional<std::int64_t> retry_after;  // seconds (rate_limited, unavailable)
  std::string allowed;                      // not_allowed: what is ("GET, POST")
  std::string part;                         // too_large: which part ("headers"; empty: body)

  // Prepends context, keeping the code and the details: "importing orders.csv: cannot open
  // file".
  Error with_context(std::string_view context) const& {
    Error out = *this;
    out.message = fmt::format("{}: {}", context, message);
    return out;
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

// invalid_fields with every wrong field; the message names the field when there is one.
Error field_errors(FieldErrors fields);
inline Error field_error(std::string pointer, std::string detail) {
  return field_errors({FieldError{std::move(pointer), std::move(detail)}});
}

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
