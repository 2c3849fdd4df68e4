#include "vafa/ingest/importer.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vafa/store/testing.hpp"

namespace vafa::ingest {
namespace {

using ::testing::HasSubstr;

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vafa-importer-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = open_test_store(dir_, "test");
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string write(const std::string& name, const std::string& text) {
    const auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  Result<ImportSummary> run(ImportKind kind, const std::string& path,
                            std::vector<std::string> mapping = {},
                            std::function<void(ImportOptions&)> adjust = {}) {
    ImportOptions options;
    options.kind = kind;
    options.path = path;
    options.source.mapping = std::move(mapping);
    options.currency = "USD";
    if (adjust) adjust(options);
    return import_file(*store_, options, clock_);
  }

  StoreStats stats() { return store_->stats().value(); }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  ManualClock clock_{Timestamp{std::chrono::seconds{1'700'000'000}}};
};

TEST_F(ImporterTest, GroupsLinesIntoOrdersWithGuestsReturnsAndCancellations) {
  const auto path = write("orders.csv",
                          "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,"
                          "CustomerID,Country\n"
                          "536365,85123A,WHITE HEART,6,2010-12-01 08:26:00,2.55,17850,GB\n"
                          "536365,71053,WHITE LANTERN,6,2010-12-01 08:26:00,3.39,17850,GB\n"
                          "536366,22633,HAND WARMER,6,2010-12-01 08:28:00,1.85,,GB\n"
                          "C536379,D,Discount,-1,2010-12-01 09:41:00,27.50,14527,GB\n"
                          "536380,85123A,WHITE HEART,-2,2010-12-01 10:00:00,2.55,17850,GB\n");
  auto summary = run(ImportKind::orders, path, {}, [](ImportOptions& o) {
    o.cancel_prefix = "C";
    o.date_format = "%Y-%m-%d %H:%M:%S";
  });
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->counts.records, 5);
  EXPECT_EQ(summary->counts.accepted, 5);
  EXPECT_EQ(summary->orders, 4);
  EXPECT_EQ(summary->guest_orders, 1);
  EXPECT_EQ(summary->returns, 2);

  auto order = store_->get_order("536365").value();
  ASSERT_TRUE(order);
  EXPECT_EQ(order->customer_id, "17850");
  ASSERT_EQ(order->lines.size(), 2u);
  EXPECT_EQ(order->lines[0].amount_minor, 6 * 255);
  EXPECT_EQ(order->lines[1].unit_price_minor, 339);
  EXPECT_EQ(order->total_minor(), 6 * 255 + 6 * 339);
  EXPECT_EQ(order->country, "GB");
  EXPECT_EQ(format_iso8601(order->placed_at), "2010-12-01T08:26:00Z");
  EXPECT_EQ(store_->get_order("C536379").value()->status, OrderStatus::cancelled);
  EXPECT_EQ(store_->get_order("536380").value()->status, OrderStatus::returned);
  EXPECT_TRUE(store_->get_order("536366").value()->is_guest());
  auto product = store_->get_product("85123A").value();
  ASSERT_TRUE(product);
  EXPECT_EQ(product->name, "WHITE HEART");

  const StoreStats s = stats();
  EXPECT_EQ(s.orders, 4);
  EXPECT_EQ(s.order_lines, 5);
  EXPECT_EQ(s.guest_orders, 1);
  EXPECT_EQ(s.customers, 2);
  EXPECT_EQ(s.revenue_minor.at("USD"), 6 * 255 + 6 * 339 + 6 * 185);
}

TEST_F(ImporterTest, AHugeOrderIsWrittenInPartsAndStaysOneOrder) {
  std::string text = "order,customer,time,amount\n";
  for (int i = 0; i < 25'000; ++i) text += "big,c1,2024-01-01T10:00:00Z,0.01\n";
  text += "next,c2,2024-01-02,1.00\n";
  auto summary = run(ImportKind::orders, write("big.csv", text));
  ASSERT_TRUE(summary) << summary.error().message;
  auto order = store_->get_order("big").value();
  ASSERT_TRUE(order);
  EXPECT_EQ(order->lines.size(), 25'000u);
  EXPECT_EQ(order->total_minor(), 25'000);
  EXPECT_EQ(stats().orders, 2);
}

TEST_F(ImporterTest, RowPerOrderFileKeepsIdenticalRowsApartAndReimportIsIdempotent) {
  const auto path = write("cdnow.txt",
                          " customer_id  date number_of_cds  dollar_value\r\n"
                          " 00001 19970101  1   11.77\r\n"
                          " 00002 19970112  1   12.00\r\n"
                          " 00002 19970112  1   12.00\r\n"
                          " 00003 19970102  2   20.76\r\n");
  const std::vector<std::string> map = {
      "customer=customer_id,time=date,quantity=number_of_cds,amount=dollar_value"};
  auto whitespace = [](ImportOptions& o) {
    o.source.dialect = parse_delimiter("whitespace").value();
    o.date_format = "yyyymmdd";
  };
  ASSERT_TRUE(run(ImportKind::orders, path, map, whitespace));
  const StoreStats first = stats();
  EXPECT_EQ(first.customers, 3);
  EXPECT_EQ(first.orders, 4);
  EXPECT_EQ(first.revenue_minor.at("USD"), 1177 + 1200 + 1200 + 2076);
  ASSERT_TRUE(run(ImportKind::orders, path, map, whitespace));
  const StoreStats second = stats();
  EXPECT_EQ(second.orders, first.orders);
  EXPECT_EQ(second.order_lines, first.order_lines);
  EXPECT_EQ(second.revenue_minor, first.revenue_minor);
}

TEST_F(ImporterTest, BadRowsAreQuarantinedWithLineColumnAndReasonAndGoodRowsLand) {
  const auto path = write("bad.csv",
                          "order,customer,time,amount\n"
                          "1,a,2024-01-01,10.00\n"        // 2 ok
                          "2,b,2024-13-01,10.00\n"        // 3 bad month
                          "3,c,2024-01-02,ten\n"          // 4 bad amount
                          "4,d,2024-01-03\n"              // 5 wrong column count
                          "5,\xff\xfe,2024-01-04,1.00\n"  // 6 invalid UTF-8
                          "6,e,,1.00\n"                   // 7 missing time
                          "7,f,2024-01-05,1.005\n"        // 8 too many decimals
                          "8,g,2024-01-06,\"1.00\"x\n"    // 9 bad quoting
                          "9,h,2024-01-07,2.50\n");       // 10 ok
  auto summary = run(ImportKind::orders, path);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->counts.records, 9);
  EXPECT_EQ(summary->counts.accepted, 2);
  EXPECT_EQ(summary->counts.rejected, 7);
  auto rejected = store_->rejected_rows("").value();
  ASSERT_EQ(rejected.size(), 7u);
  std::vector<std::int64_t> lines;
  for (const auto& r : rejected) lines.push_back(r.line);
  EXPECT_EQ(lines, (std::vector<std::int64_t>{3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(rejected[0].column, "time");
  EXPECT_EQ(rejected[1].column, "amount");
  EXPECT_THAT(rejected[2].reason, HasSubstr("expected 4 fields, found 3"));
  EXPECT_EQ(rejected[3].reason, "invalid UTF-8");
  EXPECT_EQ(rejected[3].column, "customer");
  EXPECT_EQ(rejected[3].raw, "5,\\xFF\\xFE,2024-01-04,1.00");
  EXPECT_EQ(rejected[4].reason, "time is missing");
  EXPECT_EQ(rejected[5].column, "amount");
  EXPECT_THAT(rejected[6].reason, HasSubstr("closing quote"));
  EXPECT_EQ(rejected[0].source, std::filesystem::canonical(path).string());
  EXPECT_EQ(stats().orders, 2);

  // Importing again replaces the quarantine of that file rather than adding to it.
  ASSERT_TRUE(run(ImportKind::orders, path));
  EXPECT_EQ(store_->rejected_rows("").value().size(), 7u);
}

TEST_F(ImporterTest, MaxErrorsRollsBackTheWholeFile) {
  const auto path = write("bad.csv",
                          "order,customer,time,amount\n"
                          "1,a,2024-01-01,10.00\n"
                          "2,b,nope,10.00\n"
                          "3,c,2024-01-02,x\n"
                          "4,c,2024-01-02,1\n");
  auto summary = run(ImportKind::orders, path, {}, [](ImportOptions& o) { o.max_errors = 1; });
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->status, ImportStatus::aborted);
  EXPECT_EQ(stats().orders, 0);
  EXPECT_EQ(stats().customers, 0);

  auto lenient = run(ImportKind::orders, path, {}, [](ImportOptions& o) { o.max_errors = 2; });
  ASSERT_TRUE(lenient);
  EXPECT_EQ(lenient->status, ImportStatus::completed);
  EXPECT_EQ(stats().orders, 2);
}

// Stops the import from inside, as a signal handler would, after the first committed batch.
class CancelAfterProgress final : public ImportObserver {
 public:
  explicit CancelAfterProgress(std::atomic<bool>& cancel) : cancel_(cancel) {}
  void on_progress(std::int64_t, std::int64_t records) override {
    if (records >= 2048) cancel_.store(true);
  }

 private:
  std::atomic<bool>& cancel_;
};

TEST_F(ImporterTest, CancelKeepsCommittedBatchesAndReimportCompletes) {
  std::string text = "order,customer,time,amount\n";
  for (int i = 0; i < 20'000; ++i) {
    text += fmt::format("o{},c{},2024-01-01T10:00:00Z,1.00\n", i, i % 500);
  }
  const auto path = write("many.csv", text);
  std::atomic<bool> cancel{false};
  CancelAfterProgress observer(cancel);
  ImportOptions options;
  options.kind = ImportKind::orders;
  options.path = path;
  options.currency = "USD";
  options.batch_rows = 1000;
  options.cancel = &cancel;
  auto summary = import_file(*store_, options, clock_, &observer);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_TRUE(summary->interrupted);
  EXPECT_EQ(summary->status, ImportStatus::aborted);
  const std::int64_t kept = stats().orders;
  EXPECT_GT(kept, 0);
  EXPECT_LT(kept, 20'000);
  EXPECT_EQ(summary->counts.accepted, kept);  // the counts are what was committed

  cancel.store(false);
  auto again = import_file(*store_, options, clock_);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->interrupted);
  EXPECT_EQ(stats().orders, 20'000);
  EXPECT_EQ(stats().revenue_minor.at("USD"), 20'000 * 100);
}

TEST_F(ImporterTest, MappingProblemsAreErrorsBeforeAnythingIsWritten) {
  const auto good = write("good.csv", "id,when,total\n1,2024-01-01,5\n");
  auto missing_column = run(ImportKind::orders, good, {"order=id,time=date,amount=total"});
  ASSERT_FALSE(missing_column);
  EXPECT_THAT(missing_column.error().message, HasSubstr("has no column 'date'"));
  EXPECT_THAT(missing_column.error().message, HasSubstr("id, when, total"));

  auto unknown_field = run(ImportKind::orders, good, {"ordr=id"});
  ASSERT_FALSE(unknown_field);
  EXPECT_THAT(unknown_field.error().message, HasSubstr("unknown field 'ordr'"));

  auto no_time = run(ImportKind::orders, good, {"order=id,amount=total"});
  ASSERT_FALSE(no_time);
  EXPECT_THAT(no_time.error().message, HasSubstr("field 'time' is required"));

  auto index_too_big = run(ImportKind::orders, good, {"time=7"});
  ASSERT_FALSE(index_too_big);
  EXPECT_THAT(index_too_big.error().message, HasSubstr("only 3 columns"));

  auto empty = run(ImportKind::orders, write("empty.csv", ""));
  ASSERT_FALSE(empty);
  EXPECT_THAT(empty.error().message, HasSubstr("is empty"));

  auto absent = run(ImportKind::orders, (dir_ / "absent.csv").string());
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().code, ErrorCode::not_found);

  auto no_currency =
      run(ImportKind::orders, good, {"time=when"}, [](ImportOptions& o) { o.currency.clear(); });
  ASSERT_FALSE(no_currency);
  EXPECT_THAT(no_currency.error().message, HasSubstr("--currency"));

  EXPECT_EQ(stats().orders, 0);
  EXPECT_EQ(stats().rejected_rows, 0);

  // The same file with a correct mapping by index, without a header.
  const auto headless = write("headless.csv", "1,2024-01-01,5\n2,2024-01-02,6\n");
  auto by_index = run(ImportKind::orders, headless, {"order=1,time=2,amount=3"},
                      [](ImportOptions& o) { o.source.header = false; });
  ASSERT_TRUE(by_index) << by_index.error().message;
  EXPECT_EQ(stats().orders, 2);
}

TEST_F(ImporterTest, CustomersWithIdentitiesAndConsent) {
  const auto path = write("customers.csv",
                          "customer_id,name,email,phone,card,country,birthday,consent_email,"
                          "consent_sms,external\n"
                          "c1,\"Rezaei, Ali\",Ali@Example.COM,0912 345 6789,vf-1,ir,1990-05-01,"
                          "yes,no,shopify:987\n"
                          "c2,Ani,ani@example.com,,,,not-a-date,,,\n"
                          "c3,Aram,ali@example.com,,,AM,,,,\n"
                          "c4,Bad,no-at-sign,,,,,,,\n");
  auto summary =
      run(ImportKind::customers, path, {}, [](ImportOptions& o) { o.calling_code = "98"; });
  ASSERT_TRUE(summary) << summary.error().message;
  // c2's birthday is an optional value: dropped with a warning, the customer kept.
  EXPECT_EQ(summary->counts.accepted, 2);
  EXPECT_EQ(summary->counts.rejected, 2);
  EXPECT_EQ(summary->counts.warnings, 1);
  auto c2 = store_->get_customer("c2").value();
  ASSERT_TRUE(c2);
  EXPECT_FALSE(c2->birthday);
  auto c1 = store_->get_customer("c1").value();
  ASSERT_TRUE(c1);
  EXPECT_EQ(c1->name, "Rezaei, Ali");
  EXPECT_EQ(c1->country, "IR");
  ASSERT_TRUE(c1->birthday);
  EXPECT_EQ(format_date(*c1->birthday), "1990-05-01");
  EXPECT_EQ(c1->consent.at(Channel::email), true);
  EXPECT_EQ(c1->consent.at(Channel::sms), false);
  std::vector<std::string> keys;
  for (const auto& id : c1->identities) keys.push_back(id.key());
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"card:VF-1", "email:ali@example.com",
                                            "external:shopify:987", "phone:+989123456789"}));
  auto rejected = store_->rejected_rows("").value();
  ASSERT_EQ(rejected.size(), 2u);
  EXPECT_THAT(rejected[0].reason, HasSubstr("already belongs to customer 'c1'"));
  EXPECT_EQ(rejected[1].column, "email");
}

TEST_F(ImporterTest, ProductsAndEventsFromNdjson) {
  const auto products =
      write("products.csv", "sku;name;category;price\nP1;Tea;grocery;4.50\nP2;Cup;home;-1\n");
  auto p = run(ImportKind::products, products, {},
               [](ImportOptions& o) { o.source.dialect.delimiter = ';'; });
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->counts.accepted, 1);
  EXPECT_EQ(store_->get_product("P1").value()->price->minor_units(), 450);

  const auto events = write(
      "events.ndjson",
      "{\"customer\":\"c1\",\"type\":\"NPS\",\"time\":\"2024-02-01T10:00:00+03:30\","
      "\"channel\":\"email\",\"properties\":{\"score\":9}}\n"
      "{\"customer\":\"c1\",\"type\":\"review\",\"time\":\"2024-02-02\",\"properties\":[1]}\n"
      "{\"customer\":\"c1\",\"type\":\"review\",\"time\":\"yesterday\"}\n"
      "not json\n"
      "{\"id\":\"e9\",\"user_id\":\"c2\",\"event\":\"email_open\",\"timestamp\":\"2024-02-03\"}\n");
  auto e = run(ImportKind::events, events, {},
               [](ImportOptions& o) { o.source.format = Format::ndjson; });
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->counts.records, 5);
  EXPECT_EQ(e->counts.accepted, 2);
  auto c1 = store_->customer_events("c1").value();
  ASSERT_EQ(c1.size(), 1u);
  EXPECT_EQ(c1[0].type, "nps");
  EXPECT_EQ(c1[0].channel, Channel::email);
  EXPECT_EQ(format_iso8601(c1[0].occurred_at), "2024-02-01T06:30:00Z");
  EXPECT_EQ(c1[0].properties_json, "{\"score\":9}");
  EXPECT_EQ(store_->customer_events("c2").value().at(0).id, "e9");
  auto rejected = store_->rejected_rows(std::filesystem::canonical(events).string()).value();
  ASSERT_EQ(rejected.size(), 3u);
  EXPECT_EQ(rejected[0].reason, "properties must be a JSON object");
  EXPECT_EQ(rejected[1].column, "time");
  EXPECT_EQ(rejected[2].line, 4);

  ASSERT_TRUE(run(ImportKind::events, events, {},
                  [](ImportOptions& o) { o.source.format = Format::ndjson; }));
  EXPECT_EQ(stats().events, 2);  // content ids make the re-import a no-op
}

TEST_F(ImporterTest, ProductsCarryTheirCatalogueStatus) {
  const auto path = write("products.csv",
                          "sku,name,status\nP1,Tea,active\nP2,Old tea,discontinued\nP3,Cup,no\n"
                          "P4,Pot,maybe\nP5,Spoon,\n");
  auto summary = run(ImportKind::products, path);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->counts.accepted, 4);
  EXPECT_EQ(store_->get_product("P1").value()->active, true);
  EXPECT_EQ(store_->get_product("P2").value()->active, false);
  EXPECT_EQ(store_->get_product("P3").value()->active, false);
  EXPECT_EQ(store_->get_product("P5").value()->active, true);  // by default in the catalogue
  auto rejected = store_->rejected_rows(std::filesystem::canonical(path).string()).value();
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].column, "status");
  EXPECT_THAT(rejected[0].reason, HasSubstr("not a catalogue status"));
}

std::vector<SpendRecord> all_spend(Store& store) {
  std::vector<SpendRecord> rows;
  EXPECT_TRUE(store.scan_spend([&](const SpendRecord& r) -> Status {
    rows.push_back(r);
    return {};
  }));
  return rows;
}

TEST_F(ImporterTest, SpendByDayChannelAndCampaignAddsUpWithinAFileAndReplacesOnReimport) {
  const auto path = write("spend.csv",
                          "date,channel,campaign,cost,currency\n"
                          "2025-03-01,web,nowruz,120.50,USD\n"
                          "2025-03-01T18:00:00Z,online,nowruz,9.50,USD\n"  // same day, channel
                          "2025-03-02,instagram,nowruz,10,USD\n"           // not an order channel
                          "2025-03-02,app,,-5,USD\n"                       // negative
                          "2025-03-02,app,,abc,USD\n"
                          "2025-03-02,app,,7,XYZ\n"
                          ",app,,7,USD\n"
                          "2025-03-02,App, spring ,40,\n");  // default currency
  auto summary = run(ImportKind::spend, path);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->counts.records, 8);
  EXPECT_EQ(summary->counts.accepted, 3);
  auto rows = all_spend(*store_);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(format_iso8601(Timestamp{std::chrono::seconds{rows[0].day}}), "2025-03-01T00:00:00Z");
  EXPECT_EQ(rows[0].channel, "web");
  EXPECT_EQ(rows[0].campaign, "nowruz");
  EXPECT_EQ(rows[0].amount_minor, 13000);  // the two parts of the day add up
  EXPECT_EQ(rows[1].channel, "app");
  EXPECT_EQ(rows[1].campaign, "spring");
  EXPECT_EQ(rows[1].amount_minor, 4000);

