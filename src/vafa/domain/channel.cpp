#include "vafa/domain/channel.hpp"

#include <utility>

#include "vafa/core/text.hpp"

namespace vafa {

std::string_view to_string(Channel channel) {
  switch (channel) {
    case Channel::web: return "web";
    case Channel::app: return "app";
    case Channel::store: return "store";
    case Channel::chat: return "chat";
    case Channel::sms: return "sms";
    case Channel::phone: return "phone";
    case Channel::email: return "email";
    case Channel::other: return "other";
  }
  return "other";
}

Result<Channel> parse_channel(std::string_view text) {
  static constexpr std::pair<std::string_view, Channel> kNames[] = {
      {"web", Channel::web},       {"online", Channel::web},        {"website", Channel::web},
      {"ecommerce", Channel::web}, {"app", Channel::app},           {"mobile", Channel::app},
      {"ios", Channel::app},       {"android", Channel::app},       {"iphone", Channel::app},
      {"ipad", Channel::app},      {"store", Channel::store},       {"pos", Channel::store},
      {"shop", Channel::store},    {"retail", Channel::store},      {"in-store", Channel::store},
      {"instore", Channel::store}, {"chat", Channel::chat},         {"whatsapp", Channel::chat},
      {"telegram", Channel::chat}, {"sms", Channel::sms},           {"phone", Channel::phone},
      {"call", Channel::phone},    {"call-center", Channel::phone}, {"email", Channel::email},
      {"e-mail", Channel::email},  {"other", Channel::other},
  };
  const std::string key = to_lower_ascii(trim(text));
  for (const auto& [name, channel] : kNames) {
    if (name == key) return channel;
  }
  return fail(ErrorCode::invalid_argument,
              "unknown channel '{}' (expected web, app, store, chat, sms, phone, email or other)",
              text);
}

}  // namespace vafa
