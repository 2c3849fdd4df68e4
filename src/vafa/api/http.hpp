// The API's view of HTTP, independent of the server library: a request as the router needs it
// and the reply a handler gives. Every status is chosen here and nowhere else: a success by the
// helper that names it (ok, created, no_content), a failure by the one Error -> status and
// problem document mapping (problem, status_for), so handlers return values and Errors only.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "vafa/core/error.hpp"

namespace vafa::api {

using Json = nlohmann::json;

struct Request {
  std::string method;  // "GET", "POST"...
  std::string target;  // path and query as sent: "/api/v1/customers?email=a%40b.am"
  std::string authorization;
  std::string idempotency_key;
  bool idempotency_key_sent = false;  // the header was there, even empty (which is refused)
  std::string content_type;
  std::string body;
  std::string cookie;      // the Cookie header (a dashboard session)
  std::string csrf_token;  // X-CSRF-Token: a signed-in session's writes send it back
  std::string remote;      // the client's address ("127.0.0.1"), for rate limits
};

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Location, Allow, Retry-After...
  // What went wrong inside, for the server's log; never sent (the caller sees a plain 500).
  std::string internal_error;
};

// The title of a status (RFC 9110's reason phrase): a problem document's title, and the reason on
// the status line, so that the two never differ.
std::string_view status_title(int status);

// The HTTP status of an error code (the one mapping; docs/api.md lists it).
int status_for(ErrorCode code);

// 200 with a JSON body; 201 with one and a Location; 204 with none; 200 with a body of any type.
Reply ok(const Json& body);
Reply created(const Json& body, std::string location = {});
Reply no_content();
Reply ok_body(std::string content_type, std::string body);

// The one mapping of an Error to a reply: an RFC 9457 problem document (application/
// problem+json) with type, title, status and detail, plus what the Error carries: "errors"
// ({pointer, detail} per bad field), "line"/"column"/"byte" of a syntax error, Retry-After,
// Allow. An internal error is logged and its detail kept from the caller.
Reply problem(const Error& error);
template <typename... Args>
Reply problem(ErrorCode code, fmt::format_string<Args...> format, Args&&... args) {
  return problem(Error{code, fmt::format(format, std::forward<Args>(args)...)});
}

// Percent-decodes one path segment or query component ('+' is a space in a query only).
// invalid_argument for a malformed escape or a decoded NUL.
Result<std::string> percent_decode(std::string_view text, bool query);

// Splits a target into its decoded path segments and query parameters (name -> value; a
// repeated name keeps the last value).
struct Target {
  std::vector<std::string> segments;
  std::vector<std::pair<std::string, std::string>> query;
  const std::string* param(std::string_view name) const;
};
Result<Target> parse_target(std::string_view target);

}  // namespace vafa::api
