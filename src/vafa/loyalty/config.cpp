#include "vafa/loyalty/config.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "vafa/core/text.hpp"

namespace vafa::loyalty {

namespace {

// Reads one table's keys with their types and ranges; the first problem wins, named with the
// file, line, column and dotted key.
class Reader {
 public:
  Reader(std::string_view source) : source_(source) {}

  Status error_at(const toml::node& node, std::string_view key, std::string_view what) const {
    const auto& at = node.source().begin;
    return fail(ErrorCode::invalid_argument, "{}:{}:{}: {}: {}", source_, at.line, at.column, key,
                what);
  }

  Status only(const toml::table& table, std::string_view prefix,
              std::initializer_list<std::string_view> known) const {
    for (const auto& [name, node] : table) {
      if (std::find(known.begin(), known.end(), name.str()) == known.end()) {
        std::string list;
        for (const auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        return error_at(node, fmt::format("{}.{}", prefix, name.str()),
                        fmt::format("unknown setting (known: {})", list));
      }
    }
    return {};
  }

  Result<std::optional<std::int64_t>> integer(const toml::table& table, std::string_view prefix,
                                              std::string_view key, std::int64_t low,
                                              std::int64_t high) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::optional<std::int64_t>();
    const std::string name = fmt::format("{}.{}", prefix, key);
    const auto value = node->value_exact<std::int64_t>();
    if (!value) return std::unexpected(error_at(*node, name, "must be a whole number").error());
    if (*value < low || *value > high) {
      return std::unexpected(
          error_at(*node, name, fmt::format("must be from {} to {}", low, high)).error());
    }
    return value;
  }

  Result<std::optional<std::string>> text(const toml::table& table, std::string_view prefix,
                                          std::string_view key) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::optional<std::string>();
    const auto value = node->value_exact<std::string>();
    if (!value) {
      return std::unexpected(
          error_at(*node, fmt::format("{}.{}", prefix, key), "must be a string").error());
    }
    return value;
  }

  Result<std::optional<bool>> boolean(const toml::table& table, std::string_view prefix,
                                      std::string_view key) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::optional<bool>();
    const auto value = node->value_exact<bool>();
    if (!value) {
      return std::unexpected(
          error_at(*node, fmt::format("{}.{}", prefix, key), "must be true or false").error());
    }
    return value;
  }

  // A date (TOML date or "YYYY-MM-DD" / ISO 8601 text) as a Timestamp.
  Result<Timestamp> time(const toml::table& table, std::string_view prefix,
                         std::string_view key) const {
    const toml::node* node = table.get(key);
    const std::string name = fmt::format("{}.{}", prefix, key);
    if (node == nullptr) {
      return fail(ErrorCode::invalid_argument, "{}: {}: is required", source_, name);
    }
    if (const auto d = node->value_exact<toml::date>()) {
      return std::chrono::sys_days{std::chrono::year{d->year} / d->month / d->day};
    }
    if (const auto s = node->value_exact<std::string>()) {
      if (auto t = parse_iso8601(*s)) return *t;
    }
    return std::unexpected(error_at(*node, name, "must be a date (2026-12-21)").error());
  }

 private:
  std::string source_;
};

Result<std::int64_t> money_minor(std::string_view text, const Currency& currency,
                                 std::string_view what) {
  auto minor = parse_minor_units(text, currency.exponent());
  if (!minor) {
    return fail(ErrorCode::invalid_argument, "{}: '{}' is not an amount of {} ({})", what, text,
                currency.code(), minor.error().message);
  }
  return *minor;
}

Result<ExpiryPeriod> period_of(std::string_view text) {
  if (text == "month") return ExpiryPeriod::month;
  if (text == "quarter") return ExpiryPeriod::quarter;
  if (text == "year") return ExpiryPeriod::year;
  return fail(ErrorCode::invalid_argument, "must be month, quarter or year");
}

// The optional "categories" and "channels" arrays of a campaign or gift rule.
Status read_filters(const Reader& r, const toml::table& table, std::string_view q,
                    std::vector<std::string>& categories, std::vector<Channel>& channels) {
  for (const std::string_view key : {"channels", "categories"}) {
    const toml::node* sub = table.get(key);
    if (sub == nullptr) continue;
    const toml::array* items = sub->as_array();
    if (items == nullptr) {
      return r.error_at(*sub, fmt::format("{}.{}", q, key), "must be an array of strings");
    }
    for (const toml::node& item : *items) {
      const auto s = item.value_exact<std::string>();
      if (!s) return r.error_at(item, fmt::format("{}.{}", q, key), "must hold strings");
      if (key == "categories") {
        categories.push_back(*s);
      } else {
        auto channel = parse_channel(*s);
        if (!channel) {
          return r.error_at(item, fmt::format("{}.{}", q, key), channel.error().message);
        }
        channels.push_back(*channel);
      }
    }
  }
  return {};
}