  auto rejected = store_->rejected_rows(std::filesystem::canonical(path).string()).value();
  ASSERT_EQ(rejected.size(), 5u);
  EXPECT_EQ(rejected[0].line, 4);
  EXPECT_EQ(rejected[0].column, "channel");
  EXPECT_THAT(rejected[0].reason, HasSubstr("unknown channel 'instagram'"));
  EXPECT_EQ(rejected[1].reason, "spend is negative");
  EXPECT_EQ(rejected[2].column, "cost");
  EXPECT_EQ(rejected[3].column, "currency");
  EXPECT_EQ(rejected[4].reason, "time is missing");

  // Importing the same file again replaces the day's spend instead of doubling it.
  ASSERT_TRUE(run(ImportKind::spend, path));
  rows = all_spend(*store_);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].amount_minor, 13000);

  // Without a currency anywhere the file is refused before anything is read.
  const auto bare = write("bare.csv", "date,channel,spend\n2025-03-01,web,1\n");
  auto refused = run(ImportKind::spend, bare, {}, [](ImportOptions& o) { o.currency.clear(); });
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("spend needs a currency"));
}

// ---- Real exports: hand-written fixtures in data/exports (see its SOURCES.md) ---------------

class Warnings final : public ImportObserver {
 public:
  void on_warning(const RejectedRow& row) override { rows.push_back(row); }
  void on_rejected(const RejectedRow& row) override { rejected.push_back(row); }
  std::vector<RejectedRow> rows, rejected;
};

