// The API's view of HTTP, independent of the server library: a request as the router needs it
// and the reply a handler gives. Errors become RFC 9457 problem documents here, from one
// ErrorCode -> status mapping (status_for).
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
};

// The title of a status (RFC 9110's reason phrase): a problem document's title, and the reason on
// the status line, so that the two never differ.
std::string_view status_title(int status);

// The HTTP status of an error code (the one mapping; docs/api.md lists it).
int status_for(ErrorCode code);

Reply json_reply(int status, const Json& body);

// A problem document (application/problem+json): type, title, status, detail, plus `extra`
// members (e.g. "errors" with a JSON pointer per bad field).
Reply problem(int status, std::string_view detail, Json extra = Json::object());
Reply problem(const Error& error);

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