// [loyalty.referral] and the [[loyalty.gift]] list.
Status read_programmes(const Reader& r, const toml::table& table, Config& config) {
  if (const toml::node* node = table.get("referral")) {
    const toml::table* t = node->as_table();
    const std::string_view q = "loyalty.referral";
    if (t == nullptr) return r.error_at(*node, q, "must be a table");
    VAFA_CHECK(r.only(*t, q, {"referrer", "referee", "minimum_order"}));
    config.referral.enabled = true;
    VAFA_TRY(const auto referrer, r.integer(*t, q, "referrer", 0, 1'000'000));
    config.referral.referrer_points = referrer.value_or(0);
    VAFA_TRY(const auto referee, r.integer(*t, q, "referee", 0, 1'000'000));
    config.referral.referee_points = referee.value_or(0);
    config.referral.minimum_order_minor = config.minimum_order_minor;
    VAFA_TRY(const auto minimum, r.text(*t, q, "minimum_order"));
    if (minimum) {
      VAFA_TRY(config.referral.minimum_order_minor,
               money_minor(*minimum, config.currency, "loyalty.referral.minimum_order"));
    }
  }
  const toml::node* node = table.get("gift");
  if (node == nullptr) return {};
  const toml::array* list = node->as_array();
  if (list == nullptr) {
    return r.error_at(*node, "loyalty.gift", "must be an array of tables ([[loyalty.gift]])");
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const toml::table* t = (*list)[i].as_table();
    const std::string q = fmt::format("loyalty.gift[{}]", i);
    if (t == nullptr) return r.error_at((*list)[i], q, "must be a table");
    VAFA_CHECK(r.only(
        *t, q, {"name", "reward", "minimum_order", "categories", "channels", "start", "end"}));
    GiftRule gift;
    VAFA_TRY(const auto reward, r.text(*t, q, "reward"));
    if (!reward || reward->empty()) {
      return fail(ErrorCode::invalid_argument, "{}.reward: is required (a reward's code)", q);
    }
    gift.reward = *reward;
    VAFA_TRY(const auto name, r.text(*t, q, "name"));
    gift.name = name.value_or(gift.reward);
    if (gift.name.empty() || gift.name.size() > 64 || gift.name.find(':') != std::string::npos) {
      return r.error_at(*t, q + ".name", "must be 1 to 64 characters without ':'");
    }
    for (const GiftRule& other : config.gifts) {
      if (other.name == gift.name) {
        return r.error_at(*t, q + ".name",
                          fmt::format("'{}' is named twice; give each gift a name", gift.name));
      }
    }
    VAFA_TRY(const auto minimum, r.text(*t, q, "minimum_order"));
    if (minimum) {
      VAFA_TRY(gift.minimum_order_minor,
               money_minor(*minimum, config.currency, q + ".minimum_order"));
    }
    VAFA_CHECK(read_filters(r, *t, q, gift.categories, gift.channels));
    if (t->contains("start")) {
      VAFA_TRY(gift.start, r.time(*t, q, "start"));
    }
    if (t->contains("end")) {
      VAFA_TRY(gift.end, r.time(*t, q, "end"));
    }
    if (gift.start && gift.end && *gift.end <= *gift.start) {
      return r.error_at(*t->get("end"), q + ".end", "must be after start");
    }
    config.gifts.push_back(std::move(gift));
  }
  return {};
}