std::string fixture(std::string_view name) {
  return fmt::format("{}/data/exports/{}", VAFA_SOURCE_DIR, name);
}

// Imports one of the export fixtures with its preset.
ImportOptions preset_import(std::string_view file, Preset preset) {
  ImportOptions options;
  options.kind = ImportKind::orders;
  options.path = fixture(file);
  options.source.preset = preset;
  return options;
}

std::vector<std::string> identity_keys(const Customer& c) {
  std::vector<std::string> keys;
  for (const auto& id : c.identities) keys.push_back(id.key());
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST_F(ImporterTest, OnlineRetailPresetReadsTheUciLayout) {
  ImportOptions options = preset_import("online_retail_sample.csv", Preset::online_retail);
  Warnings warnings;
  auto summary = import_file(*store_, options, clock_, &warnings);
  ASSERT_TRUE(summary) << summary.error().message;
  // Month first, found from the first date whose second field is above 12.
  ASSERT_EQ(summary->notes.size(), 1u);
  EXPECT_THAT(summary->notes[0], HasSubstr("month/day/year"));
  EXPECT_THAT(summary->notes[0], HasSubstr("1/18/2011 10:01"));
  EXPECT_EQ(summary->counts.records, 26);
  EXPECT_EQ(summary->counts.rejected, 1);  // the negative "Adjust bad debt" price
  EXPECT_EQ(summary->counts.accepted, 25);
  EXPECT_EQ(summary->orders, 21);
  EXPECT_EQ(summary->guest_orders, 4);
  EXPECT_EQ(summary->returns, 2);  // the C invoices
  // Channel Islands and European Community name no country: kept, without one.
  EXPECT_EQ(summary->counts.warnings, 2);
  ASSERT_EQ(warnings.rows.size(), 2u);
  EXPECT_EQ(warnings.rows[0].column, "Country");
  EXPECT_THAT(warnings.rows[0].reason, HasSubstr("'Channel Islands'"));
  EXPECT_THAT(warnings.rejected.at(0).reason, HasSubstr("unit price is negative"));

  auto first = store_->get_order("536365").value();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->country, "GB");
  EXPECT_EQ(first->currency.code(), "GBP");
  EXPECT_EQ(format_iso8601(first->placed_at), "2010-12-01T08:26:00Z");
  EXPECT_EQ(first->total_minor(), 6 * 255 + 6 * 339);
  EXPECT_EQ(store_->get_order("536540").value()->country, "IE");  // EIRE
  EXPECT_EQ(store_->get_order("567183").value()->country, "ZA");  // RSA
  EXPECT_EQ(store_->get_order("538171").value()->country, "");    // Unspecified
  EXPECT_EQ(store_->get_order("553573").value()->country, "");    // Channel Islands
  // 0.001 GBP a mug: 2 x 0.001 and 3 x 0.001 round to 0 pence, exactly, line by line.
  auto mugs = store_->get_order("540372").value();
  ASSERT_TRUE(mugs);
  ASSERT_EQ(mugs->lines.size(), 2u);
  EXPECT_EQ(mugs->lines[0].amount_minor, 0);
  EXPECT_EQ(mugs->lines[1].amount_minor, 0);
  EXPECT_EQ(store_->get_order("C541433").value()->status, OrderStatus::cancelled);
  EXPECT_EQ(store_->get_order("536544").value()->customer_id, "");

  // Imported again, nothing changes.
  auto again = import_file(*store_, options, clock_);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(stats().orders, 21);
}

