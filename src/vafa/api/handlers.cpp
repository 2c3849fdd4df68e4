#include "vafa/api/handlers.hpp"

#include <cctype>
#include <charconv>
#include <limits>

namespace vafa::api::detail {

std::string encode_segment(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

Result<std::int64_t> number_param(const Target& target, std::string_view name,
                                  std::int64_t fallback, std::int64_t low, std::int64_t high) {
  const std::string* text = target.param(name);
  if (text == nullptr) return fallback;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < low || value > high) {
    return fail(ErrorCode::invalid_argument, "{} must be a whole number from {} to {}", name, low,
                high);
  }
  return value;
}

std::int64_t limit_of(const Target& target, std::int64_t fallback, std::int64_t most) {
  const auto value =
      number_param(target, "limit", fallback, 1, std::numeric_limits<std::int64_t>::max());
  return value ? std::min(*value, most) : -1;
}

std::optional<Error> take_code(Json& body, std::string_view key, std::string_view what,
                               std::optional<std::string>& code) {
  if (!body.is_object() || !body.contains(key)) return std::nullopt;
  const Json& value = body[std::string(key)];
  if (!value.is_string() || value.get<std::string>().empty() ||
      value.get<std::string>().size() > 64) {
    return field_errors({{fmt::format("/{}", key), fmt::format("must be {} (text)", what)}});
  }
  code = value.get<std::string>();
  body.erase(std::string(key));
  return std::nullopt;
}

std::optional<Error> need_club(const Service& service) {
  if (service.club().config().enabled) return std::nullopt;
  return Error{ErrorCode::conflict,
               "the loyalty club is not configured: add a [loyalty] table to vafa.toml and start "
               "the server with --config (docs/loyalty.md)"};
}

}  // namespace vafa::api::detail
