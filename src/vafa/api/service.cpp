#include "vafa/api/service.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include <sodium.h>

#include "vafa/api/handlers.hpp"
#include "vafa/api/users.hpp"
#include "vafa/app/customers.hpp"
#include "vafa/app/insight.hpp"
#include "vafa/app/orders.hpp"
#include "vafa/app/points.hpp"
#include "vafa/core/text.hpp"

namespace vafa::api {

using namespace detail;

namespace {

// ---- customers ------------------------------------------------------------------------------

Step find_customer(const Service&, Call& call) {
  auto identity = identity_from_query(call.target, call.mapping);
  if (!identity) return field_errors(identity.error());
  auto owner = call.store.customer_with_identity(*identity);
  if (!owner) return from(owner.error());
  if (!*owner) {
    return fail(ErrorCode::not_found, "no customer with {}", identity->key());
  }
  auto customer = need(call.store.get_customer(**owner), "customer", **owner);
  if (!customer) return from(customer.error());
  return ok(to_json(*customer));
}

Step create_customer(const Service& service, Call& call) {
  auto body = parse_json_body(call.request);
  if (!body) return body.error();
  std::optional<std::string> referred_by;
  if (auto bad = take_code(*body, "referred_by", "a referral code", referred_by)) return *bad;
  auto customer = customer_from_json(*body, call.mapping);
  if (!customer) return field_errors(customer.error());
  const std::int64_t now = unix_seconds(call.mapping.now);
  return WriteJob(
      [customer = std::move(*customer), referred_by, &service, now](Store& store) -> Result<Reply> {
        VAFA_TRY(const app::CreatedCustomer made,
                 app::create_customer(service.context(store, now), customer, referred_by));
        Json out = to_json(made.customer);
        if (made.points) out["loyalty"] = {{"points", *made.points}};
        if (made.referral) out["referral"] = to_json(*made.referral);
        return created(out, customer_location(made.customer.id));
      });
}

Step get_customer(const Service&, Call& call) {
  auto customer = need(call.store.get_customer(call.params[0]), "customer", call.params[0]);
  if (!customer) return from(customer.error());
  return ok(to_json(*customer));
}

Step update_customer(const Service& service, Call& call) {
  auto body = parse_json_body(call.request);
  if (!body) return body.error();
  auto customer = customer_from_json(*body, call.mapping, call.params[0]);
  if (!customer) return field_errors(customer.error());
  // created_at only changes when the body names one (it only ever moves earlier).
  const bool keep_created_at = !body->contains("created_at");
  const std::int64_t now = unix_seconds(call.mapping.now);
  return WriteJob([customer = std::move(*customer), keep_created_at, &service,
                   now](Store& store) -> Result<Reply> {
    VAFA_TRY(const Customer stored,
             app::update_customer(service.context(store, now), customer, keep_created_at));
    return ok(to_json(stored));
  });
}

Step customer_events(const Service&, Call& call) {
  const std::int64_t limit = limit_of(call.target, 100, 1000);
  if (limit < 0)
    return fail(ErrorCode::invalid_argument, "limit must be a whole number from 1 to 1000");
  auto customer = need(call.store.customer_row(call.params[0]), "customer", call.params[0]);
  if (!customer) return from(customer.error());
  auto events = call.store.customer_events(call.params[0]);
  if (!events) return from(events.error());
  std::ranges::sort(*events, [](const Event& a, const Event& b) {
    return a.occurred_at != b.occurred_at ? a.occurred_at > b.occurred_at : a.id > b.id;
  });
  Json items = Json::array();
  for (const Event& event : *events) {
    if (static_cast<std::int64_t>(items.size()) == limit) break;
    items.push_back(to_json(event));
  }
  return ok({{"items", std::move(items)}, {"total", events->size()}});
}

// ---- orders ---------------------------------------------------------------------------------

Step create_order(const Service& service, Call& call) {
  auto body = parse_json_body(call.request);
  if (!body) return body.error();
  std::optional<std::string> affiliate;
  if (auto bad = take_code(*body, "affiliate", "an affiliate's code", affiliate)) return *bad;
  auto order = order_from_json(*body, call.mapping);
  if (!order) return field_errors(order.error());
  const std::int64_t now = unix_seconds(call.mapping.now);
  return WriteJob(
      [order = std::move(*order), affiliate, &service, now](Store& store) -> Result<Reply> {
        VAFA_TRY(const app::PlacedOrder placed,
                 app::place_order(service.context(store, now), order, affiliate));
        Json out = to_json(placed.order);
        if (placed.affiliate) {
          out["affiliate"] = {
              {"code", *placed.affiliate},
              {"commission_minor",
               placed.commission_minor ? Json(*placed.commission_minor) : Json(nullptr)}};
        }
        if (placed.rewards) {
          const loyalty::OrderRewards& got = *placed.rewards;
          Json gifts = Json::array();
          for (const Redemption& g : got.gifts) gifts.push_back(to_json(g));
          out["loyalty"] = {{"points", got.points},
                            {"bonus", got.first_order_bonus},
                            {"referral_credited", got.referral.has_value()},
                            {"gifts", std::move(gifts)},
                            {"notes", got.notes}};
        }
        return created(out, order_location(placed.order.id));
      });
}

Step get_order(const Service&, Call& call) {
  auto order = need(call.store.get_order(call.params[0]), "order", call.params[0]);
  if (!order) return from(order.error());
  return ok(to_json(*order));
}

Step cancel_order(const Service& service, Call& call) {
  if (!call.request.body.empty() && trim(call.request.body) != "{}") {
    return fail(ErrorCode::invalid_argument, "cancel takes no body");
  }
  const std::int64_t now = unix_seconds(call.mapping.now);
  return WriteJob([id = call.params[0], &service, now](Store& store) -> Result<Reply> {
    VAFA_TRY(const app::CancelledOrder done, app::cancel_order(service.context(store, now), id));
    Json out = to_json(done.order);
    if (done.commission_minor) out["affiliate"] = {{"commission_minor", *done.commission_minor}};
    if (done.reversal) {
      out["loyalty"] = {{"points_reversed", done.reversal->points},
                        {"referral_points_reversed", done.reversal->referral_points},
                        {"gifts_voided", done.reversal->gifts_voided}};
    }
    return ok(out);
  });
}

Step create_return(const Service& service, Call& call) {
  auto body = parse_json_body(call.request);
  if (!body) return body.error();
  auto request = return_from_json(*body, call.mapping);
  if (!request) return field_errors(request.error());
  const std::int64_t now = unix_seconds(call.mapping.now);
  return WriteJob([id = call.params[0], request = std::move(*request), now,
                   &service](Store& store) -> Result<Reply> {
    VAFA_TRY(const app::ReturnedUnits back,
             app::return_units(service.context(store, now), id, request));
    Json out = to_json(back.document);
    out["return_of"] = back.return_of;
    if (back.commission_minor) out["affiliate"] = {{"commission_minor", *back.commission_minor}};
    if (back.points_reversed) {
      out["loyalty"] = {{"points_reversed", *back.points_reversed},
                        {"referral_points_reversed", back.referral_points_reversed.value_or(0)}};
    }
    return created(out, order_location(back.document.id));
  });
}

// ---- events ---------------------------------------------------------------------------------

Step create_event(const Service& service, Call& call) {
  auto body = parse_json_body(call.request);
  if (!body) return body.error();
  auto event = event_from_json(*body, call.mapping);
  if (!event) return field_errors(event.error());
  const std::int64_t now = unix_seconds(call.mapping.now);
  return WriteJob([event = std::move(*event), &service, now](Store& store) -> Result<Reply> {
    VAFA_TRY(const app::RecordedEvent recorded,
             app::record_event(service.context(store, now), event));
    Json out = to_json(recorded.event);
    if (recorded.points) out["loyalty"] = {{"points", *recorded.points}};
    return created(out);
  });
}

// ---- the loyalty club ----------------------------------------------------------------------

Json tier_json(const Service& service, Store& store, std::int64_t customer, Timestamp now);

Step points_balance(const Service& service, Call& call) {
  if (auto off = need_club(service)) return *off;
  auto customer = need(call.store.customer_row(call.params[0]), "customer", call.params[0]);
  if (!customer) return from(customer.error());
  auto balance = service.club().balance(call.store, *customer, unix_seconds(call.mapping.now));
  if (!balance) return from(balance.error());
  const PointsBalance& b = balance->points;
  return ok({{"customer_id", call.params[0]},
             {"available", b.available},
             {"pending", b.pending},
             {"earned", b.earned},
             {"redeemed", b.redeemed},
             {"expired", b.expired},
             {"expiring_soon", balance->expiring_soon},
             {"next_expiry_at", time_json(balance->next_expiry_at)},
             {"tier", tier_json(service, call.store, *customer, call.mapping.now)}});
}

Step get_tier(const Service& service, Call& call) {
  if (auto off = need_club(service)) return *off;
  auto customer = need(call.store.customer_row(call.params[0]), "customer", call.params[0]);
  if (!customer) return from(customer.error());
  auto history = call.store.tier_history(*customer);
  if (!history) return from(history.error());
  Json changes = Json::array();
  for (const TierChange& c : *history) {
    changes.push_back({{"from", c.from ? Json(*c.from) : Json(nullptr)},
                       {"to", c.to},
                       {"at", format_iso8601(from_unix_seconds(c.at))},
                       {"reason", c.reason}});
  }
  Json out = tier_json(service, call.store, *customer, call.mapping.now);
  if (out.is_null()) return fail(ErrorCode::conflict, "no tiers are configured in vafa.toml");
  out["history"] = std::move(changes);
  return ok(out);
}

Step set_tier(const Service& service, Call& call) {
  if (auto off = need_club(service)) return *off;
  auto body = parse_json_body(call.request);
  if (!body) return body.error();
  if (!body->is_object() || body->size() != 1 || !body->contains("tier") ||
      !((*body)["tier"].is_string() || (*body)["tier"].is_null())) {
    return field_errors({{"/tier", "give {\"tier\": NAME} to set a tier, or null to withdraw it"}});
  }
  std::optional<std::string> name;
  if ((*body)["tier"].is_string()) name = (*body)["tier"].get<std::string>();
  const Timestamp now = call.mapping.now;
  return WriteJob([id = call.params[0], name, now, &service](Store& store) -> Result<Reply> {
    VAFA_CHECK(status_of(app::set_tier(service.context(store, unix_seconds(now)), id, name)));
    VAFA_TRY(const std::int64_t row, need(store.customer_row(id), "customer", id));
    return ok(tier_json(service, store, row, now));
  });
}

Json tier_json(const Service& service, Store& store, std::int64_t customer, Timestamp now) {
  if (service.club().config().tiers.empty()) return nullptr;
  auto view = service.club().tier(store, customer, unix_seconds(now));
  if (!view || view->tier == nullptr) return nullptr;
  Json out = {{"name", view->tier->name},
              {"since", view->state ? Json(format_iso8601(from_unix_seconds(view->state->since)))
                                    : Json(nullptr)},
              {"invited", view->state && view->state->invited},
              {"percent", view->tier->percent},
              {"priority_support", view->tier->priority_support},
              {"measure", service.club().config().tier_measure == loyalty::TierMeasure::points
                              ? "points"
                              : "spend_minor"},
              {"value", view->value},
              {"below_since", time_json(view->state ? view->state->below_since : std::nullopt)}};
  out["next"] = view->next == nullptr ? Json(nullptr)
                                      : Json{{"name", view->next->name}, {"needs", view->to_next}};
  return out;
}

Step points_history(const Service& service, Call& call) {
  if (auto off = need_club(service)) return *off;
  const std::int64_t limit = limit_of(call.target, 50, 500);
  if (limit < 0)
    return fail(ErrorCode::invalid_argument, "limit must be a whole number from 1 to 500");
  std::optional<std::int64_t> before;
  if (call.target.param("before") != nullptr) {
    const auto value =
        number_param(call.target, "before", 0, std::numeric_limits<std::int64_t>::min(),
                     std::numeric_limits<std::int64_t>::max());
    if (!value)
      return fail(ErrorCode::invalid_argument,
                  "before must be a transaction id from an earlier page");
    before = *value;
  }
  auto customer = need(call.store.customer_row(call.params[0]), "customer", call.params[0]);
  if (!customer) return from(customer.error());
  auto txns = call.store.points_history(*customer, static_cast<std::size_t>(limit), before);
  if (!txns) return from(txns.error());
  Json items = Json::array();
  for (const LedgerTxn& t : *txns) {
    Json entries = Json::array();
    std::int64_t change = 0;
    for (const LedgerEntry& e : t.entries) {
      entries.push_back({{"account", to_string(e.account)}, {"points", e.points}});
      if (e.account == PointsAccount::available) change += e.points;
    }
    items.push_back({{"id", t.id},
                     {"kind", t.kind},
                     {"cause", t.cause},
                     {"at", format_iso8601(from_unix_seconds(t.at))},
                     {"note", t.note},
                     {"available_change", change},
                     {"entries", std::move(entries)}});
  }
  Json out = {{"items", items}};
  out["next_before"] =
      static_cast<std::int64_t>(txns->size()) == limit ? Json(txns->back().id) : Json(nullptr);
  return ok(out);
}

Step adjust_points(const Service& service, Call& call) {
  if (auto off = need_club(service)) return *off;
  if (call.request.idempotency_key.empty()) {
    return fail(ErrorCode::invalid_argument,
                "an adjustment needs an Idempotency-Key (it names the adjustment)");
  }
  auto body = parse_json_body(call.request);
  if (!body) return body.error();
  FieldErrors errors;
  std::int64_t points = 0;
  std::string reason;
  if (!body->is_object()) {
    errors.push_back({"", "the body must be an object {points, reason}"});
  } else {
    const auto p = body->find("points");
    const auto n = p == body->end() ? std::nullopt : whole_number(*p, -100'000'000, 100'000'000);
    if (!n || *n == 0) {
      errors.push_back({"/points", "must be a whole number other than 0 (at most 100000000)"});
    } else {
      points = *n;
    }
    const auto r = body->find("reason");
    if (r == body->end() || !r->is_string() || r->get<std::string>().empty() ||
        r->get<std::string>().size() > 500 || !is_valid_utf8(r->get<std::string>())) {
      errors.push_back({"/reason", "must say why, in 1 to 500 bytes"});
    } else {
      reason = r->get<std::string>();
    }
    for (const auto& [key, value] : body->items()) {
      if (key != "points" && key != "reason") errors.push_back({"/" + key, "is not a known field"});
    }
  }
  if (!errors.empty()) return field_errors(errors);
  const std::int64_t now = unix_seconds(call.mapping.now);
  app::Actor actor{.name = call.caller.name, .key = call.request.idempotency_key};
  return WriteJob([id = call.params[0], points, reason, actor = std::move(actor), now,
                   &service](Store& store) -> Result<Reply> {
    VAFA_TRY(const app::PointsMoved moved,
             app::adjust_points(service.context(store, now), id, points, reason, actor));
    return created({{"customer_id", id},
                    {"points", moved.points},
                    {"available", moved.balance.available},
                    {"pending", moved.balance.pending}});
  });
}

Step list_rewards(const Service&, Call& call) {
  auto rewards = call.store.rewards();
  if (!rewards) return from(rewards.error());
  Json items = Json::array();
  for (const Reward& r : *rewards) items.push_back(to_json(r));
  return ok({{"items", std::move(items)}});
}

Step create_reward(const Service&, Call& call) {
  auto body = parse_json_body(call.request);
  if (!body) return body.error();
  auto reward = reward_from_json(*body, nullptr);
  if (!reward) return field_errors(reward.error());
  reward->created_at = unix_seconds(call.mapping.now);
  return WriteJob([reward = std::move(*reward)](Store& store) -> Result<Reply> {
    VAFA_CHECK(status_of(store.put_reward(reward)));
    Reply reply = created(to_json(reward));
    reply.headers.emplace_back("Location", fmt::format("{}/rewards/{}", kBase, reward.code));
    return reply;
  });
}

Step update_reward(const Service&, Call& call) {
  auto body = parse_json_body(call.request);
  if (!body) return body.error();
  // Validated against the stored reward inside the write, so a concurrent change is not lost.
  return WriteJob([code = call.params[0], body = std::move(*body)](Store& store) -> Result<Reply> {
    VAFA_TRY(const Reward old, need(store.get_reward(code), "reward", code));
    auto changed = reward_from_json(body, &old);
    if (!changed) return fail(field_errors(changed.error()));
    VAFA_CHECK(status_of(store.put_reward(*changed)));
    return ok(to_json(*changed));
  });
}

Step redeem(const Service& service, Call& call) {
  if (auto off = need_club(service)) return *off;
  auto body = parse_json_body(call.request);
  if (!body) return body.error();
  if (!body->is_object() || !body->contains("reward") || !(*body)["reward"].is_string() ||
      body->size() != 1) {
    return field_errors({{"/reward", "give the reward's code: {\"reward\": \"free-coffee\"}"}});
  }
  const std::int64_t now = unix_seconds(call.mapping.now);
  return WriteJob([id = call.params[0], code = (*body)["reward"].get<std::string>(), now,
                   &service](Store& store) -> Result<Reply> {
    VAFA_TRY(const app::Redeemed made, app::redeem_reward(service.context(store, now), id, code));
    Json out = to_json(made.redemption);
    out["available"] = made.balance.available;
    return created(out);
  });
}

Step customer_redemptions(const Service&, Call& call) {
  auto row = need(call.store.customer_row(call.params[0]), "customer", call.params[0]);
  if (!row) return from(row.error());
  auto list = call.store.redemptions_of(*row);
  if (!list) return from(list.error());
  Json items = Json::array();
  for (const Redemption& r : *list) items.push_back(to_json(r));
  return ok({{"items", std::move(items)}});
}

Step loyalty_config(const Service& service, Call&) {
  return ok(Json::parse(service.club().config().to_json().dump()));
}

// ---- what other layers computed -------------------------------------------------------------

Step list_segments(const Service&, Call& call) {
  auto segments = call.store.segments();
  if (!segments) return from(segments.error());
  Json items = Json::array();
  for (const Segment& s : *segments) {
    Json item = {{"name", s.name},
                 {"rule", s.rule},
                 {"description", s.description},
                 {"members", s.members},
                 {"created_at", format_iso8601(from_unix_seconds(s.created_at))}};
    item["evaluated_at"] = time_json(s.evaluated_at);
    items.push_back(std::move(item));
  }
  return ok({{"items", std::move(items)}});
}

Step segment_members(const Service&, Call& call) {
  const std::int64_t limit = limit_of(call.target, 100, 1000);
  if (limit < 0)
    return fail(ErrorCode::invalid_argument, "limit must be a whole number from 1 to 1000");
  const auto after =
      number_param(call.target, "cursor", 0, 0, std::numeric_limits<std::int64_t>::max());
  if (!after) return problem(after.error());
  auto segment = need(call.store.get_segment(call.params[0]), "segment", call.params[0]);
  if (!segment) return from(segment.error());
  auto page = call.store.segment_members(segment->id, *after, static_cast<std::size_t>(limit));
  if (!page) return from(page.error());
  Json items = Json::array();
  for (const SegmentMember& m : *page) {
    items.push_back(
        {{"customer_id", m.customer_id}, {"since", format_iso8601(from_unix_seconds(m.since))}});
  }
  Json out = {{"segment", segment->name}, {"members", segment->members}, {"items", items}};
  out["next_cursor"] = static_cast<std::int64_t>(page->size()) == limit
                           ? Json(page->back().customer)
                           : Json(nullptr);
  return ok(out);
}

// What the engines computed for one customer (customer 360): the derived metrics of the last
// refresh, the CLV prediction of the last run, segments and recommendations. A part that was
// never computed is null (or empty).
Result<Json> insights_of(Store& store, const std::string& id) {
  VAFA_TRY(const app::CustomerView view, app::customer_view(store, id));
  Json out = {{"customer_id", id}};
  if (view.metrics) {
    const CustomerMetrics& m = *view.metrics;
    Json components = Json::parse(m.components_json, nullptr, false);
    if (components.is_discarded()) components = Json::object();
    out["metrics"] = {{"as_of", format_iso8601(from_unix_seconds(m.as_of))},
                      {"orders", m.orders},
                      {"first_order_at", time_json(m.first_order_at)},
                      {"last_order_at", time_json(m.last_order_at)},
                      {"revenue_minor", m.revenue_minor},
                      {"net_revenue_minor", m.net_revenue_minor},
                      {"returns", m.returns},
                      {"cycle_days", nullable(m.cycle_days)},
                      {"rfm",
                       {{"recency", nullable(m.recency_score)},
                        {"frequency", nullable(m.frequency_score)},
                        {"monetary", nullable(m.monetary_score)},
                        {"group", m.rfm_group.empty() ? Json(nullptr) : Json(m.rfm_group)}}},
                      {"stage", m.stage},
                      {"score", m.score},
                      {"score_components", std::move(components)},
                      {"advocacy", m.advocacy},
                      {"engagement_events", m.engagement_events},
                      {"nps", nullable(m.nps)},
                      {"churn_risk", m.churn_risk}};
  } else {
    out["metrics"] = nullptr;
  }
  if (view.clv) {
    const auto& [run, p] = *view.clv;
    out["clv"] = {{"model", run.model},
                  {"horizon", run.horizon},
                  {"unit", run.unit},
                  {"calibration_end", format_iso8601(from_unix_seconds(run.calibration_end))},
                  {"p_alive", p.p_alive},
                  {"expected_purchases", p.expected_purchases},
                  {"expected_order_value_minor", nullable(p.expected_order_value_minor)},
                  {"clv_minor", nullable(p.clv_minor)},
                  {"currency", run.currency.empty() ? Json(nullptr) : Json(run.currency)}};
  } else {
    out["clv"] = nullptr;
  }
  out["segments"] = view.segments;
  Json list = Json::array();
  // The product's name, for people; the SKU stays for systems.
  for (const app::RecommendedProduct& r : view.recommendations) {
    list.push_back({{"sku", r.sku},
                    {"name", r.name.empty() ? Json(nullptr) : Json(r.name)},
                    {"score", r.score},
                    {"reason", r.reason},
                    {"because", r.because ? Json(*r.because) : Json(nullptr)}});
  }
  out["recommendations"] = std::move(list);
  return out;
}

Step customer_insights(const Service&, Call& call) {
  auto insights = insights_of(call.store, call.params[0]);
  if (!insights) return from(insights.error());
  return ok(*insights);
}

Step list_keys(const Service&, Call& call) {
  auto keys = call.store.api_keys();
  if (!keys) return from(keys.error());
  Json items = Json::array();
  for (const ApiKeyRecord& k : *keys) {
    Json item = {{"name", k.name},
                 {"role", k.role},
                 {"prefix", k.prefix},
                 {"created_at", format_iso8601(from_unix_seconds(k.created_at))}};
    item["revoked_at"] = time_json(k.revoked_at);
    items.push_back(std::move(item));
  }
  return ok({{"items", std::move(items)}});
}

const std::array kRoutes = {
    Route{"GET", "/api/v1/customers", Role::reader, false, &find_customer,
          "find a customer by identity"},
    Route{"POST", "/api/v1/customers", Role::writer, true, &create_customer, "create a customer"},
    Route{"GET", "/api/v1/customers/{id}", Role::reader, false, &get_customer, "get a customer"},
    Route{"PATCH", "/api/v1/customers/{id}", Role::writer, true, &update_customer,
          "update a customer"},
    Route{"GET", "/api/v1/customers/{id}/events", Role::reader, false, &customer_events,
          "a customer's events"},
    Route{"GET", "/api/v1/customers/{id}/insights", Role::reader, false, &customer_insights,
          "what vafa computed for a customer"},

    Route{"POST", "/api/v1/orders", Role::writer, true, &create_order, "create an order"},
    Route{"GET", "/api/v1/orders/{id}", Role::reader, false, &get_order, "get an order"},
    Route{"POST", "/api/v1/orders/{id}/cancel", Role::writer, true, &cancel_order,
          "cancel an order"},
    Route{"POST", "/api/v1/orders/{id}/returns", Role::writer, true, &create_return,
          "return units of an order"},
    Route{"POST", "/api/v1/events", Role::writer, true, &create_event, "record an event"},

    Route{"GET", "/api/v1/customers/{id}/points", Role::reader, false, &points_balance,
          "a customer's points"},
    Route{"GET", "/api/v1/customers/{id}/points/history", Role::reader, false, &points_history,
          "a customer's points movements"},
    Route{"POST", "/api/v1/customers/{id}/points/adjustments", Role::admin, true, &adjust_points,
          "adjust a customer's points"},
    Route{"POST", "/api/v1/customers/{id}/redemptions", Role::writer, true, &redeem,
          "redeem a reward"},
    Route{"GET", "/api/v1/customers/{id}/redemptions", Role::reader, false, &customer_redemptions,
          "a customer's redemptions"},
    Route{"GET", "/api/v1/customers/{id}/tier", Role::reader, false, &get_tier,
          "a customer's tier and its history"},
    Route{"PUT", "/api/v1/customers/{id}/tier", Role::admin, true, &set_tier,
          "invite a customer to a tier"},
    Route{"POST", "/api/v1/customers/{id}/points/transfers", Role::writer, true, &transfer_points,
          "move points to another customer"},
    Route{"POST", "/api/v1/customers/{id}/referral-code", Role::writer, true, &create_referral_code,
          "a customer's referral code"},
    Route{"GET", "/api/v1/customers/{id}/referrals", Role::reader, false, &customer_referrals,
          "a customer's referral code, referrer and referrals"},
    Route{"POST", "/api/v1/customers/{id}/referrer", Role::writer, true, &set_referrer,
          "record who referred a customer"},
    Route{"GET", "/api/v1/rewards", Role::reader, false, &list_rewards, "the rewards catalogue"},

    Route{"POST", "/api/v1/rewards", Role::admin, true, &create_reward, "add a reward"},
    Route{"PATCH", "/api/v1/rewards/{code}", Role::admin, true, &update_reward, "change a reward"},
    Route{"GET", "/api/v1/loyalty/config", Role::reader, false, &loyalty_config,
          "the loyalty club's settings"},
    Route{"GET", "/api/v1/loyalty/expiring", Role::reader, false, &expiring_points,
          "customers whose points expire soon"},
    Route{"GET", "/api/v1/affiliates", Role::admin, false, &list_affiliates, "list affiliates"},
    Route{"POST", "/api/v1/affiliates", Role::admin, true, &create_affiliate, "add an affiliate"},
    Route{"PATCH", "/api/v1/affiliates/{code}", Role::admin, true, &update_affiliate,
          "change an affiliate"},
    Route{"GET", "/api/v1/affiliates/payable", Role::admin, false, &affiliate_payable,
          "commissions payable for a period"},
    Route{"GET", "/api/v1/segments", Role::reader, false, &list_segments, "list segments"},
    Route{"GET", "/api/v1/segments/preview", Role::reader, false, &segment_preview,
          "count the customers a rule selects"},
    Route{"GET", "/api/v1/dashboard/views/{name}", Role::reader, false, &dashboard_view,
          "a precomputed dashboard view"},
    Route{"GET", "/api/v1/customers/{id}/timeline", Role::reader, false, &customer_timeline,
          "a customer's orders and events across channels, newest first"},
    Route{"GET", "/api/v1/dashboard/customers", Role::reader, false, &dashboard_customers,
          "customers sorted and paged for the dashboard"},
    Route{"GET", "/api/v1/segments/{name}/members", Role::reader, false, &segment_members,
          "a segment's members, page by page"},
    Route{"GET", "/api/v1/keys", Role::admin, false, &list_keys, "list API keys"},
    Route{"POST", "/api/v1/session", Role::reader, true, &sign_in, "sign in to the dashboard",
          true},
    Route{"GET", "/api/v1/session", Role::reader, false, &get_session,
          "the signed-in dashboard user", true},
    Route{"DELETE", "/api/v1/session", Role::reader, true, &sign_out, "sign out", true},
};

// Matches decoded segments against a pattern; fills the placeholders.
bool matches(std::string_view pattern, const std::vector<std::string>& segments,
             std::vector<std::string>& params) {
  params.clear();
  std::size_t i = 0;
  while (!pattern.empty()) {
    pattern.remove_prefix(1);
    const std::size_t slash = pattern.find('/');
    const std::string_view part = pattern.substr(0, slash);
    pattern = slash == std::string_view::npos ? std::string_view() : pattern.substr(slash);
    if (i == segments.size()) return false;
    if (part.starts_with('{')) {
      if (segments[i].empty()) return false;
      params.push_back(segments[i]);
    } else if (part != segments[i]) {
      return false;
    }
    ++i;
  }
  return i == segments.size();
}

// The caller: by API key (Authorization: Bearer) or, without one, by a dashboard session
// cookie; a write made with a session must send back its CSRF token.
Result<Caller> identify(Store& store, const Request& request, bool write, std::int64_t now) {
  if (!request.authorization.empty() || session_token(request.cookie).empty()) {
    return authenticate(store, request.authorization);
  }
  VAFA_TRY(const auto in, signed_in(store, request.cookie, now));
  if (!in) return fail(ErrorCode::unauthenticated, "the session has ended; sign in again");
  if (write && (request.csrf_token.size() != in->session.csrf.size() ||
                sodium_memcmp(request.csrf_token.data(), in->session.csrf.data(),
                              in->session.csrf.size()) != 0)) {
    return fail(ErrorCode::permission_denied,
                "a write from a signed-in session needs its X-CSRF-Token header");
  }
  VAFA_TRY(const Role role, parse_role(in->user.role));
  return Caller{.name = "user:" + in->user.name, .role = role};
}

bool valid_idempotency_key(std::string_view key) {
  return !key.empty() && key.size() <= 255 &&
         std::ranges::all_of(key, [](char c) { return c > 0x20 && c < 0x7f; });
}

}  // namespace

Service::Service(ServiceOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      sign_in_limiter_(options_.sign_in_overall, options_.sign_in_per_address, 10'000) {}

std::span<const Route> Service::routes() { return kRoutes; }

Step Service::handle(Store& store, const Request& request, std::string_view* route_name) const {
  if (route_name != nullptr) *route_name = "unmatched";
  auto target = parse_target(request.target);
  if (!target) return fail(Error{ErrorCode::invalid_argument, std::string(target.error().message)});
  const Route* found = nullptr;
  std::vector<std::string> params;
  std::string allow;
  for (const Route& route : kRoutes) {
    if (!matches(route.pattern, target->segments, params)) continue;
    if (route.method == request.method) {
      found = &route;
      break;
    }
    allow += allow.empty() ? std::string(route.method) : ", " + std::string(route.method);
  }
  if (found == nullptr) {
    if (allow.empty()) return fail(ErrorCode::not_found, "no such resource: {}", request.target);
    Error error{ErrorCode::not_allowed,
                fmt::format("{} is not allowed here; use {}", request.method, allow)};
    error.allowed = allow;
    return error;
  }
  if (route_name != nullptr) *route_name = found->pattern;
  auto caller = found->open ? Result<Caller>(Caller{.name = "anyone"})
                            : identify(store, request, found->write, unix_seconds(clock_.now()));
  if (!caller) return problem(caller.error());
  if (!found->open && !allows(caller->role, found->role)) {
    return fail(ErrorCode::permission_denied, "'{}' is a {}; this needs {}", caller->name,
                to_string(caller->role), to_string(found->role));
  }
  const bool key_sent = request.idempotency_key_sent || !request.idempotency_key.empty();
  if (!found->write && key_sent)
    return fail(ErrorCode::invalid_argument, "Idempotency-Key is for writes only");
  if (found->write && key_sent && !valid_idempotency_key(request.idempotency_key)) {
    return fail(ErrorCode::invalid_argument,
                "Idempotency-Key must be 1 to 255 visible ASCII characters");
  }
  Call call{.store = store,
            .request = request,
            .target = *target,
            .params = params,
            .caller = *caller,
            .mapping = MappingOptions{.now = clock_.now(), .calling_code = options_.calling_code}};
  Step step = found->handler(*this, call);
  if (auto* job = std::get_if<WriteJob>(&step);
      job != nullptr && !request.idempotency_key.empty()) {
    std::string fingerprint =
        fmt::format("{} {} {:016x}", request.method, request.target, hash64(request.body));
    return idempotent(std::move(*job), caller->name, request.idempotency_key,
                      std::move(fingerprint), unix_seconds(clock_.now()));
  }
  return step;
}

namespace {
constexpr std::int64_t kSignInWindow = 15 * 60;  // failures per name counted over 15 minutes
}  // namespace

std::int64_t Service::sign_in_wait(const std::string& name, std::int64_t now) const {
  std::lock_guard lock(failures_mutex_);
  const auto it = failures_.find(name);
  if (it == failures_.end()) return 0;
  if (now - it->second.first >= kSignInWindow) {
    failures_.erase(it);
    return 0;
  }
  return it->second.count >= 5 ? it->second.first + kSignInWindow - now : 0;
}

void Service::sign_in_failed(const std::string& name, std::int64_t now) const {
  std::lock_guard lock(failures_mutex_);
  if (failures_.size() >= kMaxSignInNames && !failures_.contains(name)) {
    std::erase_if(failures_,
                  [now](const auto& entry) { return now - entry.second.first >= kSignInWindow; });
    if (failures_.size() >= kMaxSignInNames) {
      failures_.erase(std::min_element(failures_.begin(), failures_.end(), [](auto& a, auto& b) {
        return a.second.first < b.second.first;
      }));
    }
  }
  Failures& f = failures_[name];
  if (f.count == 0) f.first = now;
  ++f.count;
}

void Service::sign_in_succeeded(const std::string& name) const {
  std::lock_guard lock(failures_mutex_);
  failures_.erase(name);
}

std::size_t Service::sign_in_names() const {
  std::lock_guard lock(failures_mutex_);
  return failures_.size();
}

std::int64_t Service::sign_in_attempt(std::string_view address) const {
  return sign_in_limiter_.take(address, static_cast<double>(unix_seconds(clock_.now())));
}

WriteJob Service::maintenance() const {
  const std::int64_t now = unix_seconds(clock_.now());
  return WriteJob([this, now](Store& store) -> Result<Reply> {
    VAFA_TRY(const app::MaintenanceSummary done, app::run_maintenance(context(store, now)));
    if (!done.due) return ok({{"sessions_ended", done.sessions_ended}});
    return ok({{"matured_points", done.due->matured_points},
               {"expired_points", done.due->expired_points},
               {"tier_changes", done.tier_changes},
               {"birthday_bonuses", done.birthday_bonuses},
               {"sessions_ended", done.sessions_ended}});
  });
}

std::variant<Reply, WriteJob> run_password_check(const PasswordCheck& check) {
  try {
    return check.run();
  } catch (const std::exception& e) {
    return problem(Error{ErrorCode::internal, fmt::format("uncaught exception: {}", e.what())});
  }
}

Reply run_slow_read(const SlowRead& read, Store& store) {
  try {
    Result<Reply> reply = read.run(store);
    return reply ? std::move(*reply) : problem(reply.error());
  } catch (const std::exception& e) {
    return problem(Error{ErrorCode::internal, fmt::format("uncaught exception: {}", e.what())});
  }
}

WriteJob idempotent(WriteJob job, std::string caller, std::string key, std::string fingerprint,
                    std::int64_t now) {
  return [job = std::move(job), caller = std::move(caller), key = std::move(key),
          fingerprint = std::move(fingerprint), now](Store& store) -> Result<Reply> {
    VAFA_TRY(const auto stored, store.stored_reply(caller, key));
    if (stored) {
      if (stored->fingerprint != fingerprint) {
        return fail(ErrorCode::invalid_fields,
                    "Idempotency-Key '{}' was used for a different request", key);
      }
      Reply replay{.status = stored->status, .body = stored->body};
      if (!stored->location.empty()) replay.headers.emplace_back("Location", stored->location);
      replay.headers.emplace_back("Idempotent-Replayed", "true");
      return replay;
    }
    VAFA_TRY(Reply reply, job(store));
    if (reply.status >= 200 && reply.status < 300) {
      std::string location;
      for (const auto& [name, value] : reply.headers) {
        if (name == "Location") location = value;
      }
      VAFA_CHECK(store.put_stored_reply(caller, key,
                                        StoredReply{.fingerprint = fingerprint,
                                                    .status = reply.status,
                                                    .body = reply.body,
                                                    .location = std::move(location),
                                                    .created_at = now}));
    }
    return reply;
  };
}

}  // namespace vafa::api