TEST_F(ImporterTest, ShopifyPresetGroupsLineRowsAndKnowsTheCustomerByEmail) {
  ImportOptions options = preset_import("shopify_orders_export.csv", Preset::shopify);
  Warnings warnings;
  auto summary = import_file(*store_, options, clock_, &warnings);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->counts.records, 8);
  EXPECT_EQ(summary->counts.rejected, 0) << warnings.rejected.at(0).reason;
  EXPECT_EQ(summary->orders, 6);
  EXPECT_EQ(summary->guest_orders, 1);
  EXPECT_EQ(summary->returns, 2);  // refunded #1003, cancelled #1004
  ASSERT_EQ(summary->counts.warnings, 1);
  EXPECT_THAT(warnings.rows.at(0).reason, HasSubstr("'Atlantis'"));

  // The second row of #1001 has only line fields: it takes the order's from the first.
  auto first = store_->get_order("#1001").value();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->customer_id, "ali.rezaei@example.com");
  EXPECT_EQ(format_iso8601(first->placed_at), "2025-01-05T13:14:00Z");  // 16:44 at +0330
  ASSERT_EQ(first->lines.size(), 2u);
  EXPECT_EQ(first->total_minor(), 2 * 1250 + 800);
  EXPECT_EQ(first->country, "IR");
  EXPECT_EQ(first->channel, Channel::web);
  EXPECT_EQ(store_->get_order("#1003").value()->status, OrderStatus::returned);
  EXPECT_EQ(store_->get_order("#1003").value()->customer_id, "ali.rezaei@example.com");
  EXPECT_EQ(store_->get_order("#1004").value()->status, OrderStatus::cancelled);
  auto pos = store_->get_order("#1005").value();
  EXPECT_EQ(pos->channel, Channel::store);
  EXPECT_EQ(pos->total_minor(), 2 * 1000 - 100 + 800);
  EXPECT_EQ(pos->lines[0].product_sku, "Pistachio box");  // no SKU: the name
  EXPECT_EQ(store_->get_order("#1006").value()->customer_id, "");

  auto ali = store_->get_customer("ali.rezaei@example.com").value();
  ASSERT_TRUE(ali);
  EXPECT_EQ(ali->name, "Ali Rezaei");
  EXPECT_EQ(ali->country, "IR");
  EXPECT_EQ(ali->consent.at(Channel::email), true);
  EXPECT_EQ(identity_keys(*ali),
            (std::vector<std::string>{"email:ali.rezaei@example.com", "phone:+989121234567"}));
  auto ani = store_->get_customer("ani@example.am").value();
  ASSERT_TRUE(ani);
  EXPECT_EQ(ani->country, "AM");
  EXPECT_EQ(ani->consent.at(Channel::email), false);
  EXPECT_EQ(identity_keys(*ani),
            (std::vector<std::string>{"email:ani@example.am", "phone:+37491123456"}));
  EXPECT_EQ(identity_keys(*store_->get_customer("john.smith@example.co.uk").value()),
            (std::vector<std::string>{"email:john.smith@example.co.uk", "phone:+442079460018"}));
}

