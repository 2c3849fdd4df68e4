// Handlers of the loyalty programmes beyond points and rewards: referrals, transfers and
// affiliates (docs/api.md, docs/loyalty.md).

#include <cstdint>
#include <limits>

#include "vafa/api/handlers.hpp"
#include "vafa/app/customers.hpp"
#include "vafa/app/points.hpp"
#include "vafa/core/text.hpp"

namespace vafa::api::detail {

namespace {

Json code_json(const ReferralCode& c) {
  return {{"customer_id", c.customer_id},
          {"code", c.code},
          {"created_at", format_iso8601(from_unix_seconds(c.created_at))}};
}

// The body {"key": "text"} with nothing else; an error names the field.
Result<std::string> single_text(const Json& body, std::string_view key, std::string_view hint) {
  if (!body.is_object() || body.size() != 1 || !body.contains(key) || !body[key].is_string() ||
      body[key].get<std::string>().empty() || body[key].get<std::string>().size() > 255 ||
      !is_valid_utf8(body[key].get<std::string>())) {
    return fail(ErrorCode::invalid_argument, "{}", hint);
  }
  return body[key].get<std::string>();
}

}  // namespace

Step create_referral_code(const Service& service, Call& call) {
  if (auto off = need_club(service)) return *off;
  if (!call.request.body.empty() && trim(call.request.body) != "{}") {
    return fail(ErrorCode::invalid_argument, "this takes no body");
  }
  const std::int64_t now = unix_seconds(call.mapping.now);
  return WriteJob([id = call.params[0], now, &service](Store& store) -> Result<Reply> {
    VAFA_TRY(const std::int64_t row, need(store.customer_row(id), "customer", id));
    VAFA_TRY(const auto before, store.referral_code_of(row));
    VAFA_TRY(const ReferralCode code, service.club().referral_code(store, row, now));
    return before ? ok(code_json(code)) : created(code_json(code));
  });
}

Step customer_referrals(const Service& service, Call& call) {
  if (auto off = need_club(service)) return *off;
  auto row = need(call.store.customer_row(call.params[0]), "customer", call.params[0]);
  if (!row) return from(row.error());
  auto code = call.store.referral_code_of(*row);
  if (!code) return from(code.error());
  auto by = call.store.referral_of(*row);
  if (!by) return from(by.error());
  auto made = call.store.referrals_by(*row);
  if (!made) return from(made.error());
  Json items = Json::array();
  std::int64_t credited = 0;
  for (const Referral& r : *made) {
    items.push_back(to_json(r));
    if (r.order_id) ++credited;
  }
  return ok({{"customer_id", call.params[0]},
             {"code", *code ? Json((*code)->code) : Json(nullptr)},
             {"referred_by", *by ? to_json(**by) : Json(nullptr)},
             {"referrals", std::move(items)},
             {"credited", credited}});
}

Step set_referrer(const Service& service, Call& call) {
  if (auto off = need_club(service)) return *off;
  auto body = parse_json_body(call.request);
  if (!body) return body.error();
  auto code = single_text(*body, "code", "give the referral code: {\"code\": \"K7QD-X9M2\"}");
  if (!code) return field_errors({{"/code", code.error().message}});
  const std::int64_t now = unix_seconds(call.mapping.now);
  return WriteJob(
      [id = call.params[0], code = std::move(*code), now, &service](Store& store) -> Result<Reply> {
        VAFA_TRY(const Referral made, app::refer_customer(service.context(store, now), id, code));
        return created(to_json(made));
      });
}

Step transfer_points(const Service& service, Call& call) {
  if (auto off = need_club(service)) return *off;
  if (call.request.idempotency_key.empty()) {
    return fail(ErrorCode::invalid_argument,
                "a transfer needs an Idempotency-Key (it names the transfer)");
  }
  auto body = parse_json_body(call.request);
  if (!body) return body.error();
  FieldErrors errors;
  std::string to;
  std::int64_t points = 0;
  if (!body->is_object()) {
    errors.push_back({"", "the body must be an object {to, points}"});
  } else {
    const auto t = body->find("to");
    if (t == body->end() || !t->is_string() || t->get<std::string>().empty() ||
        t->get<std::string>().size() > 255 || !is_valid_utf8(t->get<std::string>())) {
      errors.push_back({"/to", "must be the receiving customer's id"});
    } else {
      to = t->get<std::string>();
    }
    const auto p = body->find("points");
    const auto n = p == body->end() ? std::nullopt : whole_number(*p, 1, 100'000'000);
    if (!n) {
      errors.push_back({"/points", "must be a whole number from 1 to 100000000"});
    } else {
      points = *n;
    }
    for (const auto& [key, value] : body->items()) {
      if (key != "to" && key != "points") errors.push_back({"/" + key, "is not a known field"});
    }
  }
  if (!errors.empty()) return field_errors(errors);
  const std::int64_t now = unix_seconds(call.mapping.now);
  app::Actor actor{.name = call.caller.name, .key = call.request.idempotency_key};
  return WriteJob([id = call.params[0], to = std::move(to), points, actor = std::move(actor), now,
                   &service](Store& store) -> Result<Reply> {
    VAFA_TRY(const app::PointsMoved moved,
             app::transfer_points(service.context(store, now), id, to, points, actor));
    return created({{"customer_id", id},
                    {"to", to},
                    {"points", moved.points},
                    {"available", moved.balance.available}});
  });
}

Step expiring_points(const Service& service, Call& call) {
  if (auto off = need_club(service)) return *off;
  const std::int64_t limit = limit_of(call.target, 100, 1000);
  if (limit < 0)
    return fail(ErrorCode::invalid_argument, "limit must be a whole number from 1 to 1000");
  const auto days = number_param(call.target, "days", service.club().config().notice_days, 1, 3650);
  if (!days) return problem(days.error());
  const auto after =
      number_param(call.target, "cursor", 0, 0, std::numeric_limits<std::int64_t>::max());
  if (!after) return problem(after.error());
  const std::int64_t now = unix_seconds(call.mapping.now);
  const std::int64_t to = now + *days * 86'400;
  auto rows = call.store.expiring_points(now, to, *after, static_cast<std::size_t>(limit));
  if (!rows) return from(rows.error());
  Json items = Json::array();
  for (const ExpiringPoints& e : *rows) {
    items.push_back({{"customer_id", e.customer_id},
                     {"points", e.points},
                     {"first_expiry", format_iso8601(from_unix_seconds(e.first_expiry))}});
  }
  Json out = {{"from", format_iso8601(from_unix_seconds(now))},
              {"to", format_iso8601(from_unix_seconds(to))},
              {"items", std::move(items)}};
  out["next_cursor"] = static_cast<std::int64_t>(rows->size()) == limit
                           ? Json(rows->back().customer)
                           : Json(nullptr);
  return ok(out);
}

// ---- affiliates -----------------------------------------------------------------------------

Step list_affiliates(const Service&, Call& call) {
  auto list = call.store.affiliates();
  if (!list) return from(list.error());
  Json items = Json::array();
  for (const Affiliate& a : *list) items.push_back(to_json(a));
  return ok({{"items", std::move(items)}});
}

Step create_affiliate(const Service&, Call& call) {
  auto body = parse_json_body(call.request);
  if (!body) return body.error();
  auto affiliate = affiliate_from_json(*body, nullptr);
  if (!affiliate) return field_errors(affiliate.error());
  affiliate->created_at = unix_seconds(call.mapping.now);
  return WriteJob([affiliate = std::move(*affiliate)](Store& store) -> Result<Reply> {
    VAFA_CHECK(status_of(store.put_affiliate(affiliate)));
    return created(to_json(affiliate),
                   fmt::format("{}/affiliates/{}", kBase, encode_segment(affiliate.code)));
  });
}

Step update_affiliate(const Service&, Call& call) {
  auto body = parse_json_body(call.request);
  if (!body) return body.error();
  return WriteJob([code = call.params[0], body = std::move(*body)](Store& store) -> Result<Reply> {
    VAFA_TRY(const Affiliate old, need(store.get_affiliate(code), "affiliate", code));
    auto changed = affiliate_from_json(body, &old);
    if (!changed) return fail(field_errors(changed.error()));
    VAFA_CHECK(status_of(store.put_affiliate(*changed)));
    return ok(to_json(*changed));
  });
}

Step affiliate_payable(const Service&, Call& call) {
  std::int64_t bounds[2] = {0, 0};
  const char* names[2] = {"from", "to"};
  for (int i = 0; i < 2; ++i) {
    const std::string* text = call.target.param(names[i]);
    auto t = text == nullptr ? Result<Timestamp>(fail(ErrorCode::invalid_argument, "missing"))
                             : parse_iso8601(*text);
    if (!t) {
      return fail(ErrorCode::invalid_argument,
                  "give the period as ?from=2026-11-01&to=2026-12-01 ({} is "
                  "missing or not a date)",
                  names[i]);
    }
    bounds[i] = unix_seconds(*t);
  }
  if (bounds[1] <= bounds[0]) return fail(ErrorCode::invalid_argument, "to must be after from");
  auto rows = call.store.affiliate_payable(bounds[0], bounds[1]);
  if (!rows) return from(rows.error());
  Json items = Json::array();
  for (const AffiliatePayable& p : *rows) {
    items.push_back({{"affiliate", p.affiliate},
                     {"name", p.name},
                     {"currency", p.currency},
                     {"orders", p.orders},
                     {"returns", p.returns},
                     {"cancellations", p.cancellations},
                     {"sales_minor", p.sales_minor},
                     {"commission_minor", p.commission_minor}});
  }
  return ok({{"from", format_iso8601(from_unix_seconds(bounds[0]))},
             {"to", format_iso8601(from_unix_seconds(bounds[1]))},
             {"items", std::move(items)}});
}

}  // namespace vafa::api::detail