// [loyalty.tiers] settings and the [[loyalty.tier]] list.
Status read_tiers(const Reader& r, const toml::table& table, Config& config) {
  if (const toml::node* node = table.get("tiers")) {
    const toml::table* t = node->as_table();
    const std::string_view q = "loyalty.tiers";
    if (t == nullptr) return r.error_at(*node, q, "must be a table");
    VAFA_CHECK(r.only(*t, q, {"measure", "window_days", "review", "grace_days"}));
    VAFA_TRY(const auto measure, r.text(*t, q, "measure"));
    if (measure && *measure == "spend") {
      config.tier_measure = TierMeasure::spend;
    } else if (measure && *measure != "points") {
      return r.error_at(*t->get("measure"), "loyalty.tiers.measure", "must be points or spend");
    }
    VAFA_TRY(const auto window, r.integer(*t, q, "window_days", 1, 3650));
    if (window) config.tier_window_days = *window;
    VAFA_TRY(const auto review, r.text(*t, q, "review"));
    if (review) {
      auto period = period_of(*review);
      if (!period)
        return r.error_at(*t->get("review"), "loyalty.tiers.review", period.error().message);
      config.tier_review = *period;
    }
    VAFA_TRY(const auto grace, r.integer(*t, q, "grace_days", 0, 3650));
    if (grace) config.tier_grace_days = *grace;
  }
  const toml::node* node = table.get("tier");
  if (node == nullptr) return {};
  const toml::array* list = node->as_array();
  if (list == nullptr) {
    return r.error_at(*node, "loyalty.tier", "must be an array of tables ([[loyalty.tier]])");
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const toml::table* t = (*list)[i].as_table();
    const std::string q = fmt::format("loyalty.tier[{}]", i);
    if (t == nullptr) return r.error_at((*list)[i], q, "must be a table");
    VAFA_CHECK(r.only(
        *t, q, {"name", "threshold", "percent", "priority_support", "gift", "invitation_only"}));
    Tier tier;
    VAFA_TRY(const auto name, r.text(*t, q, "name"));
    if (!name || name->empty() || name->size() > 64 || !is_display_name(*name)) {
      return fail(ErrorCode::invalid_argument, "{}: {}.name: give each tier a name", "vafa.toml",
                  q);
    }
    if (config.tier(*name) != nullptr) {
      return r.error_at(*t->get("name"), q + ".name", fmt::format("'{}' is named twice", *name));
    }
    tier.name = *name;
    VAFA_TRY(const auto invitation, r.boolean(*t, q, "invitation_only"));
    tier.invitation_only = invitation.value_or(false);
    if (const toml::node* threshold = t->get("threshold")) {
      if (config.tier_measure == TierMeasure::spend) {
        const auto text = threshold->value_exact<std::string>();
        if (!text) {
          return r.error_at(*threshold, q + ".threshold",
                            "with measure = \"spend\", give an amount as text (\"500.00\")");
        }
        VAFA_TRY(tier.threshold, money_minor(*text, config.currency, q + ".threshold"));
      } else {
        VAFA_TRY(const auto points, r.integer(*t, q, "threshold", 0, 1'000'000'000'000));
        tier.threshold = *points;
      }
    } else if (!tier.invitation_only) {
      return fail(ErrorCode::invalid_argument, "{}.threshold: is required", q);
    }
    VAFA_TRY(const auto percent, r.integer(*t, q, "percent", 0, 10'000));
    tier.percent = percent.value_or(100);
    VAFA_TRY(const auto support, r.boolean(*t, q, "priority_support"));
    tier.priority_support = support.value_or(false);
    VAFA_TRY(const auto gift, r.text(*t, q, "gift"));
    tier.gift = gift.value_or("");
    config.tiers.push_back(std::move(tier));
  }
  std::stable_sort(config.tiers.begin(), config.tiers.end(), [](const Tier& a, const Tier& b) {
    if (a.invitation_only != b.invitation_only) return !a.invitation_only;
    return a.threshold < b.threshold;
  });
  if (config.base_tier() == nullptr) {
    return fail(ErrorCode::invalid_argument, "loyalty.tier: at least one tier must be open to all");
  }
  return {};
}

}  // namespace

const Tier* Config::tier(std::string_view name) const {
  for (const Tier& t : tiers) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const Tier* Config::base_tier() const {
  for (const Tier& t : tiers) {
    if (!t.invitation_only) return &t;
  }
  return nullptr;
}

std::int64_t period_start(ExpiryPeriod period, std::int64_t t) {
  using namespace std::chrono;
  const year_month_day day{floor<days>(from_unix_seconds(t))};
  unsigned month_number = static_cast<unsigned>(day.month());
  if (period == ExpiryPeriod::quarter) month_number = (month_number - 1) / 3 * 3 + 1;
  if (period == ExpiryPeriod::year) month_number = 1;
  return unix_seconds(sys_days{day.year() / month{month_number} / 1});
}

Result<Config> parse_config(std::string_view text, std::string_view source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return fail(ErrorCode::invalid_argument, "{}:{}:{}: {}", source, e.source().begin.line,
                e.source().begin.column, e.description());
  }
  Config config;
  const toml::table* table = root["loyalty"].as_table();
  if (table == nullptr) {
    if (root.contains("loyalty")) {
      return fail(ErrorCode::invalid_argument, "{}: loyalty must be a table", source);
    }
    return config;  // no loyalty club
  }
  config.enabled = true;
  const Reader r(source);
  const std::string_view p = "loyalty";
  VAFA_CHECK(r.only(*table, p,
                    {"currency", "points_per_unit", "unit", "minimum_order", "max_points_per_order",
                     "max_points_per_day", "pending_days", "allow_negative", "multipliers", "bonus",
                     "expiry", "campaign", "tiers", "tier", "referral", "gift"}));

  VAFA_TRY(const auto currency, r.text(*table, p, "currency"));
  if (!currency) {
    return fail(ErrorCode::invalid_argument,
                "{}: loyalty.currency is required (the currency whose orders earn points)", source);
  }
  VAFA_TRY(config.currency, Currency::parse(*currency));
  VAFA_TRY(const auto per_unit, r.integer(*table, p, "points_per_unit", 0, 1'000'000));
  if (per_unit) config.points_per_unit = *per_unit;
  config.unit_minor = 1;
  for (int i = 0; i < config.currency.exponent(); ++i) config.unit_minor *= 10;
  VAFA_TRY(const auto unit, r.text(*table, p, "unit"));
  if (unit) {
    VAFA_TRY(config.unit_minor, money_minor(*unit, config.currency, "loyalty.unit"));
    if (config.unit_minor <= 0) {
      return fail(ErrorCode::invalid_argument, "{}: loyalty.unit must be more than zero", source);
    }
  }
  VAFA_TRY(const auto minimum, r.text(*table, p, "minimum_order"));
  if (minimum) {
    VAFA_TRY(config.minimum_order_minor,
             money_minor(*minimum, config.currency, "loyalty.minimum_order"));
  }
  VAFA_TRY(const auto per_order, r.integer(*table, p, "max_points_per_order", 0, 1'000'000'000));
  config.max_points_per_order = per_order.value_or(0);
  VAFA_TRY(const auto per_day, r.integer(*table, p, "max_points_per_day", 0, 1'000'000'000));
  config.max_points_per_day = per_day.value_or(0);
  VAFA_TRY(const auto pending, r.integer(*table, p, "pending_days", 0, 3650));
  config.pending_days = pending.value_or(0);
  VAFA_TRY(const auto negative, r.boolean(*table, p, "allow_negative"));
  config.allow_negative = negative.value_or(false);

  if (const toml::node* node = table->get("multipliers")) {
    const toml::table* m = node->as_table();
    if (m == nullptr)
      return std::unexpected(r.error_at(*node, "loyalty.multipliers", "must be a table").error());
    VAFA_CHECK(r.only(*m, "loyalty.multipliers", {"category", "channel"}));
    for (const std::string_view kind : {"category", "channel"}) {
      const toml::node* sub = m->get(kind);
      if (sub == nullptr) continue;
      const std::string prefix = fmt::format("loyalty.multipliers.{}", kind);
      const toml::table* t = sub->as_table();
      if (t == nullptr) {
        return std::unexpected(
            r.error_at(*sub, prefix, "must be a table of name = percent").error());
      }
      for (const auto& [name, value] : *t) {
        VAFA_TRY(const auto percent, r.integer(*t, prefix, name.str(), 0, 10'000));
        if (kind == "category") {
          config.category_percent[std::string(name.str())] = *percent;
        } else {
          auto channel = parse_channel(name.str());
          if (!channel)
            return std::unexpected(r.error_at(value, prefix, channel.error().message).error());
          config.channel_percent[*channel] = *percent;
        }
      }
    }
  }

  if (const toml::node* node = table->get("bonus")) {
    const toml::table* b = node->as_table();
    if (b == nullptr)
      return std::unexpected(r.error_at(*node, "loyalty.bonus", "must be a table").error());
    VAFA_CHECK(r.only(*b, "loyalty.bonus",
                      {"signup", "birthday", "first_order", "review", "referral", "nps"}));
    for (const auto& [name, value] : *b) {
      VAFA_TRY(const auto points, r.integer(*b, "loyalty.bonus", name.str(), 0, 1'000'000));
      config.bonus[std::string(name.str())] = *points;
    }
  }

  if (const toml::node* node = table->get("expiry")) {
    const toml::table* e = node->as_table();
    if (e == nullptr)
      return std::unexpected(r.error_at(*node, "loyalty.expiry", "must be a table").error());
    const std::string_view q = "loyalty.expiry";
    VAFA_CHECK(r.only(*e, q, {"policy", "days", "period", "periods_after", "notice_days"}));
    VAFA_TRY(const auto policy, r.text(*e, q, "policy"));
    const std::string chosen = policy.value_or("never");
    if (chosen == "never") {
      config.expiry = ExpiryPolicy::never;
    } else if (chosen == "rolling") {
      config.expiry = ExpiryPolicy::rolling;
    } else if (chosen == "period_end") {
      config.expiry = ExpiryPolicy::period_end;
    } else {
      return std::unexpected(
          r.error_at(*e->get("policy"), "loyalty.expiry.policy",
                     fmt::format("'{}' is not never, rolling or period_end", chosen))
              .error());
    }
    VAFA_TRY(const auto days, r.integer(*e, q, "days", 1, 36'500));
    if (days) config.expiry_days = *days;
    VAFA_TRY(const auto period, r.text(*e, q, "period"));
    if (period) {
      if (*period == "month") {
        config.expiry_period = ExpiryPeriod::month;
      } else if (*period == "quarter") {
        config.expiry_period = ExpiryPeriod::quarter;
      } else if (*period == "year") {
        config.expiry_period = ExpiryPeriod::year;
      } else {
        return std::unexpected(
            r.error_at(*e->get("period"), "loyalty.expiry.period", "must be month, quarter or year")
                .error());
      }
    }
    VAFA_TRY(const auto after, r.integer(*e, q, "periods_after", 0, 100));
    if (after) config.expiry_periods_after = *after;
    VAFA_TRY(const auto notice, r.integer(*e, q, "notice_days", 0, 3650));
    if (notice) config.notice_days = *notice;
  }

  if (const toml::node* node = table->get("campaign")) {
    const toml::array* list = node->as_array();
    if (list == nullptr) {
      return std::unexpected(
          r.error_at(*node, "loyalty.campaign", "must be an array of tables ([[loyalty.campaign]])")
              .error());
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
      const toml::table* c = (*list)[i].as_table();
      const std::string q = fmt::format("loyalty.campaign[{}]", i);
      if (c == nullptr)
        return std::unexpected(r.error_at((*list)[i], q, "must be a table").error());
      VAFA_CHECK(r.only(*c, q, {"name", "start", "end", "percent", "channels", "categories"}));
      Campaign campaign;
      VAFA_TRY(const auto name, r.text(*c, q, "name"));
      campaign.name = name.value_or(fmt::format("campaign {}", i + 1));
      VAFA_TRY(campaign.start, r.time(*c, q, "start"));
      VAFA_TRY(campaign.end, r.time(*c, q, "end"));
      if (campaign.end <= campaign.start) {
        return std::unexpected(
            r.error_at(*c->get("end"), q + ".end", "must be after start").error());
      }
      VAFA_TRY(const auto percent, r.integer(*c, q, "percent", 0, 10'000));
      campaign.percent = percent.value_or(100);
      VAFA_CHECK(read_filters(r, *c, q, campaign.categories, campaign.channels));
      config.campaigns.push_back(std::move(campaign));
    }
  }
  VAFA_CHECK(read_tiers(r, *table, config));
  VAFA_CHECK(read_programmes(r, *table, config));
  return config;
}

Result<Config> load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::not_found, "cannot open the configuration file {}", path);
  std::stringstream text;
  text << in.rdbuf();
  if (!is_valid_utf8(text.str())) {
    return fail(ErrorCode::invalid_argument, "{}: not valid UTF-8", path);
  }
  return parse_config(text.str(), path);
}

std::optional<std::int64_t> expiry_of(const Config& config, std::int64_t earned_at) {
  using namespace std::chrono;
  switch (config.expiry) {
    case ExpiryPolicy::never: return std::nullopt;
    case ExpiryPolicy::rolling: return earned_at + config.expiry_days * 86'400;
    case ExpiryPolicy::period_end: break;
  }
  const year_month_day day{floor<days>(from_unix_seconds(earned_at))};
  // The first day after the period `periods_after` periods later; points expire then.
  year_month first{day.year(), day.month()};
  switch (config.expiry_period) {
    case ExpiryPeriod::month: first += months{config.expiry_periods_after + 1}; break;
    case ExpiryPeriod::quarter: {
      const unsigned quarter_start = (static_cast<unsigned>(day.month()) - 1) / 3 * 3 + 1;
      first = year_month{day.year(), month{quarter_start}} +
              months{3 * (config.expiry_periods_after + 1)};
      break;
    }
    case ExpiryPeriod::year:
      first = year_month{day.year() + years{config.expiry_periods_after + 1}, January};
      break;
  }
  return unix_seconds(sys_days{first / 1});
}

nlohmann::ordered_json Config::to_json() const {
  using nlohmann::ordered_json;
  ordered_json out = {{"enabled", enabled}};
  if (!enabled) return out;
  out["currency"] = currency.code();
  out["points_per_unit"] = points_per_unit;
  out["unit"] = format_minor_units(unit_minor, currency.exponent());
  out["minimum_order"] = format_minor_units(minimum_order_minor, currency.exponent());
  out["max_points_per_order"] = max_points_per_order;
  out["max_points_per_day"] = max_points_per_day;
  out["pending_days"] = pending_days;
  out["allow_negative"] = allow_negative;
  ordered_json categories = ordered_json::object();
  for (const auto& [name, percent] : category_percent) categories[name] = percent;
  ordered_json channels = ordered_json::object();
  for (const auto& [channel, percent] : channel_percent) {
    channels[std::string(to_string(channel))] = percent;
  }
  out["multipliers"] = {{"category", categories}, {"channel", channels}};
  ordered_json bonuses = ordered_json::object();
  for (const auto& [name, points] : bonus) bonuses[name] = points;
  out["bonus"] = bonuses;
  const char* policy = expiry == ExpiryPolicy::never     ? "never"
                       : expiry == ExpiryPolicy::rolling ? "rolling"
                                                         : "period_end";
  ordered_json e = {{"policy", policy}, {"notice_days", notice_days}};
  if (expiry == ExpiryPolicy::rolling) e["days"] = expiry_days;
  if (expiry == ExpiryPolicy::period_end) {
    e["period"] = expiry_period == ExpiryPeriod::month     ? "month"
                  : expiry_period == ExpiryPeriod::quarter ? "quarter"
                                                           : "year";
    e["periods_after"] = expiry_periods_after;
  }
  out["expiry"] = e;
  ordered_json list = ordered_json::array();
  for (const Campaign& c : campaigns) {
    ordered_json chans = ordered_json::array();
    for (const Channel ch : c.channels) chans.push_back(to_string(ch));
    list.push_back({{"name", c.name},
                    {"start", format_iso8601(c.start)},
                    {"end", format_iso8601(c.end)},
                    {"percent", c.percent},
                    {"channels", chans},
                    {"categories", c.categories}});
  }
  out["campaigns"] = list;
  ordered_json tier_list = ordered_json::array();
  for (const Tier& t : tiers) {
    tier_list.push_back({{"name", t.name},
                         {"threshold", t.threshold},
                         {"percent", t.percent},
                         {"priority_support", t.priority_support},
                         {"gift", t.gift},
                         {"invitation_only", t.invitation_only}});
  }
  if (referral.enabled) {
    out["referral"] = {
        {"referrer", referral.referrer_points},
        {"referee", referral.referee_points},
        {"minimum_order", format_minor_units(referral.minimum_order_minor, currency.exponent())}};
  } else {
    out["referral"] = nullptr;
  }
  ordered_json gift_list = ordered_json::array();
  for (const GiftRule& g : gifts) {
    ordered_json chans = ordered_json::array();
    for (const Channel ch : g.channels) chans.push_back(to_string(ch));
    gift_list.push_back(
        {{"name", g.name},
         {"reward", g.reward},
         {"minimum_order", format_minor_units(g.minimum_order_minor, currency.exponent())},
         {"categories", g.categories},
         {"channels", chans},
         {"start", g.start ? ordered_json(format_iso8601(*g.start)) : ordered_json(nullptr)},
         {"end", g.end ? ordered_json(format_iso8601(*g.end)) : ordered_json(nullptr)}});
  }
  out["gifts"] = gift_list;
  out["tiers"] = {{"measure", tier_measure == TierMeasure::points ? "points" : "spend"},
                  {"window_days", tier_window_days},
                  {"review", tier_review == ExpiryPeriod::month     ? "month"
                             : tier_review == ExpiryPeriod::quarter ? "quarter"
                                                                    : "year"},
                  {"grace_days", tier_grace_days},
                  {"list", tier_list}};
  return out;
}

}  // namespace vafa::loyalty