TEST_F(ImporterTest, ShopifyOrdersJoinACustomerImportedWithTheSameEmail) {
  const auto customers = write("customers.csv", "customer_id,email\nC-77,ALI.REZAEI@example.com\n");
  ASSERT_TRUE(run(ImportKind::customers, customers));
  ImportOptions options = preset_import("shopify_orders_export.csv", Preset::shopify);
  auto summary = import_file(*store_, options, clock_);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(store_->get_order("#1001").value()->customer_id, "C-77");
  EXPECT_EQ(store_->get_order("#1003").value()->customer_id, "C-77");
  EXPECT_FALSE(store_->get_customer("ali.rezaei@example.com").value());
}

TEST_F(ImporterTest, WooCommercePresetReadsOneRowPerLineItem) {
  ImportOptions options = preset_import("woocommerce_orders_export.csv", Preset::woocommerce);
  Warnings warnings;
  auto summary = import_file(*store_, options, clock_, &warnings);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->counts.records, 7);
  EXPECT_EQ(summary->counts.rejected, 0);
  EXPECT_EQ(summary->orders, 6);
  EXPECT_EQ(summary->returns, 3);          // refunded, cancelled, failed
  ASSERT_EQ(summary->counts.warnings, 1);  // Nare's phone "12"
  EXPECT_EQ(warnings.rows.at(0).column, "billing_phone");

  auto first = store_->get_order("2041").value();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->customer_id, "sara.ahmadi@example.com");
  EXPECT_EQ(first->currency.code(), "EUR");
  EXPECT_EQ(first->total_minor(), 3300);
  EXPECT_EQ(first->lines.at(0).product_sku, "TEA-SAF");
  EXPECT_EQ(store_->get_order("2045").value()->status, OrderStatus::cancelled);
  EXPECT_EQ(store_->get_order("2046").value()->total_minor(), 1080);
  EXPECT_EQ(store_->get_order("2046").value()->customer_id, "nare@example.am");
  EXPECT_EQ(identity_keys(*store_->get_customer("sara.ahmadi@example.com").value()),
            (std::vector<std::string>{"email:sara.ahmadi@example.com", "phone:+989351234567"}));
  EXPECT_EQ(identity_keys(*store_->get_customer("jonas@example.de").value()),
            (std::vector<std::string>{"email:jonas@example.de", "phone:+49301234567"}));
}

