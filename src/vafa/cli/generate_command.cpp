// vafa generate --customers N --seed S [--out DIR]
#include <fmt/core.h>

#include "vafa/cli/command.hpp"
#include "vafa/core/clock.hpp"
#include "vafa/generate/sinks.hpp"

namespace vafa::cli {

namespace {

struct GenerateArgs {
  generate::GeneratorParams params;
  std::string start = "2024-01-01";
  std::string out;
};

void print_counts(const generate::GeneratedCounts& c, std::string_view where) {
  fmt::print(
      "generated {} customers, {} products, {} orders ({} lines), {} events, {} spend rows {}\n",
      c.customers, c.products, c.orders, c.order_lines, c.events, c.spend_rows, where);
}

int run_generate(GenerateArgs args, const Context& context) {
  auto start = parse_date(args.start);
  if (!start) return report(start.error().with_context("--start"));
  args.params.start = *start;
  if (Status valid = args.params.validate(); !valid) return report(valid.error());

  if (!args.out.empty()) {
    auto sink = generate::FileSink::open(args.out);
    if (!sink) return report(sink.error());
    auto counts = generate::generate(args.params, **sink);
    if (!counts) return report(counts.error());
    if (Status closed = (*sink)->close(); !closed) return report(closed.error());
    print_counts(*counts, fmt::format("in {}/", args.out));
    return kOk;
  }
  auto store = context.open_store();
  if (!store) return report(store.error());
  SystemClock clock;
  const std::string source =
      fmt::format("generate:customers={},seed={},start={},days={}", args.params.customers,
                  args.params.seed, args.start, args.params.days);
  auto run = (*store)->start_import("generate", source, clock.now());
  if (!run) return report(run.error());
  auto result = generate::generate_into_store(args.params, **store, *run);
  if (!result) {
    (void)(*store)->finish_import(*run, {}, ImportStatus::failed, clock.now());
    return report(result.error());
  }
  const std::int64_t records = result->customers + result->orders + result->events;
  (void)(*store)->finish_import(*run, {records, records, 0}, ImportStatus::completed, clock.now());
  print_counts(*result, fmt::format("into {}", (*store)->describe()));
  return kOk;
}

}  // namespace

void add_generate_command(CLI::App& app, const Context& context, Runner& runner) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "generate", "Generate realistic demo data with known parameters (see docs/generator.md)");
  cmd->add_option("--customers", args->params.customers, "Number of customers")
      ->capture_default_str();
  cmd->add_option("--seed", args->params.seed, "Random seed; the same seed gives the same data")
      ->capture_default_str();
  cmd->add_option("--out", args->out,
                  "Write customers.csv, products.csv, orders.csv and events.ndjson here "
                  "instead of into the store");
  cmd->add_option("--start", args->start, "First day of the period (YYYY-MM-DD)")
      ->capture_default_str();
  cmd->add_option("--days", args->params.days, "Length of the period in days")
      ->capture_default_str();
  cmd->add_option("--currency", args->params.currency, "ISO 4217 currency of the orders")
      ->capture_default_str();
  cmd->add_option("--products", args->params.products,
                  "Catalogue size (default: customers / 20, between 60 and 50,000)");
  cmd->callback([args, &context, &runner] {
    runner = [args, &context] { return run_generate(*args, context); };
  });
}

}  // namespace vafa::cli
