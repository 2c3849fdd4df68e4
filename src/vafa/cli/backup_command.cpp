// vafa backup FILE [--replace] [--json]: a consistent copy of the store, taken while `vafa serve`
// goes on accepting writes (docs/operations.md).
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "vafa/cli/command.hpp"
#include "vafa/cli/output.hpp"

namespace vafa::cli {

namespace {

struct BackupFlags {
  std::string destination;
  bool replace = false;
  bool json = false;
};

int run_backup(const BackupFlags& flags, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto bytes = (*store)->backup(flags.destination, flags.replace);
  if (!bytes) {
    const int code = report(bytes.error());
    return bytes.error().code == ErrorCode::conflict ? kUsage : code;
  }
  if (flags.json) {
    nlohmann::ordered_json out;
    out["store"] = (*store)->describe();
    out["backup"] = flags.destination;
    out["bytes"] = *bytes;
    fmt::print("{}\n", out.dump(2));
    return kOk;
  }
  fmt::print("backed up {} to {} ({} bytes)\n", (*store)->describe(), flags.destination,
             grouped(*bytes));
  fmt::print(
      "to restore: stop vafa serve, then either run vafa --db {} ..., or move it over the "
      "store's file and delete the store's -wal and -shm files\n",
      flags.destination);
  return kOk;
}

}  // namespace

void add_backup_command(CLI::App& app, const Context& context, Runner& runner) {
  auto flags = std::make_shared<BackupFlags>();
  CLI::App* cmd = app.add_subcommand(
      "backup", "Write a consistent copy of the store to FILE, also while vafa serve runs");
  cmd->add_option("FILE", flags->destination, "Where the copy goes (a new file)")->required();
  cmd->add_flag("--replace", flags->replace, "Write over FILE if it exists");
  cmd->add_flag("--json", flags->json, "Print one JSON object");
  cmd->callback([flags, &context, &runner] {
    runner = [flags, &context] { return run_backup(*flags, context); };
  });
}

}  // namespace vafa::cli
