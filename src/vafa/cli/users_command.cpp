// vafa users create NAME --role ROLE [--lang fa] | list | disable NAME | password NAME
// The password is read from standard input (one line), never from the command line: a prompt
// without echo on a terminal, or a pipe (`printf '%s\n' "$PASSWORD" | vafa users create ...`).
#include <iostream>

#include <fmt/core.h>
#include <termios.h>
#include <unistd.h>

#include "vafa/api/users.hpp"
#include "vafa/cli/command.hpp"

namespace vafa::cli {

namespace {

using nlohmann::ordered_json;

struct Flags {
  std::string name, role = "reader", lang = "en";
  Format format = Format::table;
};

std::string when(std::int64_t t) { return format_iso8601(Timestamp{std::chrono::seconds{t}}); }

// One line from standard input; on a terminal, asked for twice without echo.
Result<std::string> read_password() {
  const bool terminal = isatty(STDIN_FILENO) != 0;
  const auto ask = [terminal](const char* prompt) -> std::string {
    termios saved{};
    if (terminal) {
      fmt::print(stderr, "{}", prompt);
      tcgetattr(STDIN_FILENO, &saved);
      termios quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    std::getline(std::cin, line);
    if (terminal) {
      tcsetattr(STDIN_FILENO, TCSANOW, &saved);
      fmt::print(stderr, "\n");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  };
  std::string password = ask("password: ");
  if (terminal && ask("again: ") != password) {
    return fail(ErrorCode::invalid_argument, "the two passwords differ");
  }
  VAFA_CHECK(api::check_password(password));
  return password;
}

int run_create(const Flags& f, const Context& context) {
  auto role = api::parse_role(f.role);
  if (!role) return report(role.error());
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto password = read_password();
  if (!password) return report(password.error());
  auto user = api::create_user(**store, f.name, *role, f.lang, *password, clock_now());
  if (!user) return report(user.error());
  fmt::print("created dashboard user '{}' ({}, {})\n", user->name, user->role, user->lang);
  return kOk;
}

int run_list(const Flags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto users = (*store)->dashboard_users();
  if (!users) return report(users.error());
  std::vector<ordered_json> rows;
  for (const DashboardUser& u : *users) {
    rows.push_back(
        {{"name", u.name},
         {"role", u.role},
         {"lang", u.lang},
         {"created_at", when(u.created_at)},
         {"disabled_at", u.disabled_at ? ordered_json(when(*u.disabled_at)) : ordered_json()}});
  }
  print_rows(rows, f.format);
  return kOk;
}

// Changes a stored user: disabling (which ends their sessions) or a new password.
int change(const Flags& f, const Context& context, bool disable) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto found = (*store)->dashboard_user(f.name);
  if (!found) return report(found.error());
  if (!*found) return report(Error{ErrorCode::not_found, fmt::format("no user '{}'", f.name)});
  DashboardUser user = **found;
  if (disable) {
    user.disabled_at = clock_now();
  } else {
    auto password = read_password();
    if (!password) return report(password.error());
    auto hash = api::hash_password(*password);
    if (!hash) return report(hash.error());
    user.password_hash = *hash;
    user.disabled_at.reset();
  }
  if (Status done = (*store)->update_dashboard_user(user); !done) return report(done.error());
  fmt::print("{} dashboard user '{}'\n", disable ? "disabled" : "set a new password for",
             user.name);
  return kOk;
}

int run_disable(const Flags& f, const Context& context) { return change(f, context, true); }
int run_password(const Flags& f, const Context& context) { return change(f, context, false); }

}  // namespace

void add_users_command(CLI::App& app, const Context& context, Runner& runner) {
  CLI::App* cmd = app.add_subcommand("users", "People who sign in to the dashboard");
  cmd->require_subcommand(1);
  {
    auto [sub, f] = add_leaf(*cmd, "create", "Create a user; the password is read from stdin",
                             run_create, context, runner);
    sub->add_option("name", f->name, "The name to sign in with")->required();
    sub->add_option("--role", f->role, "admin, writer or reader (as API keys)")
        ->check(CLI::IsMember({"admin", "writer", "reader"}))
        ->capture_default_str();
    sub->add_option("--lang", f->lang, "The dashboard's language: en, fa or hy")
        ->check(CLI::IsMember({"en", "fa", "hy"}))
        ->capture_default_str();
  }
  add_leaf(*cmd, "list", "Users with their roles and languages", run_list, context, runner);
  {
    auto [sub, f] = add_leaf(*cmd, "disable", "Disable a user and end their sessions", run_disable,
                             context, runner);
    sub->add_option("name", f->name, "The user's name")->required();
  }
  {
    auto [sub, f] =
        add_leaf(*cmd, "password", "Set a new password (read from stdin); enables a disabled user",
                 run_password, context, runner);
    sub->add_option("name", f->name, "The user's name")->required();
  }
}

}  // namespace vafa::cli
