// The conformance suite (fixture.hpp): imports, customers, orders, events, CLV predictions,
// recommendations, API writes, transactions and savepoints.
#include <map>

#include "vafa/store/conformance/fixture.hpp"

namespace vafa::conformance {
namespace {

TEST_P(StoreConformance, EmptyStoreHasZeroStats) {
  const StoreStats stats = store_->stats().value();
  EXPECT_EQ(stats.customers, 0);
  EXPECT_EQ(stats.orders, 0);
  EXPECT_FALSE(stats.first_order.has_value());
  EXPECT_TRUE(stats.revenue_minor.empty());
  EXPECT_GE(store_->schema_version().value(), 1);
}

TEST_P(StoreConformance, OrderRoundTripsWithLinesAndCreatesCustomerAndProducts) {
  const auto run = new_run();
  ASSERT_TRUE(store_->put_order(
      make_order("o1", "c1", day(2024, 2, 1), {line("A", 2, 150), line("B", 1, 999)}), run));
  const auto order = store_->get_order("o1").value();
  ASSERT_TRUE(order.has_value());
  EXPECT_EQ(order->customer_id, "c1");
  EXPECT_EQ(order->total_minor(), 1299);
  ASSERT_EQ(order->lines.size(), 2u);
  EXPECT_EQ(order->lines[1].product_sku, "B");
  EXPECT_EQ(order->lines[0].unit_price_minor, 150);
  const auto customer = store_->get_customer("c1").value();
  ASSERT_TRUE(customer.has_value());
  EXPECT_EQ(customer->created_at, day(2024, 2, 1));
  EXPECT_TRUE(store_->get_product("A").value().has_value());
  const StoreStats stats = store_->stats().value();
  EXPECT_EQ(stats.orders, 1);
  EXPECT_EQ(stats.order_lines, 2);
  EXPECT_EQ(stats.products, 2);
  EXPECT_EQ(stats.revenue_minor.at("USD"), 1299);
}

TEST_P(StoreConformance, SameRunAppendsLaterRunReplaces) {
  auto run = new_run();
  ASSERT_TRUE(store_->put_order(make_order("o1", "c1", day(2024, 2, 1), {line("A", 1, 100)}), run));
  ASSERT_TRUE(store_->put_order(make_order("o1", "c1", day(2024, 2, 1), {line("B", 1, 200)}), run));
  EXPECT_EQ(store_->get_order("o1").value()->lines.size(), 2u);
  EXPECT_EQ(store_->get_order("o1").value()->total_minor(), 300);
  // A new run re-importing the same two rows ends with the same order, not four lines.
  run = new_run();
  ASSERT_TRUE(store_->put_order(make_order("o1", "c1", day(2024, 2, 1), {line("A", 1, 100)}), run));
  ASSERT_TRUE(store_->put_order(make_order("o1", "c1", day(2024, 2, 1), {line("B", 1, 200)}), run));
  const auto order = store_->get_order("o1").value();
  EXPECT_EQ(order->lines.size(), 2u);
  EXPECT_EQ(store_->stats().value().revenue_minor.at("USD"), 300);
}

TEST_P(StoreConformance, CustomerCreatedAtIsEarliestSighting) {
  const auto run = new_run();
  ASSERT_TRUE(store_->put_order(make_order("o2", "c1", day(2024, 3, 1), {line("A", 1, 1)}), run));
  ASSERT_TRUE(store_->put_order(make_order("o1", "c1", day(2024, 1, 5), {line("A", 1, 1)}), run));
  EXPECT_EQ(store_->get_customer("c1").value()->created_at, day(2024, 1, 5));
}

TEST_P(StoreConformance, GuestOrdersAndReturnsAreCounted) {
  const auto run = new_run();
  ASSERT_TRUE(store_->put_order(make_order("g1", "", day(2024, 1, 1), {line("A", 1, 500)}), run));
  Order ret = make_order("r1", "c1", day(2024, 1, 2), {line("A", -1, 500)});
  ret.status = OrderStatus::returned;
  ASSERT_TRUE(store_->put_order(ret, run));
  const StoreStats stats = store_->stats().value();
  EXPECT_EQ(stats.guest_orders, 1);
  EXPECT_EQ(stats.returns, 1);
  EXPECT_EQ(stats.customers, 1);
  EXPECT_EQ(stats.revenue_minor.at("USD"), 500);
  EXPECT_EQ(stats.first_order, day(2024, 1, 1));
  EXPECT_EQ(stats.last_order, day(2024, 1, 2));
}

TEST_P(StoreConformance, ScansPlacedPurchasesByCustomerAndTime) {
  const auto run = new_run();
  ASSERT_TRUE(store_->put_order(make_order("o2", "c2", day(2024, 1, 5), {line("A", 1, 300)}), run));
  ASSERT_TRUE(store_->put_order(make_order("o1", "c1", day(2024, 1, 3), {line("A", 2, 100)}), run));
  ASSERT_TRUE(store_->put_order(make_order("o3", "c2", day(2024, 1, 4), {line("B", 1, 50)}), run));
  ASSERT_TRUE(store_->put_order(make_order("g1", "", day(2024, 1, 1), {line("A", 1, 500)}), run));
  Order cancelled = make_order("x1", "c1", day(2024, 1, 6), {line("A", 1, 100)});
  cancelled.status = OrderStatus::cancelled;
  ASSERT_TRUE(store_->put_order(cancelled, run));
  std::map<std::int64_t, std::string> ids;
  ASSERT_TRUE(store_->scan_customers([&](std::int64_t row, std::string_view id) -> Status {
    ids[row] = std::string(id);
    return {};
  }));
  ASSERT_EQ(ids.size(), 2u);
  std::vector<std::string> seen;
  ASSERT_TRUE(store_->scan_purchases([&](const PurchaseRecord& p) -> Status {
    seen.push_back(
        fmt::format("{}:{}:{}:{}", ids.at(p.customer), p.placed_at, p.total_minor, p.currency));
    return {};
  }));
  const auto at = [](Timestamp t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  };
  // c2 was created first (by o2), so its row id is lower.
  EXPECT_EQ(seen, (std::vector<std::string>{fmt::format("c2:{}:50:USD", at(day(2024, 1, 4))),
                                            fmt::format("c2:{}:300:USD", at(day(2024, 1, 5))),
                                            fmt::format("c1:{}:200:USD", at(day(2024, 1, 3)))}));
  // A visitor's error stops the scan and comes back.
  int visits = 0;
  auto stopped = store_->scan_purchases([&](const PurchaseRecord&) -> Status {
    ++visits;
    return fail(ErrorCode::aborted, "enough");
  });
  ASSERT_FALSE(stopped);
  EXPECT_EQ(visits, 1);
}

TEST_P(StoreConformance, RollbackUndoesWritesAndCaches) {
  const auto run = new_run();
  ASSERT_TRUE(store_->begin());
  ASSERT_TRUE(store_->put_order(make_order("o1", "c1", day(2024, 1, 1), {line("A", 1, 1)}), run));
  ASSERT_TRUE(store_->rollback());
  EXPECT_EQ(store_->stats().value().customers, 0);
  // The customer cache must not point at the rolled-back row.
  ASSERT_TRUE(store_->put_order(make_order("o1", "c1", day(2024, 1, 1), {line("A", 1, 1)}), run));
  EXPECT_EQ(store_->get_order("o1").value()->customer_id, "c1");
}

TEST_P(StoreConformance, CustomerUpsertMergesAndGuardsIdentities) {
  Customer a{.id = "c1", .created_at = day(2024, 1, 1), .name = "Ani"};
  a.identities.push_back(make_email_identity("ani@example.am").value());
  a.consent[Channel::email] = true;
  ASSERT_TRUE(store_->upsert_customer(a));
  Customer update{.id = "c1", .created_at = day(2024, 6, 1), .country = "AM"};
  update.consent[Channel::email] = false;
  ASSERT_TRUE(store_->upsert_customer(update));
  const Customer stored = *store_->get_customer("c1").value();
  EXPECT_EQ(stored.name, "Ani");
  EXPECT_EQ(stored.country, "AM");
  EXPECT_EQ(stored.created_at, day(2024, 1, 1));
  EXPECT_EQ(stored.consent.at(Channel::email), false);
  ASSERT_EQ(stored.identities.size(), 1u);
  Customer thief{.id = "c2", .created_at = day(2024, 1, 1)};
  thief.identities.push_back(make_email_identity("ANI@example.am").value());
  const auto result = store_->upsert_customer(thief);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::conflict);
  EXPECT_FALSE(store_->get_customer("c2").value().has_value());

