#include "vafa/generate/sinks.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>
#include <variant>

#include <fmt/format.h>

#include "vafa/core/handoff_queue.hpp"
#include "vafa/core/text.hpp"

namespace vafa::generate {

namespace {

constexpr std::size_t kFlushAt = std::size_t{1} << 20;

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

std::string identity_value(const Customer& c, IdentityKind kind) {
  for (const Identity& id : c.identities) {
    if (id.kind == kind) return id.value;
  }
  return {};
}

std::string_view consent_text(const Customer& c, Channel channel) {
  const auto it = c.consent.find(channel);
  if (it == c.consent.end()) return "";
  return it->second ? "yes" : "no";
}

}  // namespace

struct FileSink::File {
  std::string path;
  std::FILE* file = nullptr;
  std::string buffer;

  ~File() {
    if (file != nullptr) std::fclose(file);
  }
  Status flush() {
    if (!buffer.empty() && std::fwrite(buffer.data(), 1, buffer.size(), file) != buffer.size()) {
      return fail(ErrorCode::io, "writing '{}': {}", path, std::strerror(errno));
    }
    buffer.clear();
    return {};
  }
  Status maybe_flush() { return buffer.size() >= kFlushAt ? flush() : Status{}; }
  Status close() {
    VAFA_CHECK(flush());
    const int rc = std::fclose(file);
    file = nullptr;
    if (rc != 0) return fail(ErrorCode::io, "closing '{}': {}", path, std::strerror(errno));
    return {};
  }
};

Result<std::unique_ptr<FileSink>> FileSink::open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(ErrorCode::io, "cannot create directory '{}': {}", dir, ec.message());
  std::unique_ptr<FileSink> sink(new FileSink());
  auto open_one = [&](std::unique_ptr<File>& f, std::string_view name,
                      std::string_view header) -> Status {
    f = std::make_unique<File>();
    f->path = (std::filesystem::path(dir) / name).string();
    f->file = std::fopen(f->path.c_str(), "wb");
    if (f->file == nullptr) {
      return fail(ErrorCode::io, "cannot create '{}': {}", f->path, std::strerror(errno));
    }
    f->buffer.append(header);
    return {};
  };
  VAFA_CHECK(open_one(sink->customers_, "customers.csv",
                      "customer_id,created_at,name,birthday,locale,country,time_zone,email,phone,"
                      "card,consent_email,consent_sms,consent_app\n"));
  VAFA_CHECK(open_one(sink->products_, "products.csv", "sku,name,category,price,currency\n"));
  VAFA_CHECK(open_one(sink->orders_, "orders.csv",
                      "order_id,customer_id,time,channel,country,currency,sku,quantity,amount\n"));
  VAFA_CHECK(open_one(sink->events_, "events.ndjson", ""));
  VAFA_CHECK(open_one(sink->spend_, "spend.csv", "date,channel,campaign,spend,currency\n"));
  return sink;
}

FileSink::~FileSink() = default;

Status FileSink::product(const Product& p) {
  std::string& out = products_->buffer;
  append_csv_field(out, p.sku);
  out.push_back(',');
  append_csv_field(out, p.name);
  out.push_back(',');
  append_csv_field(out, p.category);
  out.push_back(',');
  if (p.price) {
    out += p.price->to_decimal();
    out.push_back(',');
    out.append(p.price->currency().code());
  } else {
    out.push_back(',');
  }
  out.push_back('\n');
  return products_->maybe_flush();
}

Status FileSink::customer(const Customer& c) {
  std::string& out = customers_->buffer;
  append_csv_field(out, c.id);
  out.push_back(',');
  out += format_iso8601(c.created_at);
  out.push_back(',');
  append_csv_field(out, c.name);
  out.push_back(',');
  if (c.birthday) out += format_date(*c.birthday);
  fmt::format_to(std::back_inserter(out), ",{},{},{},", c.locale, c.country, c.time_zone);
  append_csv_field(out, identity_value(c, IdentityKind::email));
  out.push_back(',');
  append_csv_field(out, identity_value(c, IdentityKind::phone));
  out.push_back(',');
  append_csv_field(out, identity_value(c, IdentityKind::card));
  fmt::format_to(std::back_inserter(out), ",{},{},{}\n", consent_text(c, Channel::email),
                 consent_text(c, Channel::sms), consent_text(c, Channel::app));
  return customers_->maybe_flush();
}

Status FileSink::order(const Order& o) {
  std::string& out = orders_->buffer;
  const std::string time = format_iso8601(o.placed_at);
  for (const OrderLine& line : o.lines) {
    append_csv_field(out, o.id);
    out.push_back(',');
    append_csv_field(out, o.customer_id);
    fmt::format_to(std::back_inserter(out), ",{},{},{},{},", time, to_string(o.channel), o.country,
                   o.currency.code());
    append_csv_field(out, line.product_sku);
    fmt::format_to(std::back_inserter(out), ",{},{}\n", line.quantity,
                   format_minor_units(line.amount_minor, o.currency.exponent()));
  }
  return orders_->maybe_flush();
}

