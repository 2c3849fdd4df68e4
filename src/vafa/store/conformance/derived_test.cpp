// The conformance suite (fixture.hpp): the analytics reads, derived rows and state, change
// marks, stored CLV runs, segments with their history, marketing spend, dashboard views and the
// paged customer table.
#include "vafa/store/conformance/fixture.hpp"

namespace vafa::conformance {
namespace {

constexpr std::int64_t T = 1'700'000'000;

CustomerMetrics metrics(std::int64_t customer, std::int64_t orders, std::int64_t net,
                        double churn) {
  CustomerMetrics m{.customer = customer, .as_of = T, .orders = orders};
  m.revenue_minor = net;
  m.net_revenue_minor = net;
  m.rfm_group = "champions";
  m.stage = "active";
  m.score = static_cast<double>(orders) / 10;
  m.advocacy = "promoter";
  m.churn_risk = churn;
  return m;
}

TEST_P(StoreConformance, AnalyticsReadsScanOrdersEventsAndProfilesByCustomer) {
  const auto run = new_run();
  const std::int64_t a = add_customer("a");
  Customer b{.id = "b", .created_at = day(2024, 1, 2), .name = "Bé", .locale = "fa-IR"};
  b.country = "IR";
  b.consent = {{Channel::email, true}, {Channel::sms, false}};
  ASSERT_TRUE(store_->upsert_customer(b));
  const std::int64_t b_row = store_->customer_row("b").value().value();
  ASSERT_TRUE(store_->put_order(make_order("O1", "a", day(2024, 2, 1), {line("A", 1, 100)}), run));
  ASSERT_TRUE(store_->put_order(make_order("O2", "b", day(2024, 2, 2), {line("A", 2, 100)}), run));
  ASSERT_TRUE(store_->set_order_status("O2", OrderStatus::returned));
  EXPECT_FALSE(store_->last_event_time().value());
  for (auto [id, who, d] : {std::tuple{"E1", "a", 3U}, {"E2", "b", 5U}, {"E3", "a", 4U}}) {
    ASSERT_TRUE(store_->put_event(Event{.id = id,
                                        .customer_id = who,
                                        .type = "page_view",
                                        .channel = Channel::web,
                                        .occurred_at = day(2024, 3, d),
                                        .properties_json = R"({"page":"/"})"}));
  }
  EXPECT_EQ(store_->last_event_time().value(), day(2024, 3, 5));

  std::vector<std::string> orders;
  ASSERT_TRUE(store_->scan_orders(std::nullopt, [&](const OrderRecord& r) {
    orders.push_back(std::string(r.id) + ":" + std::string(to_string(r.status)));
    return Status{};
  }));
  EXPECT_EQ(orders, (std::vector<std::string>{"O1:placed", "O2:returned"}));
  int of_b = 0;
  ASSERT_TRUE(store_->scan_orders(b_row, [&](const OrderRecord& r) {
    EXPECT_EQ(r.customer, b_row);
    EXPECT_EQ(r.total_minor, 200);
    EXPECT_EQ(r.currency, "USD");
    ++of_b;
    return Status{};
  }));
  EXPECT_EQ(of_b, 1);

  std::vector<std::string> events;
  ASSERT_TRUE(store_->scan_events(std::nullopt, [&](const EventRecord& r) {
    events.push_back(std::string(r.id));
    return Status{};
  }));
  EXPECT_EQ(events, (std::vector<std::string>{"E1", "E3", "E2"}));  // by customer, then time
  ASSERT_TRUE(store_->scan_events(a, [&](const EventRecord& r) {
    EXPECT_EQ(r.properties, R"({"page":"/"})");
    EXPECT_EQ(r.type, "page_view");
    return Status{};
  }));

  std::vector<std::int64_t> rows;
  ASSERT_TRUE(store_->scan_customer_records(std::nullopt, [&](const CustomerRecord& r) {
    rows.push_back(r.row);
    if (r.id == "b") {
      EXPECT_EQ(r.country, "IR");
      EXPECT_EQ(r.locale, "fa-IR");
      EXPECT_EQ(r.name, "Bé");
      const auto email = 1U << static_cast<int>(Channel::email);
      const auto sms = 1U << static_cast<int>(Channel::sms);
      EXPECT_EQ(r.consent_asked, email | sms);
      EXPECT_EQ(r.consent_granted, email);
    }
    return Status{};
  }));
  EXPECT_EQ(rows, (std::vector<std::int64_t>{a, b_row}));
  // A visitor's error stops the scan and comes back.
  int visited = 0;
  const Status stopped = store_->scan_customer_records(std::nullopt, [&](const CustomerRecord&) {
    ++visited;
    return Status(fail(ErrorCode::aborted, "enough"));
  });
  EXPECT_EQ(stopped.error().code, ErrorCode::aborted);
  EXPECT_EQ(visited, 1);
}

TEST_P(StoreConformance, DerivedRowsStateAndChangeMarks) {
  const auto run = new_run();
  const std::int64_t a = add_customer("a");
  const CustomerMetrics m = metrics(a, 3, 4'500, 0.25);
  ASSERT_TRUE(store_->put_customer_metrics(m));
  EXPECT_EQ(store_->get_customer_metrics(a).value(), m);
  CustomerMetrics later = m;
  later.orders = 4;
  later.nps = 9;
  later.cycle_days = 12.5;
  ASSERT_TRUE(store_->put_customer_metrics(later));  // replaces
  EXPECT_EQ(store_->get_customer_metrics(a).value(), later);
  EXPECT_FALSE(store_->get_customer_metrics(a + 100).value());
  int scanned = 0;
  ASSERT_TRUE(store_->scan_customer_metrics([&](const CustomerMetrics& row) {
    EXPECT_EQ(row, later);
    ++scanned;
    return Status{};
  }));
  EXPECT_EQ(scanned, 1);

  EXPECT_FALSE(store_->get_state("config").value());
  ASSERT_TRUE(store_->put_state("config", R"({"a":1})"));
  ASSERT_TRUE(store_->put_state("config", R"({"a":2})"));
  EXPECT_EQ(store_->get_state("config").value(), R"({"a":2})");

  // Every write of a customer's facts marks them; clearing up to a seq keeps later marks.
  auto changes = store_->changed_customers().value();
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes.back().second, a);
  ASSERT_TRUE(store_->clear_changes(store_->last_change_seq().value()));
  EXPECT_TRUE(store_->changed_customers().value().empty());
  const std::int64_t seq = store_->last_change_seq().value();
  ASSERT_TRUE(store_->put_order(make_order("O1", "a", day(2024, 2, 1), {line("A", 1, 1)}), run));
  changes = store_->changed_customers().value();
  ASSERT_EQ(changes.size(), 1U);
  EXPECT_GT(changes[0].first, seq);
  EXPECT_EQ(changes[0].second, a);
  const std::int64_t order_seq = changes[0].first;
  ASSERT_TRUE(store_->put_event(
      Event{.id = "E1", .customer_id = "a", .type = "review", .occurred_at = day(2024, 2, 2)}));
  changes = store_->changed_customers().value();
  ASSERT_EQ(changes.size(), 1U);  // one mark per customer, at its latest change
  EXPECT_GT(changes[0].first, order_seq);
  ASSERT_TRUE(store_->clear_changes(order_seq));  // older than the mark: it stays
  EXPECT_EQ(store_->changed_customers().value().size(), 1U);
}

TEST_P(StoreConformance, StoredClvRunIsScannedByCustomer) {
  const std::int64_t a = add_customer("a");
  const std::int64_t b = add_customer("b");
  EXPECT_FALSE(store_->latest_clv_run().value());
  const ClvRun run{.model = "bgnbd",
                   .params_json = R"({"r":0.24})",
                   .calibration_end = T,
                   .unit = "week",
                   .horizon = 52,
                   .discount_rate = 0.01,
                   .currency = "USD",
                   .created_at = T + 1};
  ASSERT_TRUE(store_->put_clv_predictions(
      run, {ClvPrediction{.customer = a, .p_alive = 0.9, .clv_minor = 1'000},
            ClvPrediction{.customer = b, .p_alive = 0.2, .clv_minor = std::nullopt}}));
  const auto latest = store_->latest_clv_run().value();
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->model, "bgnbd");
  EXPECT_EQ(latest->horizon, 52);
  EXPECT_EQ(latest->currency, "USD");
  std::vector<std::int64_t> rows;
  ASSERT_TRUE(store_->scan_clv_predictions(std::nullopt, [&](const ClvPrediction& p) {
    rows.push_back(p.customer);
    return Status{};
  }));
  EXPECT_EQ(rows, (std::vector<std::int64_t>{a, b}));
  ASSERT_TRUE(store_->scan_clv_predictions(b, [&](const ClvPrediction& p) {
    EXPECT_EQ(p.customer, b);
    EXPECT_DOUBLE_EQ(p.p_alive, 0.2);
    EXPECT_FALSE(p.clv_minor);
    return Status{};
  }));
}

TEST_P(StoreConformance, SegmentsKeepMembersHistoryAndSizes) {
  const std::int64_t a = add_customer("a");
  const std::int64_t b = add_customer("b");
  const Segment vip{
      .name = "vip", .rule = "orders > 1", .description = "regulars", .created_at = T};
  const std::int64_t id = store_->create_segment(vip).value();
  EXPECT_EQ(store_->create_segment(vip).error().code, ErrorCode::conflict);
  const std::int64_t other =
      store_->create_segment(Segment{.name = "new", .rule = "orders = 0", .created_at = T}).value();
  EXPECT_EQ(store_->segments().value().size(), 2U);
  EXPECT_FALSE(store_->get_segment("vip").value()->evaluated_at);

  const std::vector<std::int64_t> both{a, b}, none, only_a{a};
  ASSERT_TRUE(store_->apply_segment_changes(id, both, none, T + 10));
  ASSERT_TRUE(store_->apply_segment_changes(other, only_a, none, T + 10));
  const auto read = store_->get_segment("vip").value();
  ASSERT_TRUE(read);
  EXPECT_EQ(read->members, 2);
  EXPECT_EQ(read->evaluated_at, T + 10);
  EXPECT_EQ(read->rule, "orders > 1");
  EXPECT_EQ(read->description, "regulars");
  std::vector<std::int64_t> members;
  ASSERT_TRUE(store_->scan_segment_members(id, [&](std::int64_t customer, std::int64_t since) {
    members.push_back(customer);
    EXPECT_EQ(since, T + 10);
    return Status{};
  }));
  EXPECT_EQ(members, both);
  const auto first = store_->segment_members(id, 0, 1).value();
  ASSERT_EQ(first.size(), 1U);
  EXPECT_EQ(first[0].customer_id, "a");
  const auto next = store_->segment_members(id, first[0].customer, 10).value();
  ASSERT_EQ(next.size(), 1U);
  EXPECT_EQ(next[0].customer, b);
  EXPECT_EQ(store_->customer_segments(a).value().size(), 2U);

  ASSERT_TRUE(store_->apply_segment_changes(id, none, only_a, T + 20));
  EXPECT_EQ(store_->get_segment("vip").value()->members, 1);
  EXPECT_EQ(store_->customer_segments(a).value(), std::vector<std::int64_t>{other});
  const auto history = store_->segment_history(id, 0, 10).value();
  ASSERT_EQ(history.size(), 3U);
  EXPECT_TRUE(history[0].entered);
  EXPECT_FALSE(history[2].entered);
  EXPECT_EQ(history[2].customer, a);
  EXPECT_EQ(history[2].at, T + 20);
  EXPECT_EQ(store_->segment_history(0, 0, 10).value().size(), 4U);  // every segment
  EXPECT_EQ(store_->segment_history(0, history[1].id, 10).value().size(), 2U);
  EXPECT_EQ(store_->segment_history(id, 0, 2).value().size(), 2U);
  const auto sizes = store_->segment_sizes(id).value();
  ASSERT_EQ(sizes.size(), 2U);
  EXPECT_EQ(sizes[0], std::pair(T + 10, std::int64_t{2}));
  EXPECT_EQ(sizes[1], std::pair(T + 20, std::int64_t{1}));

  ASSERT_TRUE(store_->delete_segment("vip"));
  EXPECT_EQ(store_->delete_segment("vip").error().code, ErrorCode::not_found);
  EXPECT_FALSE(store_->get_segment("vip").value());
  EXPECT_TRUE(store_->customer_segments(b).value().empty());
  EXPECT_EQ(store_->segment_history(0, 0, 10).value().size(), 1U);  // the other's only
}

TEST_P(StoreConformance, SpendAddsWithinARunAndIsReplacedByAnother) {
  const auto first = new_run();
  const auto second = new_run();
  const SpendRecord part{
      .day = T, .channel = "email", .campaign = "spring", .currency = "USD", .amount_minor = 100};
  ASSERT_TRUE(store_->put_spend(part, first));
  ASSERT_TRUE(store_->put_spend(part, first));  // a day's spend listed in parts
  SpendRecord other_day = part;
  other_day.day = T + 86'400;
  ASSERT_TRUE(store_->put_spend(other_day, first));
  auto total_of = [&](std::int64_t when) {
    std::int64_t total = -1;
    EXPECT_TRUE(store_->scan_spend([&](const SpendRecord& r) {
      if (r.day == when) total = r.amount_minor;
      EXPECT_EQ(r.channel, "email");
      EXPECT_EQ(r.campaign, "spring");
      return Status{};
    }));
    return total;
  };
  EXPECT_EQ(total_of(T), 200);
  SpendRecord corrected = part;
  corrected.amount_minor = 150;
  ASSERT_TRUE(store_->put_spend(corrected, second));  // the corrected file
  EXPECT_EQ(total_of(T), 150);
  EXPECT_EQ(total_of(T + 86'400), 100);
}

TEST_P(StoreConformance, DashboardViewsAndThePagedCustomerTable) {
  EXPECT_FALSE(store_->dashboard_view("overview").value());
  ASSERT_TRUE(store_->put_dashboard_view(
      DashboardView{.name = "overview", .as_of = T, .computed_at = T + 1, .body = "{}"}));
  ASSERT_TRUE(store_->put_dashboard_view(
      DashboardView{.name = "overview", .as_of = T + 5, .computed_at = T + 6, .body = "[1]"}));
  const auto view = store_->dashboard_view("overview").value();
  ASSERT_TRUE(view);
  EXPECT_EQ(view->as_of, T + 5);
  EXPECT_EQ(view->body, "[1]");

  std::vector<std::int64_t> rows;
  for (int i = 0; i < 5; ++i) {
    rows.push_back(add_customer("c" + std::to_string(i)));
    ASSERT_TRUE(store_->put_customer_metrics(metrics(rows.back(), i, 1'000 * (i % 3), 0.1 * i)));
  }
  add_customer("no-metrics");
  ASSERT_TRUE(store_->put_clv_predictions(
      ClvRun{.model = "bgnbd", .unit = "week", .horizon = 52, .created_at = T},
      {ClvPrediction{.customer = rows[1], .p_alive = 0.5, .clv_minor = 700},
       ClvPrediction{.customer = rows[3], .p_alive = 0.7, .clv_minor = 900},
       ClvPrediction{.customer = rows[4], .p_alive = 0.1, .clv_minor = std::nullopt}}));

  // Net revenue 0, 1000, 2000, 0, 1000: ties broken by row, in the same direction.
  CustomerPageQuery query{.sort = CustomerSort::net_revenue, .descending = true, .limit = 2};
  auto page = store_->customer_page(query).value();
  ASSERT_EQ(page.size(), 2U);
  EXPECT_EQ(page[0].row, rows[2]);
  EXPECT_EQ(page[1].row, rows[4]);
  EXPECT_EQ(page[0].customer_id, "c2");
  EXPECT_EQ(page[0].net_revenue_minor, 2'000);
  EXPECT_DOUBLE_EQ(page[0].sort_value, 2'000);
  query.after = std::pair(page[1].sort_value, page[1].row);
  query.limit = 10;
  page = store_->customer_page(query).value();
  ASSERT_EQ(page.size(), 3U);
  EXPECT_EQ(page[0].row, rows[1]);
  EXPECT_EQ(page[0].clv_minor, 700);
  EXPECT_EQ(page[0].p_alive, 0.5);
  EXPECT_EQ(page[1].row, rows[3]);
  EXPECT_EQ(page[2].row, rows[0]);
  EXPECT_FALSE(page[2].clv_minor);

  page = store_
             ->customer_page(CustomerPageQuery{
                 .sort = CustomerSort::churn_risk, .descending = false, .limit = 1})
             .value();
  ASSERT_EQ(page.size(), 1U);
  EXPECT_EQ(page[0].row, rows[0]);
  page = store_->customer_page(CustomerPageQuery{.sort = CustomerSort::clv}).value();
  ASSERT_EQ(page.size(), 2U);  // only customers with a CLV
  EXPECT_EQ(page[0].row, rows[3]);
  EXPECT_EQ(page[1].row, rows[1]);
  for (CustomerSort sort : {CustomerSort::orders, CustomerSort::score}) {
    page = store_->customer_page(CustomerPageQuery{.sort = sort, .limit = 50}).value();
    ASSERT_EQ(page.size(), 5U);
    EXPECT_EQ(page[0].row, rows[4]);  // the most orders and the highest score
  }
}

}  // namespace
}  // namespace vafa::conformance