  // Inside a caller's transaction the refused customer leaves no trace, and the transaction's
  // other writes survive.
  ASSERT_TRUE(store_->begin());
  ASSERT_TRUE(store_->upsert_product(Product{.sku = "p1", .name = "Tea"}));
  Customer second_thief{.id = "c3", .created_at = day(2024, 1, 1), .name = "X"};
  second_thief.identities.push_back(make_card_identity("vf-9").value());
  second_thief.identities.push_back(make_email_identity("ani@example.am").value());
  ASSERT_FALSE(store_->upsert_customer(second_thief));
  ASSERT_TRUE(store_->commit());
  EXPECT_FALSE(store_->get_customer("c3").value().has_value());
  EXPECT_TRUE(store_->get_product("p1").value().has_value());
  EXPECT_EQ(store_->stats().value().customers, 1);
  // The card went with the refused record: another customer may take it.
  Customer owner{.id = "c4", .created_at = day(2024, 1, 1)};
  owner.identities.push_back(make_card_identity("VF-9").value());
  EXPECT_TRUE(store_->upsert_customer(owner));
}

TEST_P(StoreConformance, EventsAreIdempotentById) {
  Event e{.id = "e1",
          .customer_id = "c9",
          .type = "review",
          .channel = Channel::app,
          .occurred_at = day(2024, 5, 1),
          .properties_json = R"({"stars":5})"};
  ASSERT_TRUE(store_->put_event(e));
  ASSERT_TRUE(store_->put_event(e));
  const auto events = store_->customer_events("c9").value();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].properties_json, R"({"stars":5})");
  EXPECT_EQ(store_->stats().value().events, 1);
}

