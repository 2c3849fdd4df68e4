// vafa keys create --role ROLE --name NAME | list | revoke NAME
#include <fmt/core.h>

#include "vafa/api/keys.hpp"
#include "vafa/cli/command.hpp"

namespace vafa::cli {

namespace {

using nlohmann::ordered_json;

struct Flags {
  std::string name, role = "reader";
  Format format = Format::table;
};

std::string when(std::int64_t t) { return format_iso8601(Timestamp{std::chrono::seconds{t}}); }

int run_create(const Flags& f, const Context& context) {
  auto role = api::parse_role(f.role);
  if (!role) return report(role.error());
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto made = api::create_key(**store, f.name, *role, clock_now());
  if (!made) return report(made.error());
  if (f.format == Format::json) {
    fmt::print(
        "{}\n",
        ordered_json{{"name", made->record.name}, {"role", made->record.role}, {"key", made->key}}
            .dump(2));
    return kOk;
  }
  fmt::print("created {} key '{}'. The key is shown only now; keep it safe:\n{}\n",
             made->record.role, made->record.name, made->key);
  return kOk;
}

int run_list(const Flags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto keys = (*store)->api_keys();
  if (!keys) return report(keys.error());
  std::vector<ordered_json> rows;
  for (const ApiKeyRecord& k : *keys) {
    rows.push_back(
        {{"name", k.name},
         {"role", k.role},
         {"starts_with", k.prefix},
         {"created_at", when(k.created_at)},
         {"revoked_at", k.revoked_at ? ordered_json(when(*k.revoked_at)) : ordered_json()}});
  }
  print_rows(rows, f.format);
  return kOk;
}

int run_revoke(const Flags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  const Status revoked = (*store)->revoke_api_key(f.name, clock_now());
  if (!revoked) return report(revoked.error());
  fmt::print("revoked API key '{}'\n", f.name);
  return kOk;
}

}  // namespace

void add_keys_command(CLI::App& app, const Context& context, Runner& runner) {
  CLI::App* cmd = app.add_subcommand("keys", "API keys for the HTTP API (docs/api.md)");
  cmd->require_subcommand(1);
  {
    auto [sub, f] =
        add_leaf(*cmd, "create", "Create a key and show it once", run_create, context, runner);
    sub->add_option("--name", f->name, "What the key is for, e.g. 'shop frontend'")->required();
    sub->add_option("--role", f->role, "admin, writer or reader")
        ->check(CLI::IsMember({"admin", "writer", "reader"}))
        ->capture_default_str();
  }
  add_leaf(*cmd, "list", "Keys with their roles (never the keys)", run_list, context, runner);
  {
    auto [sub, f] = add_leaf(*cmd, "revoke", "Revoke a key at once", run_revoke, context, runner);
    sub->add_option("name", f->name, "The key's name")->required();
  }
}

}  // namespace vafa::cli
