// vafa segments create|list|show|members|preview|delete
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "vafa/cli/command.hpp"
#include "vafa/cli/output.hpp"
#include "vafa/segments/refresh.hpp"

namespace vafa::cli {

using nlohmann::ordered_json;

namespace {

std::string time_of(std::int64_t seconds) {
  return format_iso8601(Timestamp{std::chrono::seconds{seconds}});
}

struct Flags {
  std::string name, rule, description;
  std::size_t limit = 50;
  Format format = Format::table;
};

// A rule error shown under the rule, with a caret at its column.
int report_rule_error(const std::string& rule, const Error& error) {
  fmt::print(stderr, "vafa: {}\n", error.message);
  if (error.column && *error.column >= 1) {
    fmt::print(stderr, "  {}\n  {}^\n", rule, std::string(*error.column - 1, ' '));
  }
  return exit_code_for(error);
}

Result<Segment> find_segment(Store& store, const std::string& name) {
  VAFA_TRY(std::optional<Segment> segment, store.get_segment(name));
  if (!segment) return fail(ErrorCode::not_found, "no segment named '{}'", name);
  return *segment;
}

int run_create(const Flags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto segment = segments::create_segment(**store, f.name, f.rule, f.description, clock_now());
  if (!segment) {
    if (segment.error().column) {
      return report_rule_error(f.rule, segment.error());
    }
    return report(segment.error());
  }
  if (f.format == Format::json) {
    fmt::print("{}\n",
               ordered_json{
                   {"name", segment->name}, {"rule", segment->rule}, {"members", segment->members}}
                   .dump(2));
  } else if (segment->evaluated_at) {
    fmt::print("created segment '{}' with {} members: {}\n", segment->name,
               grouped(segment->members), segment->rule);
  } else {
    fmt::print("created segment '{}': {}\n(members are computed by `vafa refresh`)\n",
               segment->name, segment->rule);
  }
  return kOk;
}

int run_preview(const Flags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto preview = segments::preview(**store, f.rule, 10);
  if (!preview) return report_rule_error(f.rule, preview.error());
  if (f.format == Format::json) {
    fmt::print("{}\n",
               ordered_json{{"count", preview->count}, {"customers", preview->customers}}.dump(2));
  } else {
    fmt::print("{} of {} customers\n", grouped(preview->count), grouped(preview->customers));
  }
  return kOk;
}

int run_list(const Flags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto all = (*store)->segments();
  if (!all) return report(all.error());
  std::vector<ordered_json> rows;
  for (const Segment& s : *all) {
    rows.push_back(
        {{"name", s.name},
         {"members", s.members},
         {"evaluated_at", s.evaluated_at ? ordered_json(time_of(*s.evaluated_at)) : ordered_json()},
         {"rule", s.rule}});
  }
  print_rows(rows, f.format);
  return kOk;
}

int run_show(const Flags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto segment = find_segment(**store, f.name);
  if (!segment) return report(segment.error());
  auto sizes = (*store)->segment_sizes(segment->id);
  if (!sizes) return report(sizes.error());
  // The latest changes: read the whole history once (bounded by --limit from the end).
  std::vector<SegmentChange> changes;
  std::int64_t after = 0;
  while (true) {
    auto page = (*store)->segment_history(segment->id, after, 10'000);
    if (!page) return report(page.error());
    if (page->empty()) break;
    after = page->back().id;
    changes.insert(changes.end(), page->begin(), page->end());
    if (changes.size() > 2 * f.limit)
      changes.erase(changes.begin(), changes.end() - static_cast<std::ptrdiff_t>(f.limit));
  }
  if (changes.size() > f.limit)
    changes.erase(changes.begin(), changes.end() - static_cast<std::ptrdiff_t>(f.limit));
  std::vector<std::int64_t> wanted;
  for (const auto& c : changes) wanted.push_back(c.customer);
  auto ids = customer_ids(**store, std::move(wanted));
  if (!ids) return report(ids.error());
  ordered_json out = {{"name", segment->name},
                      {"rule", segment->rule},
                      {"description", segment->description},
                      {"created_at", time_of(segment->created_at)},
                      {"members", segment->members},
                      {"sizes", ordered_json::array()},
                      {"recent_changes", ordered_json::array()}};
  for (const auto& [at, members] : *sizes)
    out["sizes"].push_back({{"at", time_of(at)}, {"members", members}});
  for (const auto& c : changes) {
    out["recent_changes"].push_back({{"at", time_of(c.at)},
                                     {"customer", (*ids)[c.customer]},
                                     {"change", c.entered ? "enter" : "exit"}});
  }
  if (f.format == Format::json) {
    fmt::print("{}\n", out.dump(2));
    return kOk;
  }
  fmt::print("segment  {}\nrule     {}\n", segment->name, segment->rule);
  if (!segment->description.empty()) fmt::print("about    {}\n", segment->description);
  fmt::print("created  {}\nmembers  {}\n\nsize after each evaluation\n",
             time_of(segment->created_at), grouped(segment->members));
  std::vector<ordered_json> rows(out["sizes"].begin(), out["sizes"].end());
  print_rows(rows, Format::table);
  fmt::print("\nlatest entries and exits\n");
  rows.assign(out["recent_changes"].begin(), out["recent_changes"].end());
  print_rows(rows, Format::table);
  return kOk;
}

int run_members(const Flags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto segment = find_segment(**store, f.name);
  if (!segment) return report(segment.error());
  std::vector<std::pair<std::int64_t, std::int64_t>> members;
  Status scanned = (*store)->scan_segment_members(
      segment->id, [&](std::int64_t row, std::int64_t since) -> Status {
        if (members.size() < f.limit) members.emplace_back(row, since);
        return {};
      });
  if (!scanned) return report(scanned.error());
  std::vector<ordered_json> rows;
  std::size_t k = 0;
  scanned = (*store)->scan_customers([&](std::int64_t row, std::string_view id) -> Status {
    while (k < members.size() && members[k].first < row) ++k;
    if (k < members.size() && members[k].first == row) {
      auto m = (*store)->get_customer_metrics(row);
      ordered_json item = {{"customer", id}, {"since", time_of(members[k].second)}};
      if (m && *m) {
        item["stage"] = (*m)->stage;
        item["score"] = (*m)->score;
        item["orders"] = (*m)->orders;
      }
      rows.push_back(std::move(item));
    }
    return {};
  });
  if (!scanned) return report(scanned.error());
  print_rows(rows, f.format);
  if (f.format == Format::table && segment->members > static_cast<std::int64_t>(rows.size())) {
    fmt::print("... {} of {} members (--limit N for more)\n", rows.size(),
               grouped(segment->members));
  }
  return kOk;
}

int run_delete(const Flags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  const Status deleted = (*store)->delete_segment(f.name);
  if (!deleted) return report(deleted.error());
  fmt::print("deleted segment '{}'\n", f.name);
  return kOk;
}

}  // namespace

void add_segments_command(CLI::App& app, const Context& context, Runner& runner) {
  CLI::App* cmd = app.add_subcommand(
      "segments", "Customer segments defined by rules (docs/analytics.md, Segments)");
  cmd->require_subcommand(1);
  auto add = [&](const char* name, const char* about, int (*run)(const Flags&, const Context&)) {
    return add_leaf(*cmd, name, about, run, context, runner);
  };
  {
    auto [sub, f] =
        add("create", "Create a segment from a rule and compute its members", run_create);
    sub->add_option("name", f->name, "Segment name")->required();
    sub->add_option("rule", f->rule, "Rule, e.g. 'orders >= 3 and last_order_days <= 90'")
        ->required();
    sub->add_option("--description", f->description, "What the segment is for");
  }
  {
    auto [sub, f] =
        add("preview", "Count the customers a rule selects, without storing it", run_preview);
    sub->add_option("rule", f->rule, "Rule")->required();
  }
  { add("list", "List segments with their sizes", run_list); }
  {
    auto [sub, f] =
        add("show", "A segment's rule, size over time and latest entries and exits", run_show);
    sub->add_option("name", f->name, "Segment name")->required();
    sub->add_option("--limit", f->limit, "How many recent changes")
        ->check(CLI::Range(1, 1'000'000));
  }
  {
    auto [sub, f] = add("members", "The customers in a segment", run_members);
    sub->add_option("name", f->name, "Segment name")->required();
    sub->add_option("--limit", f->limit, "How many")->check(CLI::Range(1, 100'000'000));
  }
  {
    auto [sub, f] = add("delete", "Delete a segment with its history", run_delete);
    sub->add_option("name", f->name, "Segment name")->required();
  }
}

}  // namespace vafa::cli