TEST_P(StoreConformance, OccurrencesCountPerRun) {
  new_run();
  EXPECT_EQ(store_->next_occurrence(42).value(), 0);
  EXPECT_EQ(store_->next_occurrence(42).value(), 1);
  EXPECT_EQ(store_->next_occurrence(7).value(), 0);
  new_run();
  EXPECT_EQ(store_->next_occurrence(42).value(), 0);
}

TEST_P(StoreConformance, QuarantineIsReplacedPerSource) {
  auto run = new_run();
  ASSERT_TRUE(store_->put_rejected(run, {"test.csv", 3, "amount", "bad amount", "x"}));
  ASSERT_TRUE(store_->put_rejected(run, {"other.csv", 9, "", "too long", ""}));
  EXPECT_EQ(store_->rejected_rows("").value().size(), 2u);
  run = new_run();  // re-importing test.csv re-examines its rows
  EXPECT_EQ(store_->rejected_rows("test.csv").value().size(), 0u);
  EXPECT_EQ(store_->rejected_rows("other.csv").value().size(), 1u);
}

TEST_P(StoreConformance, ClvPredictionsAreReplacedWholeByEachRun) {
  const auto run = new_run();
  ASSERT_TRUE(store_->put_order(make_order("o1", "c1", day(2024, 1, 1), {line("A", 1, 1)}), run));
  ASSERT_TRUE(store_->put_order(make_order("o2", "c2", day(2024, 1, 2), {line("A", 1, 1)}), run));
  std::map<std::string, std::int64_t> rows;
  ASSERT_TRUE(store_->scan_customers([&](std::int64_t row, std::string_view id) -> Status {
    rows.emplace(id, row);
    return {};
  }));
  const ClvRun first{.model = "bgnbd",
                     .params_json = R"({"r":0.2})",
                     .calibration_end = 1700000000,
                     .unit = "week",
                     .horizon = 52,
                     .currency = "USD",
                     .created_at = 1700000100};
  ASSERT_TRUE(store_->put_clv_predictions(first, {{rows.at("c1"), 2, 10, 20, 0.75, 1.5, 2500, 3750},
                                                  {rows.at("c2"), 0, 0, 5, 1, 0.4}}));
  auto c1 = store_->get_clv_prediction("c1").value();
  ASSERT_TRUE(c1.has_value());
  EXPECT_EQ(c1->first.model, "bgnbd");
  EXPECT_EQ(c1->first.horizon, 52);
  EXPECT_EQ(c1->first.created_at, 1700000100);
  EXPECT_DOUBLE_EQ(c1->second.p_alive, 0.75);
  EXPECT_EQ(c1->second.clv_minor, 3750);
  EXPECT_FALSE(store_->get_clv_prediction("c2").value()->second.clv_minor.has_value());
  EXPECT_FALSE(store_->get_clv_prediction("nobody").value().has_value());
  // A new run replaces every row: c2 is not in it, so it has no prediction any more.
  ClvRun second = first;
  second.model = "pareto-nbd";
  ASSERT_TRUE(store_->put_clv_predictions(second, {{rows.at("c1"), 2, 10, 20, 0.5, 1.0}}));
  EXPECT_EQ(store_->get_clv_prediction("c1").value()->first.model, "pareto-nbd");
  EXPECT_FALSE(store_->get_clv_prediction("c2").value().has_value());
  // A rejected row (p_alive above 1) fails the run and keeps the previous one whole.
  ClvRun third = first;
  third.model = "mbgnbd";
  EXPECT_FALSE(store_->put_clv_predictions(
      third, {{rows.at("c2"), 0, 0, 5, 0.3, 0.1}, {rows.at("c1"), 2, 10, 20, 1.5, 1.0}}));
  EXPECT_EQ(store_->get_clv_prediction("c1").value()->first.model, "pareto-nbd");
  EXPECT_FALSE(store_->get_clv_prediction("c2").value().has_value());
}

