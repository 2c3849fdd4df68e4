// Micro-benchmarks of the import's hot paths: CSV tokenising, money and time parsing, row
// hashing. Each reports bytes or items per second so runs on different machines compare.
#include <string>

#include <benchmark/benchmark.h>

#include "vafa/core/money.hpp"
#include "vafa/core/text.hpp"
#include "vafa/core/time.hpp"
#include "vafa/generate/random.hpp"
#include "vafa/ingest/csv_reader.hpp"

namespace {

std::string order_lines_csv(int rows) {
  std::string text = "order_id,customer_id,time,channel,country,currency,sku,quantity,amount\n";
  vafa::generate::Rng rng(1, 1);
  for (int i = 0; i < rows; ++i) {
    text += "O" + std::to_string(i / 2) + ",C" + std::to_string(rng.below(100000)) +
            ",2024-03-01T12:30:45Z,web,IR,USD,SKU" + std::to_string(rng.below(5000)) + ",1," +
            std::to_string(rng.below(10000)) + "." + std::to_string(10 + rng.below(90)) + "\n";
  }
  return text;
}

void BM_CsvReader(benchmark::State& state) {
  const std::string text = order_lines_csv(100000);
  for (auto _ : state) {
    auto reader = vafa::ingest::CsvReader::from_string(text, {});
    vafa::ingest::CsvRecord record;
    std::size_t fields = 0;
    while (*reader.next(record)) fields += record.fields.size();
    benchmark::DoNotOptimize(fields);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_CsvReader)->Unit(benchmark::kMillisecond);

void BM_ParseMinorUnits(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(vafa::parse_minor_units("12345.67", 2));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseMinorUnits);

void BM_ParseIso8601(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(vafa::parse_iso8601("2024-03-01T12:30:45Z"));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseIso8601);

void BM_Utf8Check(benchmark::State& state) {
  const std::string row = "O1,C123,2024-03-01T12:30:45Z,web,IR,USD,SKU42,1,12.50 علی رضایی";
  for (auto _ : state) benchmark::DoNotOptimize(vafa::is_valid_utf8(row));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * row.size()));
}
BENCHMARK(BM_Utf8Check);

}  // namespace

BENCHMARK_MAIN();
