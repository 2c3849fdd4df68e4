// vafa stats [--json]
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "vafa/cli/command.hpp"
#include "vafa/cli/output.hpp"
#include "vafa/core/money.hpp"

namespace vafa::cli {

namespace {

int run_stats(bool json, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto stats = (*store)->stats();
  if (!stats) return report(stats.error());
  const StoreStats& s = *stats;
  if (json) {
    nlohmann::ordered_json out;
    out["customers"] = s.customers;
    out["orders"] = s.orders;
    out["order_lines"] = s.order_lines;
    out["returns"] = s.returns;
    out["guest_orders"] = s.guest_orders;
    out["products"] = s.products;
    out["events"] = s.events;
    out["rejected_rows"] = s.rejected_rows;
    out["revenue"] = nlohmann::ordered_json::object();
    for (const auto& [currency, minor] : s.revenue_minor) {
      out["revenue"][currency] = decimal(currency, minor);
    }
    out["first_order"] = s.first_order ? nlohmann::ordered_json(format_iso8601(*s.first_order))
                                       : nlohmann::ordered_json(nullptr);
    out["last_order"] = s.last_order ? nlohmann::ordered_json(format_iso8601(*s.last_order))
                                     : nlohmann::ordered_json(nullptr);
    fmt::print("{}\n", out.dump(2));
    return kOk;
  }
  fmt::print("store          {}\n", (*store)->describe());
  fmt::print("customers      {:>14}\n", grouped(s.customers));
  fmt::print("orders         {:>14}   ({} returned or cancelled, {} guest)\n", grouped(s.orders),
             grouped(s.returns), grouped(s.guest_orders));
  fmt::print("order lines    {:>14}\n", grouped(s.order_lines));
  fmt::print("products       {:>14}\n", grouped(s.products));
  fmt::print("events         {:>14}\n", grouped(s.events));
  fmt::print("rejected rows  {:>14}\n", grouped(s.rejected_rows));
  for (const auto& [currency, minor] : s.revenue_minor) {
    fmt::print("revenue {}    {:>14}\n", currency, decimal(currency, minor));
  }
  if (s.first_order) {
    fmt::print("orders from    {} to {}\n", context.date(*s.first_order),
               context.date(*s.last_order));
  }
  return kOk;
}

}  // namespace

void add_stats_command(CLI::App& app, const Context& context, Runner& runner) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("stats", "Counts and revenue of what the store holds");
  cmd->add_flag("--json", *json, "Print one JSON object");
  cmd->callback([json, &context, &runner] {
    runner = [json, &context] { return run_stats(*json, context); };
  });
}

}  // namespace vafa::cli