Status FileSink::event(const Event& e) {
  std::string& out = events_->buffer;
  out += "{\"id\":";
  append_json_string(out, e.id);
  out += ",\"customer\":";
  append_json_string(out, e.customer_id);
  out += ",\"type\":";
  append_json_string(out, e.type);
  fmt::format_to(std::back_inserter(out),
                 ",\"channel\":\"{}\",\"time\":\"{}\",\"properties\":{}}}\n", to_string(e.channel),
                 format_iso8601(e.occurred_at), e.properties_json);
  return events_->maybe_flush();
}

Status FileSink::spend(const SpendRecord& row) {
  const int exponent = Currency::parse(row.currency)->exponent();
  fmt::format_to(std::back_inserter(spend_->buffer), "{},{},{},{},{}\n",
                 format_date(Timestamp{std::chrono::seconds{row.day}}), row.channel, row.campaign,
                 format_minor_units(row.amount_minor, exponent), row.currency);
  return spend_->maybe_flush();
}

Status FileSink::close() {
  for (auto* f : {&customers_, &products_, &orders_, &events_, &spend_}) {
    if (*f && (*f)->file != nullptr) VAFA_CHECK((*f)->close());
  }
  return {};
}

namespace {

struct CustomerDone {
  std::int64_t index;
};
using Record = std::variant<Product, Customer, Order, Event, SpendRecord, CustomerDone>;

struct RecordBatch {
  std::vector<Record> records;
  bool last = false;
  Result<GeneratedCounts> result = GeneratedCounts{};
};

constexpr std::size_t kRecordsPerBatch = 4096;
constexpr std::size_t kBatchesInFlight = 4;

// The generator's side: records are collected into batches and handed to the writer.
class QueueSink final : public Sink {
 public:
  explicit QueueSink(HandoffQueue<RecordBatch>& queue) : queue_(queue) {}

  Status product(const Product& product) override { return add(product); }
  Status customer(const Customer& customer) override { return add(customer); }
  Status order(const Order& order) override { return add(order); }
  Status event(const Event& event) override { return add(event); }
  Status spend(const SpendRecord& row) override { return add(row); }
  Status customer_done(std::int64_t index) override {
    VAFA_CHECK(add(CustomerDone{index}));
    if (batch_.records.size() >= kRecordsPerBatch) hand_over();
    if (queue_.closed()) return fail(ErrorCode::aborted, "the writer stopped");
    return {};
  }

  void finish(Result<GeneratedCounts> result) {
    batch_.last = true;
    batch_.result = std::move(result);
    hand_over();
  }

 private:
  template <typename T>
  Status add(const T& record) {
    batch_.records.emplace_back(record);
    return {};
  }
  void hand_over() {
    queue_.push(std::move(batch_));
    if (auto spent = queue_.take_spent()) {
      batch_ = std::move(*spent);
      batch_.records.clear();  // frees, on this thread, what this thread allocated
    } else {
      batch_ = RecordBatch{};
      batch_.records.reserve(kRecordsPerBatch);
    }
  }

  HandoffQueue<RecordBatch>& queue_;
  RecordBatch batch_;
};

}  // namespace

Result<GeneratedCounts> generate_into_store(const GeneratorParams& params, Store& store,
                                            std::int64_t run, std::int64_t batch_customers) {
  VAFA_CHECK(params.validate());
  if (batch_customers < 1) return fail(ErrorCode::invalid_argument, "batch must be positive");
  HandoffQueue<RecordBatch> queue(kBatchesInFlight);
  std::thread generating([&] {
    QueueSink sink(queue);
    sink.finish(generate(params, sink));
  });
  auto write_all = [&]() -> Result<GeneratedCounts> {
    VAFA_TRY(Transaction txn, Transaction::begin(store));
    while (true) {
      RecordBatch batch = queue.pop();
      for (const Record& record : batch.records) {
        Status written = std::visit(
            [&](const auto& r) -> Status {
              using T = std::decay_t<decltype(r)>;
              if constexpr (std::is_same_v<T, Product>) return store.upsert_product(r);
              if constexpr (std::is_same_v<T, Customer>) return store.upsert_customer(r);
              if constexpr (std::is_same_v<T, Order>) return store.put_order(r, run);
              if constexpr (std::is_same_v<T, Event>) return store.put_event(r);
              if constexpr (std::is_same_v<T, SpendRecord>) return store.put_spend(r, run);
              if constexpr (std::is_same_v<T, CustomerDone>) {
                if ((r.index + 1) % batch_customers != 0) return {};
                return txn.commit_and_continue();
              }
            },
            record);
        VAFA_CHECK(written);
      }
      if (batch.last) {
        if (!batch.result) return std::unexpected(batch.result.error());
        VAFA_CHECK(txn.commit());
        return *batch.result;
      }
      queue.give_back(std::move(batch));
    }
  };
  Result<GeneratedCounts> result = write_all();
  if (!result) {
    queue.close();  // the generator stops at its next customer (the write rolled back)
  }
  generating.join();
  return result;
}

}  // namespace vafa::generate
