// The channels through which a customer buys or talks to the business.
#pragma once

#include <array>
#include <string_view>

#include "vafa/core/error.hpp"

namespace vafa {

enum class Channel { web, app, store, chat, sms, phone, email, other };

inline constexpr std::array<Channel, 8> kAllChannels = {
    Channel::web, Channel::app,   Channel::store, Channel::chat,
    Channel::sms, Channel::phone, Channel::email, Channel::other};

std::string_view to_string(Channel channel);

// Accepts the canonical names and common synonyms, case-insensitively: "online"/"website" -> web,
// "mobile"/"ios"/"android" -> app, "pos"/"shop"/"retail"/"in-store" -> store, "whatsapp"/"telegram"
// -> chat, "call"/"call-center" -> phone. Anything else is an error listing the valid names.
Result<Channel> parse_channel(std::string_view text);

}  // namespace vafa