TEST_P(StoreConformance, RecommendationInputsAndResultsRoundTrip) {
  const auto run = new_run();
  ASSERT_TRUE(store_->upsert_product({.sku = "B", .name = "Cup", .active = false}));
  ASSERT_TRUE(store_->put_order(
      make_order("o1", "c1", day(2024, 1, 2), {line("A", 2, 100), line("B", 1, 50)}), run));
  Order returned = make_order("r1", "c1", day(2024, 1, 9), {line("A", -1, 100)});
  returned.status = OrderStatus::returned;
  ASSERT_TRUE(store_->put_order(returned, run));
  ASSERT_TRUE(store_->put_order(make_order("g1", "", day(2024, 1, 3), {line("A", 1, 100)}), run));

  std::vector<OrderLineRecord> lines;
  ASSERT_TRUE(store_->scan_order_lines([&](const OrderLineRecord& l) -> Status {
    lines.push_back(l);
    return {};
  }));
  ASSERT_EQ(lines.size(), 3U);  // the guest's line is not there
  const std::int64_t a = store_->product_row("A").value().value();
  const std::int64_t b = store_->product_row("B").value().value();
  EXPECT_EQ(lines[0].product, a);
  EXPECT_EQ(lines[0].quantity, 2);
  EXPECT_EQ(lines[1].product, b);
  EXPECT_EQ(lines[2].quantity, -1);
  EXPECT_EQ(lines[2].status, OrderStatus::returned);
  EXPECT_FALSE(store_->product_row("Z").value().has_value());
  EXPECT_EQ(store_->product_sku(b).value(), "B");
  EXPECT_FALSE(store_->product_sku(b + 1000).value().has_value());

  std::map<std::string, bool> active;
  ASSERT_TRUE(store_->scan_products([&](const ProductRecord& p) -> Status {
    active.emplace(p.sku, p.active);
    return {};
  }));
  EXPECT_EQ(active, (std::map<std::string, bool>{{"A", true}, {"B", false}}));
  // An upsert without a status keeps the stored one.
  ASSERT_TRUE(store_->upsert_product({.sku = "B", .name = "Big cup"}));
  EXPECT_EQ(store_->get_product("B").value()->active, false);

  const std::int64_t c1 = store_->customer_row("c1").value().value();
  const RecommendModel model{.trained_at = 5, .params_json = "{}", .products = 2, .pairs = 1};
  const NeighbourRow neighbours[] = {{a, b, 0.9, 3, 2}, {b, a, 0.9, 3, 2}};
  const PopularRow popular[] = {{"all", a, 2}, {"all", b, 1}, {"country:IR", b, 1}};
  ASSERT_TRUE(store_->replace_recommend_model(model, neighbours, popular));
  const RecommendationRow recs[] = {{c1, b, 0.8, "similar", a}, {c1, a, 0.1, "popular", {}}};
  ASSERT_TRUE(store_->put_recommendations(recs));

  EXPECT_EQ(store_->recommend_model().value()->pairs, 1);
  std::vector<NeighbourRow> of_a;
  ASSERT_TRUE(store_->scan_neighbours(a, [&](const NeighbourRow& n) -> Status {
    of_a.push_back(n);
    return {};
  }));
  ASSERT_EQ(of_a.size(), 1U);
  EXPECT_EQ(of_a[0].neighbour, b);
  EXPECT_EQ(of_a[0].together, 2);
  const auto top = store_->popular_products("all", 1).value();
  ASSERT_EQ(top.size(), 1U);
  EXPECT_EQ(top[0].product, a);
  const auto mine = store_->recommendations_for(c1).value();
  ASSERT_EQ(mine.size(), 2U);
  EXPECT_EQ(mine[0].reason, "similar");
  EXPECT_EQ(mine[0].because, a);
  EXPECT_FALSE(mine[1].because.has_value());

  // A long list goes in 64 rows to a statement: ranks and order survive the batching.
  std::vector<RecommendationRow> many;
  for (int i = 0; i < 130; ++i) many.push_back({c1, i % 2 ? a : b, 1000.0 - i, "popular", {}});
  ASSERT_TRUE(store_->put_recommendations(many));
  const auto long_list = store_->recommendations_for(c1).value();
  ASSERT_EQ(long_list.size(), 130U);
  for (int i = 0; i < 130; ++i) EXPECT_EQ(long_list[static_cast<std::size_t>(i)].score, 1000.0 - i);

  // A new model replaces everything, customers' lists included.
  ASSERT_TRUE(store_->replace_recommend_model(model, {}, {}));
  EXPECT_TRUE(store_->recommendations_for(c1).value().empty());
  EXPECT_TRUE(store_->popular_products("all", 10).value().empty());
}

