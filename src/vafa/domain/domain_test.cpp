#include <gtest/gtest.h>

#include "vafa/domain/channel.hpp"
#include "vafa/domain/identity.hpp"
#include "vafa/domain/model.hpp"

namespace vafa {
namespace {

TEST(Channel, ParsesNamesAndSynonyms) {
  for (Channel c : kAllChannels) EXPECT_EQ(parse_channel(to_string(c)).value(), c);
  EXPECT_EQ(parse_channel("POS").value(), Channel::store);
  EXPECT_EQ(parse_channel(" Online ").value(), Channel::web);
  EXPECT_EQ(parse_channel("android").value(), Channel::app);
  auto bad = parse_channel("carrier-pigeon");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("carrier-pigeon"), std::string::npos);
}

TEST(Identity, EmailIsLowerCasedAndChecked) {
  EXPECT_EQ(make_email_identity(" Ali.Rezaei@Example.COM ")->value, "ali.rezaei@example.com");
  EXPECT_EQ(make_email_identity("a@b.am")->key(), "email:a@b.am");
  for (const char* bad :
       {"", "no-at.example.com", "a@@b.com", "@b.com", "a@b", "a b@c.com", "a@b."}) {
    EXPECT_FALSE(make_email_identity(bad)) << bad;
  }
}

TEST(Identity, PhoneIsE164) {
  EXPECT_EQ(make_phone_identity("+374 91 12-34-56")->value, "+37491123456");
  EXPECT_EQ(make_phone_identity("0098 (912) 123 4567")->value, "+989121234567");
  EXPECT_EQ(make_phone_identity("0912 123 4567", "98")->value, "+989121234567");
  EXPECT_FALSE(make_phone_identity("0912 123 4567"));
  EXPECT_FALSE(make_phone_identity("+12"));
  EXPECT_FALSE(make_phone_identity("+1 555 CALL NOW"));
  EXPECT_FALSE(make_phone_identity("+1234567890123456"));
  // National numbers with the customer's country, as shops store them.
  EXPECT_EQ(make_phone_identity("09121234567", "", "IR")->value, "+989121234567");
  EXPECT_EQ(make_phone_identity("091 123456", "", "am")->value, "+37491123456");
  EXPECT_EQ(make_phone_identity("020 7946 0018", "", "GB")->value, "+442079460018");
  EXPECT_EQ(make_phone_identity("(415) 555-0132", "", "US")->value, "+14155550132");
  // The country wins over the calling code; an international number ignores both.
  EXPECT_EQ(make_phone_identity("09121234567", "374", "IR")->value, "+989121234567");
  EXPECT_EQ(make_phone_identity("+37491123456", "98", "IR")->value, "+37491123456");
  EXPECT_FALSE(make_phone_identity("0912", "", "IR"));        // too short for Iran
  EXPECT_FALSE(make_phone_identity("0912 123 4567", "999"));  // no such calling code
}

TEST(Identity, CardAndExternal) {
  EXPECT_EQ(make_card_identity(" ab-123 ")->value, "AB-123");
  EXPECT_FALSE(make_card_identity("12 34"));
  const auto ext = make_external_identity("Shopify", "987");
  ASSERT_TRUE(ext);
  EXPECT_EQ(ext->key(), "external:shopify:987");
  EXPECT_FALSE(make_external_identity("shop ify", "1"));
  EXPECT_FALSE(make_external_identity("pos", " "));
}

TEST(Order, TotalIsSumOfLines) {
  Order order{.currency = Currency::parse("USD").value()};
  order.lines.push_back(
      {.product_sku = "a", .quantity = 2, .unit_price_minor = 150, .amount_minor = 300});
  order.lines.push_back(
      {.product_sku = "b", .quantity = -1, .unit_price_minor = 100, .amount_minor = -100});
  EXPECT_EQ(order.total_minor(), 200);
  EXPECT_TRUE(order.is_guest());
  EXPECT_EQ(parse_order_status("Canceled").value(), OrderStatus::cancelled);
  EXPECT_FALSE(parse_order_status("lost"));
}

}  // namespace
}  // namespace vafa

TEST(Identity, PersonKeyJoinsTheAliasesOfOneMailbox) {
  const auto key = [](std::string_view email) {
    return vafa::person_key(*vafa::make_email_identity(email));
  };
  EXPECT_EQ(key("Ali.R+shop@googlemail.com"), key("alir@gmail.com"));
  EXPECT_EQ(key("ali+x@example.am"), key("ali@example.am"));
  EXPECT_NE(key("ali.r@example.am"), key("alir@example.am"));  // dots matter outside Gmail
  EXPECT_EQ(key("+tag@example.am"), "email:+tag@example.am");  // nothing before the +: kept
  EXPECT_EQ(vafa::person_key(*vafa::make_phone_identity("+374 91 123456")), "phone:+37491123456");
}
