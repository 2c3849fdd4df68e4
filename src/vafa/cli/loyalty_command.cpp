// vafa loyalty balance|history|adjust|expire|check|config: the operator's view of the loyalty
// club (docs/loyalty.md), the same operations as the HTTP API.
#include <fmt/core.h>
#include <sodium.h>

#include "vafa/cli/command.hpp"
#include "vafa/loyalty/club.hpp"

namespace vafa::cli {

namespace {

using nlohmann::ordered_json;

struct Flags {
  std::string config = "vafa.toml";
  std::string customer;
  std::int64_t points = 0;
  std::string reason;
  std::string id;
  std::string at;
  std::string reward;
  std::string set_tier;
  bool withdraw = false;
  std::string from, to;
  std::optional<std::int64_t> days;
  std::size_t limit = 50;
  Format format = Format::table;
};

// Runs `body` in one transaction: committed when it succeeds, rolled back when it fails.
template <typename F>
auto in_transaction(Store& store, F&& body) -> decltype(body()) {
  VAFA_TRY(Transaction txn, Transaction::begin(store));
  auto result = body();
  if (result) VAFA_CHECK(txn.commit());
  return result;
}

Result<loyalty::Club> club_of(const Flags& f) {
  VAFA_TRY(loyalty::Config config, loyalty::load_config(f.config));
  if (!config.enabled) {
    return fail(ErrorCode::invalid_argument,
                "{} has no [loyalty] table; the club is off (docs/loyalty.md)", f.config);
  }
  return loyalty::Club(std::move(config));
}

Result<std::int64_t> customer_of(Store& store, const std::string& id) {
  VAFA_TRY(const auto row, store.customer_row(id));
  if (!row) return fail(ErrorCode::not_found, "no customer '{}'", id);
  return *row;
}

// The club, the store and the customer's row: what the per-customer commands start from.
struct Opened {
  loyalty::Club club;
  std::unique_ptr<Store> store;
  std::int64_t customer = 0;
};

Result<Opened> open_for_customer(const Flags& f, const Context& context) {
  VAFA_TRY(loyalty::Club club, club_of(f));
  VAFA_TRY(std::unique_ptr<Store> store, context.open_store());
  VAFA_TRY(const std::int64_t row, customer_of(*store, f.customer));
  return Opened{std::move(club), std::move(store), row};
}

std::string when(std::optional<std::int64_t> t) {
  return t ? format_iso8601(from_unix_seconds(*t)) : std::string();
}

int run_balance(const Flags& f, const Context& context) {
  auto opened = open_for_customer(f, context);
  if (!opened) return report(opened.error());
  const loyalty::Club& club = opened->club;
  Store& s = *opened->store;
  const std::int64_t row = opened->customer;
  auto balance = club.balance(s, row, clock_now());
  if (!balance) return report(balance.error());
  const PointsBalance& b = balance->points;
  print_rows({ordered_json{{"customer", f.customer},
                           {"available", b.available},
                           {"pending", b.pending},
                           {"earned", b.earned},
                           {"redeemed", b.redeemed},
                           {"expired", b.expired},
                           {"expiring_soon", balance->expiring_soon},
                           {"next_expiry_at", when(balance->next_expiry_at)}}},
             f.format);
  return kOk;
}

int run_history(const Flags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto row = customer_of(**store, f.customer);
  if (!row) return report(row.error());
  auto txns = (*store)->points_history(*row, f.limit, std::nullopt);
  if (!txns) return report(txns.error());
  std::vector<ordered_json> rows;
  for (const LedgerTxn& t : *txns) {
    std::int64_t available = 0, pending = 0;
    for (const LedgerEntry& e : t.entries) {
      if (e.account == PointsAccount::available) available += e.points;
      if (e.account == PointsAccount::pending) pending += e.points;
    }
    rows.push_back({{"id", t.id},
                    {"at", format_iso8601(from_unix_seconds(t.at))},
                    {"kind", t.kind},
                    {"cause", t.cause},
                    {"available", available},
                    {"pending", pending},
                    {"note", t.note}});
  }
  print_rows(rows, f.format);
  return kOk;
}

int run_adjust(const Flags& f, const Context& context) {
  if (f.reason.empty()) return report(Error{ErrorCode::invalid_argument, "--reason: say why"});
  auto opened = open_for_customer(f, context);
  if (!opened) return report(opened.error());
  const loyalty::Club& club = opened->club;
  Store& s = *opened->store;
  const std::int64_t row = opened->customer;
  std::string id = f.id;
  if (id.empty()) {
    std::array<unsigned char, 8> random{};
    randombytes_buf(random.data(), random.size());
    for (const unsigned char b : random) id += fmt::format("{:02x}", b);
  }
  auto moved = in_transaction(s, [&] {
    return club.adjust(s, row, f.points, f.reason + " (by the CLI)", "adjust:cli:" + id,
                       clock_now());
  });
  if (!moved) return report(moved.error());
  if (*moved == 0) {
    fmt::print("adjustment '{}' was made before; nothing changed\n", id);
    return kOk;
  }
  auto balance = s.points_balance(row);
  if (!balance) return report(balance.error());
  fmt::print("{:+} points for {} (adjustment '{}'); available now {}\n", *moved, f.customer, id,
             balance->available);
  return kOk;
}

int run_redeem(const Flags& f, const Context& context) {
  auto opened = open_for_customer(f, context);
  if (!opened) return report(opened.error());
  const loyalty::Club& club = opened->club;
  Store& s = *opened->store;
  const std::int64_t row = opened->customer;
  auto made = in_transaction(s, [&] { return club.redeem(s, row, f.reward, clock_now()); });
  if (!made) return report(made.error());
  auto balance = s.points_balance(row);
  if (!balance) return report(balance.error());
  print_rows({ordered_json{{"customer", f.customer},
                           {"reward", made->reward_code},
                           {"voucher", made->voucher},
                           {"points", made->points},
                           {"expires_at", when(made->expires_at)},
                           {"available", balance->available}}},
             f.format);
  return kOk;
}

int run_rewards(const Flags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto rewards = (*store)->rewards();
  if (!rewards) return report(rewards.error());
  std::vector<ordered_json> rows;
  for (const Reward& r : *rewards) {
    rows.push_back(
        {{"code", r.code},
         {"name", r.name},
         {"cost", r.cost},
         {"stock", r.stock ? ordered_json(*r.stock) : ordered_json("unlimited")},
         {"per_customer", r.per_customer ? ordered_json(*r.per_customer) : ordered_json()},
         {"active", r.active}});
  }
  print_rows(rows, f.format);
  return kOk;
}

int run_expire(const Flags& f, const Context& context) {
  auto club = club_of(f);
  if (!club) return report(club.error());
  std::int64_t now = clock_now();
  if (!f.at.empty()) {
    auto at = parse_time_flag("--at", f.at);
    if (!at) return report(at.error());
    now = *at;
  }
  auto store = context.open_store();
  if (!store) return report(store.error());
  Store& s = **store;
  std::int64_t tier_changes = 0, birthdays = 0;
  auto due = in_transaction(s, [&]() -> Result<loyalty::DueSummary> {
    VAFA_TRY(const loyalty::DueSummary summary, club->run_due(s, now));
    VAFA_TRY(tier_changes, club->review_tiers(s, now));
    VAFA_TRY(birthdays, club->birthdays(s, now));
    return summary;
  });
  if (!due) return report(due.error());
  print_rows({ordered_json{{"as_of", format_iso8601(from_unix_seconds(now))},
                           {"matured_lots", due->matured_lots},
                           {"matured_points", due->matured_points},
                           {"expired_lots", due->expired_lots},
                           {"expired_points", due->expired_points},
                           {"tier_changes", tier_changes},
                           {"birthday_bonuses", birthdays}}},
             f.format);
  return kOk;
}

// Every customer with available points expiring within the window, for a reminder campaign.
int run_expiring(const Flags& f, const Context& context) {
  auto club = club_of(f);
  if (!club) return report(club.error());
  auto store = context.open_store();
  if (!store) return report(store.error());
  const std::int64_t now = clock_now();
  const std::int64_t to = now + f.days.value_or(club->config().notice_days) * 86'400;
  std::vector<ordered_json> rows;
  for (std::int64_t after = 0;;) {
    auto page = (*store)->expiring_points(now, to, after, 10'000);
    if (!page) return report(page.error());
    for (const ExpiringPoints& e : *page) {
      rows.push_back({{"customer", e.customer_id},
                      {"points", e.points},
                      {"first_expiry", format_iso8601(from_unix_seconds(e.first_expiry))}});
    }
    if (page->size() < 10'000) break;
    after = page->back().customer;
  }
  print_rows(rows, f.format);
  return kOk;
}

int run_affiliates(const Flags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  if (f.from.empty() && f.to.empty()) {
    auto list = (*store)->affiliates();
    if (!list) return report(list.error());
    std::vector<ordered_json> rows;
    for (const Affiliate& a : *list) {
      rows.push_back(
          {{"code", a.code}, {"name", a.name}, {"rate_bp", a.rate_bp}, {"active", a.active}});
    }
    print_rows(rows, f.format);
    return kOk;
  }
  auto from = parse_time_flag("--from", f.from);
  if (!from) return report(from.error());
  auto to = parse_time_flag("--to", f.to);
  if (!to) return report(to.error());
  if (*to <= *from) return report(Error{ErrorCode::invalid_argument, "--to must be after --from"});
  auto payable = (*store)->affiliate_payable(*from, *to);
  if (!payable) return report(payable.error());
  std::vector<ordered_json> rows;
  for (const AffiliatePayable& p : *payable) {
    const auto currency = Currency::parse(p.currency);
    const int exponent = currency ? currency->exponent() : 2;
    rows.push_back({{"affiliate", p.affiliate},
                    {"name", p.name},
                    {"currency", p.currency},
                    {"orders", p.orders},
                    {"returns", p.returns},
                    {"cancellations", p.cancellations},
                    {"sales", format_minor_units(p.sales_minor, exponent)},
                    {"commission", format_minor_units(p.commission_minor, exponent)}});
  }
  print_rows(rows, f.format);
  return kOk;
}

int run_tier(const Flags& f, const Context& context) {
  auto opened = open_for_customer(f, context);
  if (!opened) return report(opened.error());
  const loyalty::Club& club = opened->club;
  Store& s = *opened->store;
  const std::int64_t row = opened->customer;
  if (!f.set_tier.empty() || f.withdraw) {
    auto changed = in_transaction(s, [&] {
      return club.set_tier(
          s, row, f.withdraw ? std::nullopt : std::optional<std::string>(f.set_tier), clock_now());
    });
    if (!changed) return report(changed.error());
  }
  auto view = club.tier(s, row, clock_now());
  if (!view) return report(view.error());
  if (view->tier == nullptr) {
    return report(Error{ErrorCode::invalid_argument, "no tiers are configured in " + f.config});
  }
  print_rows({ordered_json{{"customer", f.customer},
                           {"tier", view->tier->name},
                           {"since", view->state ? when(view->state->since) : std::string()},
                           {"invited", view->state && view->state->invited},
                           {"value", view->value},
                           {"next", view->next ? view->next->name : std::string()},
                           {"needs", view->next ? ordered_json(view->to_next) : ordered_json()}}},
             f.format);
  return kOk;
}

int run_check(const Flags& f, const Context& context) {
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto check = (*store)->check_points();
  if (!check) return report(check.error());
  const bool sound = check->sound();
  print_rows({ordered_json{{"transactions", check->txns},
                           {"entries", check->entries},
                           {"sum_of_entries", check->total},
                           {"unbalanced_transactions", check->unbalanced_txns},
                           {"wrong_balances", check->wrong_balances},
                           {"lots_not_matching", check->lots_not_matching},
                           {"sound", sound}}},
             f.format);
  if (!sound) {
    fmt::print(
        stderr,
        "vafa: the points ledger is NOT sound ({}); keep a copy of the store and report it\n",
        check->problems());
    return kFailure;
  }
  return kOk;
}

int run_config(const Flags& f, const Context&) {
  auto config = loyalty::load_config(f.config);
  if (!config) return report(config.error());
  fmt::print("{}\n", config->to_json().dump(2));
  return kOk;
}

}  // namespace

void add_loyalty_command(CLI::App& app, const Context& context, Runner& runner) {
  CLI::App* cmd = app.add_subcommand("loyalty", "The loyalty club's points (docs/loyalty.md)");
  cmd->require_subcommand(1);
  auto config_flag = [](CLI::App* sub, Flags& f) {
    sub->add_option("--config", f.config, "The settings file")->capture_default_str();
  };
  {
    auto [sub, f] = add_leaf(*cmd, "balance", "A customer's points", run_balance, context, runner);
    sub->add_option("customer", f->customer, "Customer id")->required();
    config_flag(sub, *f);
  }
  {
    auto [sub, f] =
        add_leaf(*cmd, "history", "A customer's points movements", run_history, context, runner);
    sub->add_option("customer", f->customer, "Customer id")->required();
    sub->add_option("--limit", f->limit, "Latest N movements")->check(CLI::Range(1, 10'000));
  }
  {
    auto [sub, f] =
        add_leaf(*cmd, "adjust", "Give or take back points by hand", run_adjust, context, runner);
    sub->add_option("customer", f->customer, "Customer id")->required();
    sub->add_option("--points", f->points, "Points: positive gives, negative takes back")
        ->required()
        ->check(CLI::Range(-100'000'000, 100'000'000));
    sub->add_option("--reason", f->reason, "Why (kept in the ledger)")->required();
    sub->add_option("--id", f->id, "Names the adjustment; the same id twice changes nothing");
    config_flag(sub, *f);
  }
  {
    auto [sub, f] = add_leaf(*cmd, "redeem", "Spend a customer's points on a reward (a voucher)",
                             run_redeem, context, runner);
    sub->add_option("customer", f->customer, "Customer id")->required();
    sub->add_option("reward", f->reward, "The reward's code")->required();
    config_flag(sub, *f);
  }
  add_leaf(*cmd, "rewards", "The rewards catalogue (add rewards with POST /api/v1/rewards)",
           run_rewards, context, runner);
  {
    auto [sub, f] = add_leaf(*cmd, "expire",
                             "Make pending points available and expire old ones (safe to repeat)",
                             run_expire, context, runner);
    sub->add_option("--at", f->at, "As of this time (default: now)");
    config_flag(sub, *f);
  }
  {
    auto [sub, f] = add_leaf(*cmd, "tier", "A customer's tier; --set invites to one", run_tier,
                             context, runner);
    sub->add_option("customer", f->customer, "Customer id")->required();
    sub->add_option("--set", f->set_tier, "Put the customer in this tier (an invitation)");
    sub->add_flag("--withdraw", f->withdraw, "Back to the tier the customer qualifies for");
    config_flag(sub, *f);
  }
  {
    auto [sub, f] = add_leaf(*cmd, "expiring",
                             "Customers whose available points expire soon (for a reminder "
                             "campaign; --csv to export)",
                             run_expiring, context, runner);
    sub->add_option("--days", f->days, "Look this many days ahead (default: notice_days)")
        ->check(CLI::Range(1, 3650));
    config_flag(sub, *f);
  }
  {
    auto [sub, f] = add_leaf(*cmd, "affiliates",
                             "Affiliates; with --from and --to, the commissions payable for "
                             "that period (add affiliates with POST /api/v1/affiliates)",
                             run_affiliates, context, runner);
    sub->add_option("--from", f->from, "Start of the period (a date, inclusive)");
    sub->add_option("--to", f->to, "End of the period (a date, exclusive)");
  }
  add_leaf(*cmd, "check", "Verify the ledger: entries sum to zero, balances and lots agree",
           run_check, context, runner);
  {
    auto [sub, f] = add_leaf(*cmd, "config", "Check the settings file and show what it means",
                             run_config, context, runner);
    config_flag(sub, *f);
  }
}

}  // namespace vafa::cli