TEST_P(StoreConformance, ApiWritesFindIdentitiesChangeStatusesAndKeepReplies) {
  Customer a{.id = "c1", .created_at = day(2024, 1, 1)};
  a.identities.push_back(make_phone_identity("+37491123456").value());
  ASSERT_TRUE(store_->upsert_customer(a));
  EXPECT_EQ(store_->customer_with_identity(make_phone_identity("+374 91 123456").value()).value(),
            "c1");
  EXPECT_FALSE(
      store_->customer_with_identity(make_email_identity("x@y.am").value()).value().has_value());

  const auto run = new_run();
  ASSERT_TRUE(store_->put_order(make_order("o1", "c1", day(2024, 1, 2), {line("A", 2, 500)}), run));
  ASSERT_TRUE(store_->set_order_status("o1", OrderStatus::cancelled));
  ASSERT_TRUE(store_->set_order_status("o1", OrderStatus::cancelled));  // no change, no error
  EXPECT_EQ(store_->get_order("o1").value()->status, OrderStatus::cancelled);
  StoreStats stats = store_->stats().value();
  EXPECT_EQ(stats.returns, 1);
  EXPECT_EQ(stats.order_lines, 1);
  EXPECT_EQ(stats.revenue_minor.count("USD") ? stats.revenue_minor.at("USD") : 0, 0);
  const auto missing = store_->set_order_status("nope", OrderStatus::cancelled);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);

  const StoredReply reply{.fingerprint = "POST /api/v1/orders abc",
                          .status = 201,
                          .body = R"({"id":"o1"})",
                          .location = "/api/v1/orders/o1",
                          .created_at = 100};
  ASSERT_TRUE(store_->put_stored_reply("shop", "k-1", reply));
  const auto again = store_->put_stored_reply("shop", "k-1", reply);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  ASSERT_TRUE(store_->put_stored_reply("other", "k-1", reply));  // keys are per caller
  const auto stored = store_->stored_reply("shop", "k-1").value();
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, 201);
  EXPECT_EQ(stored->body, reply.body);
  EXPECT_EQ(stored->location, reply.location);
  EXPECT_EQ(stored->fingerprint, reply.fingerprint);
  EXPECT_FALSE(store_->stored_reply("shop", "k-2").value().has_value());
  EXPECT_EQ(store_->forget_stored_replies(100).value(), 0);
  EXPECT_EQ(store_->forget_stored_replies(101).value(), 2);
  EXPECT_FALSE(store_->stored_reply("shop", "k-1").value().has_value());
}