TEST_F(ImporterTest, APresetRefusesAFileThatIsNotItsExport) {
  ImportOptions options;
  options.kind = ImportKind::orders;
  options.path = fixture("online_retail_sample.csv");
  options.source.preset = Preset::shopify;
  auto refused = import_file(*store_, options, clock_);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("is not a shopify export"));
  EXPECT_THAT(refused.error().message, HasSubstr("InvoiceNo"));
  options.kind = ImportKind::customers;
  EXPECT_FALSE(import_file(*store_, options, clock_));
  EXPECT_EQ(stats().orders, 0);
}

TEST_F(ImporterTest, OptionalValuesAreDroppedWithWarningsOrRejectedWhenStrict) {
  const auto path = write("orders.csv",
                          "order,customer,time,amount,country,channel\n"
                          "1,c1,2024-01-01,5,Atlantis,web\n"
                          "2,c1,2024-01-02,6,Germany,carrier-pigeon\n"
                          "3,c2,2024-01-03,7,ایران,web\n");
  Warnings warnings;
  ImportOptions options;
  options.kind = ImportKind::orders;
  options.path = path;
  options.currency = "USD";
  auto summary = import_file(*store_, options, clock_, &warnings);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->counts.accepted, 3);
  EXPECT_EQ(summary->counts.warnings, 2);
  EXPECT_EQ(warnings.rows.at(1).column, "channel");
  EXPECT_EQ(store_->get_order("2").value()->country, "DE");
  EXPECT_EQ(store_->get_order("3").value()->country, "IR");

  options.strict = true;
  const auto strict_path = write("strict.csv",
                                 "order,customer,time,amount,country\n"
                                 "11,c1,2024-01-01,5,Atlantis\n12,c1,2024-01-02,6,AM\n");
  options.path = strict_path;
  auto strict = import_file(*store_, options, clock_);
  ASSERT_TRUE(strict) << strict.error().message;
  EXPECT_EQ(strict->counts.rejected, 1);
  EXPECT_EQ(strict->counts.warnings, 0);
  EXPECT_FALSE(store_->get_order("11").value());
}

TEST_F(ImporterTest, AmbiguousNumericDatesAreRefusedBeforeAnythingIsWritten) {
  const auto path =
      write("orders.csv", "order,customer,time,amount\n1,c1,03/04/2024,5\n2,c1,04/03/2024,6\n");
  auto refused = run(ImportKind::orders, path);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("--date-format mdy"));
  EXPECT_EQ(stats().orders, 0);
  auto day_first =
      run(ImportKind::orders, path, {}, [](ImportOptions& o) { o.date_format = "dmy"; });
  ASSERT_TRUE(day_first) << day_first.error().message;
  EXPECT_EQ(format_date(store_->get_order("1").value()->placed_at), "2024-04-03");
  const auto dotted = write("dotted.csv", "order,customer,time,amount\n9,c1,31.12.2024 18:05,5\n");
  ASSERT_TRUE(run(ImportKind::orders, dotted));
  EXPECT_EQ(format_iso8601(store_->get_order("9").value()->placed_at), "2024-12-31T18:05:00Z");
}

}  // namespace
}  // namespace vafa::ingest