TEST_P(StoreConformance, SavepointUndoesOneRequestAndKeepsTheRest) {
  const auto run = new_run();
  ASSERT_TRUE(store_->begin());
  ASSERT_TRUE(store_->savepoint());
  ASSERT_TRUE(store_->put_order(make_order("o1", "c1", day(2024, 1, 2), {line("A", 1, 500)}), run));
  ASSERT_TRUE(store_->release_savepoint());
  ASSERT_TRUE(store_->savepoint());
  ASSERT_TRUE(store_->put_order(make_order("o2", "c2", day(2024, 1, 3), {line("B", 1, 700)}), run));
  ASSERT_TRUE(store_->rollback_to_savepoint());
  ASSERT_TRUE(store_->savepoint());
  // The customer cache must not remember c2, whose row was undone.
  ASSERT_TRUE(store_->put_order(make_order("o3", "c2", day(2024, 1, 4), {line("A", 2, 500)}), run));
  ASSERT_TRUE(store_->release_savepoint());
  ASSERT_TRUE(store_->commit());
  EXPECT_FALSE(store_->get_order("o2").value().has_value());
  EXPECT_TRUE(store_->get_order("o3").value().has_value());
  const StoreStats stats = store_->stats().value();
  EXPECT_EQ(stats.orders, 2);
  EXPECT_EQ(stats.customers, 2);
  EXPECT_EQ(stats.order_lines, 2);
  EXPECT_EQ(stats.revenue_minor.at("USD"), 1500);
  EXPECT_EQ(stats.last_order, day(2024, 1, 4));
  EXPECT_FALSE(store_->savepoint());  // only inside a transaction
}

TEST_P(StoreConformance, DataSurvivesReopen) {
  const auto run = new_run();
  ASSERT_TRUE(store_->put_order(make_order("o1", "c1", day(2024, 1, 1), {line("A", 1, 1)}), run));
  store_ = GetParam().open(dir_);
  EXPECT_EQ(store_->stats().value().orders, 1);
}

}  // namespace
}  // namespace vafa::conformance
