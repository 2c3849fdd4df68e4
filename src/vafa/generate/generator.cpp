#include "vafa/generate/generator.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "vafa/generate/random.hpp"

namespace vafa::generate {

namespace {

using std::chrono::days;
using std::chrono::seconds;
using std::chrono::sys_days;

constexpr std::uint64_t kCatalogueStream = 0xCA7A;
constexpr std::uint64_t kSpendStream = 0x5BE7D;

struct CategoryDef {
  std::string_view name;
  double weight;        // share of purchases
  double base_price;    // median list price, major units
  std::size_t partner;  // the category most often bought with this one
};

// Twelve departments of a general online shop; partner = the department most often co-bought.
constexpr std::array<CategoryDef, 12> kCategories = {{
    {"books", 0.14, 14, 11},
    {"music", 0.08, 12, 0},
    {"electronics", 0.10, 180, 10},
    {"home", 0.10, 45, 8},
    {"beauty", 0.09, 22, 5},
    {"fashion", 0.13, 40, 4},
    {"toys", 0.07, 25, 0},
    {"sports", 0.07, 55, 5},
    {"garden", 0.05, 35, 3},
    {"grocery", 0.10, 8, 9},
    {"office", 0.04, 18, 2},
    {"stationery", 0.03, 6, 0},
}};

constexpr std::array<std::string_view, 10> kAdjectives = {
    "classic",   "deluxe", "compact", "premium", "everyday",
    "essential", "pro",    "mini",    "family",  "signature"};

constexpr std::size_t kBundleSize = 5;

struct Name {
  std::string_view latin;
  std::string_view native;
};

struct CountryDef {
  std::string_view code;
  double weight;
  std::string_view locale;
  std::string_view time_zone;
  std::string_view calling_code;
  std::string_view mobile_prefix;
  int subscriber_digits;
  std::span<const Name> given;
  std::span<const Name> family;
};

constexpr Name kPersianGiven[] = {{"ali", "علی"},       {"sara", "سارا"},     {"reza", "رضا"},
                                  {"maryam", "مریم"},   {"hossein", "حسین"},  {"zahra", "زهرا"},
                                  {"mohammad", "محمد"}, {"fatemeh", "فاطمه"}, {"amir", "امیر"},
                                  {"narges", "نرگس"},   {"mehdi", "مهدی"},    {"shirin", "شیرین"}};
constexpr Name kPersianFamily[] = {
    {"rezaei", "رضایی"}, {"ahmadi", "احمدی"}, {"hosseini", "حسینی"}, {"karimi", "کریمی"},
    {"moradi", "مرادی"}, {"jafari", "جعفری"}, {"tehrani", "تهرانی"}, {"sadeghi", "صادقی"}};
constexpr Name kArmenianGiven[] = {{"aram", "Արամ"},     {"ani", "Անի"},       {"davit", "Դավիթ"},
                                   {"narek", "Նարեկ"},   {"lilit", "Լիլիթ"},   {"mariam", "Մարիամ"},
                                   {"tigran", "Տիգրան"}, {"anahit", "Անահիտ"}, {"hayk", "Հայկ"},
                                   {"gayane", "Գայանե"}};
constexpr Name kArmenianFamily[] = {{"petrosyan", "Պետրոսյան"}, {"sargsyan", "Սարգսյան"},
                                    {"hakobyan", "Հակոբյան"},   {"grigoryan", "Գրիգորյան"},
                                    {"avetisyan", "Ավետիսյան"}, {"harutyunyan", "Հարությունյան"},
                                    {"vardanyan", "Վարդանյան"}};
constexpr Name kEnglishGiven[] = {{"john", "John"},   {"emma", "Emma"},    {"olivia", "Olivia"},
                                  {"liam", "Liam"},   {"noah", "Noah"},    {"ava", "Ava"},
                                  {"lukas", "Lukas"}, {"sophie", "Sophie"}};
constexpr Name kEnglishFamily[] = {{"smith", "Smith"},     {"johnson", "Johnson"},
                                   {"brown", "Brown"},     {"miller", "Miller"},
                                   {"schmidt", "Schmidt"}, {"wilson", "Wilson"}};

const std::array<CountryDef, 4> kCountries = {{
    {"IR", 0.45, "fa-IR", "Asia/Tehran", "98", "912", 7, kPersianGiven, kPersianFamily},
    {"AM", 0.35, "hy-AM", "Asia/Yerevan", "374", "9", 7, kArmenianGiven, kArmenianFamily},
    {"US", 0.12, "en-US", "America/New_York", "1", "555", 7, kEnglishGiven, kEnglishFamily},
    {"DE", 0.08, "de-DE", "Europe/Berlin", "49", "151", 8, kEnglishGiven, kEnglishFamily},
}};

constexpr std::array<std::pair<Channel, double>, 6> kChannels = {{{Channel::web, 0.42},
                                                                  {Channel::app, 0.25},
                                                                  {Channel::store, 0.20},
                                                                  {Channel::chat, 0.06},
                                                                  {Channel::phone, 0.04},
                                                                  {Channel::email, 0.03}}};
// The planted cost of acquiring one customer through each channel of kChannels, in major units:
// each day's spend on a channel is its new customers that day times this, times a factor
// uniform in [0.8, 1.2], so CAC per month comes out close to it (docs/generator.md).
constexpr std::array<double, kChannels.size()> kPlantedCac = {45.0, 60.0, 25.0, 20.0, 35.0, 12.0};

template <typename T, std::size_t N, typename F>
std::vector<double> cumulative(const std::array<T, N>& items, F weight) {
  std::vector<double> out;
  double sum = 0;
  for (const auto& item : items) out.push_back(sum += weight(item));
  return out;
}

struct CatalogueProduct {
  Product product;
  std::size_t category;
  std::size_t rank;  // position within its category
  std::int64_t price_minor;
};

struct Catalogue {
  std::vector<CatalogueProduct> products;
  std::vector<std::vector<std::size_t>> by_category;     // product indexes
  std::vector<std::vector<double>> category_cumulative;  // popularity within category
  std::vector<double> global_cumulative;
};

std::int64_t pow10(int e) {
  std::int64_t v = 1;
  for (int i = 0; i < e; ++i) v *= 10;
  return v;
}

Catalogue make_catalogue(const GeneratorParams& params, const Currency& currency,
                         std::uint64_t seed) {
  Rng rng(seed, kCatalogueStream);
  const std::int64_t count = params.products > 0
                                 ? params.products
                                 : std::clamp<std::int64_t>(params.customers / 20, 60, 50'000);
  Catalogue c;
  c.by_category.resize(kCategories.size());
  const auto category_cdf = cumulative(kCategories, [](const CategoryDef& d) { return d.weight; });
  const std::int64_t unit = pow10(currency.exponent());
  for (std::int64_t i = 0; i < count; ++i) {
    // Every category gets products; beyond that, in proportion to its weight.
    const std::size_t category = i < static_cast<std::int64_t>(kCategories.size())
                                     ? static_cast<std::size_t>(i)
                                     : rng.pick(category_cdf);
    const std::size_t rank = c.by_category[category].size();
    const double price = kCategories[category].base_price * std::exp(0.6 * rng.normal());
    const std::int64_t price_minor =
        std::max<std::int64_t>(unit / 10, std::llround(price * 100) * unit / 100);
    CatalogueProduct p{
        .product = {.sku = fmt::format("SKU{:06}", i + 1),
                    .name = fmt::format("{} {} {}", kAdjectives[rng.below(kAdjectives.size())],
                                        kCategories[category].name, rank + 1),
                    .category = std::string(kCategories[category].name),
                    .price = Money(price_minor, currency)},
        .category = category,
        .rank = rank,
        .price_minor = price_minor};
    c.by_category[category].push_back(c.products.size());
    c.products.push_back(std::move(p));
  }
  // Zipf-like popularity: the k-th product of a category has weight 1 / k^0.9.
  std::vector<double> weight(c.products.size());
  c.category_cumulative.resize(kCategories.size());
  for (std::size_t cat = 0; cat < kCategories.size(); ++cat) {
    double sum = 0;
    for (std::size_t k = 0; k < c.by_category[cat].size(); ++k) {
      const double w = 1.0 / std::pow(static_cast<double>(k + 1), 0.9);
      weight[c.by_category[cat][k]] = w * kCategories[cat].weight;
      c.category_cumulative[cat].push_back(sum += w);
    }
  }
  double sum = 0;
  for (const double w : weight) c.global_cumulative.push_back(sum += w);
  return c;
}

// The products of the co-purchase bundle containing product `index`: consecutive groups of
// kBundleSize within its category.
std::span<const std::size_t> bundle_of(const Catalogue& c, std::size_t index) {
  const auto& members = c.by_category[c.products[index].category];
  const std::size_t first = c.products[index].rank / kBundleSize * kBundleSize;
  const std::size_t last = std::min(first + kBundleSize, members.size());
  return std::span<const std::size_t>(members).subspan(first, last - first);
}

class CustomerGenerator {
 public:
  CustomerGenerator(const GeneratorParams& params, const Catalogue& catalogue, Currency currency,
                    Sink& sink, GeneratedCounts& counts)
      : params_(params),
        catalogue_(catalogue),
        currency_(currency),
        sink_(sink),
        counts_(counts),
        start_(sys_days(params.start)),
        end_(start_ + days(params.days)),
        country_cdf_(cumulative(kCountries, [](const CountryDef& d) { return d.weight; })),
        channel_cdf_(cumulative(kChannels, [](const auto& c) { return c.second; })),
        category_cdf_(cumulative(kCategories, [](const CategoryDef& d) { return d.weight; })) {}

  Status run(std::int64_t index) {
    Rng rng(params_.seed, static_cast<std::uint64_t>(index) + 1);
    const CountryDef& country = kCountries[rng.pick(country_cdf_)];
    const Name& given = country.given[rng.below(country.given.size())];
    const Name& family = country.family[rng.below(country.family.size())];
    const Channel preferred = kChannels[rng.pick(channel_cdf_)].first;
    const std::size_t favourite = rng.pick(category_cdf_);
    const std::size_t second = rng.pick(category_cdf_);

    const double lambda = rng.gamma(params_.r, 1.0 / params_.alpha);
    const double p_drop = rng.beta(params_.a, params_.b);
    nu_ = rng.gamma(params_.q, 1.0 / params_.gamma);
    const double engagement = (1.0 - p_drop) * (1.0 - p_drop);

    const auto signup =
        start_ + seconds(static_cast<std::int64_t>(rng.uniform() * params_.days * 86400.0));
    Customer customer;
    customer.id = fmt::format("C{:07}", index + 1);
    customer.created_at = signup;
    customer.name = fmt::format("{} {}", given.native, family.native);
    if (rng.chance(0.6)) {
      const int year = 1950 + static_cast<int>(rng.below(56));
      customer.birthday =
          Date{sys_days(std::chrono::year{year} / std::chrono::January / 1) + days(rng.below(365))};
    }
    customer.locale = std::string(country.locale);
    customer.country = std::string(country.code);
    customer.time_zone = std::string(country.time_zone);
    customer.identities.push_back(
        {IdentityKind::email,
         fmt::format("{}.{}.{}@example.com", given.latin, family.latin, index + 1)});
    if (rng.chance(0.7)) {
      // Distinct per customer: index times an odd multiple of neither 2 nor 5 is a bijection
      // modulo 10^digits.
      std::int64_t modulus = 1;
      for (int i = 0; i < country.subscriber_digits; ++i) modulus *= 10;
      const std::int64_t subscriber = (index * 7'919'333 + 1'234'567) % modulus;
      customer.identities.push_back(
          {IdentityKind::phone,
           fmt::format("+{}{}{:0{}}", country.calling_code, country.mobile_prefix, subscriber,
                       country.subscriber_digits)});
    }
    if (rng.chance(0.4)) {
      customer.identities.push_back({IdentityKind::card, fmt::format("VF{:08}", index + 1)});
    }
    customer.consent[Channel::email] = rng.chance(0.7);
    customer.consent[Channel::sms] = rng.chance(0.5);
    if (preferred == Channel::app) customer.consent[Channel::app] = rng.chance(0.6);
    VAFA_CHECK(sink_.customer(customer));
    ++counts_.customers;

    std::int64_t event_no = 0;
    auto emit = [&](std::string_view type, Channel channel, Timestamp at,
                    std::string properties) -> Status {
      if (at >= end_) return {};
      ++counts_.events;
      return sink_.event(Event{.id = fmt::format("E{:07}-{}", index + 1, ++event_no),
                               .customer_id = customer.id,
                               .type = std::string(type),
                               .channel = channel,
                               .occurred_at = at,
                               .properties_json = std::move(properties)});
    };
    VAFA_CHECK(emit("sign_up", preferred, signup, "{}"));

    // Purchases: the first at "birth" shortly after sign-up, then a Poisson process with rate
    // lambda per day, ending after any repeat purchase with probability p_drop (BG/NBD: there is
    // no drop-out chance at birth).
    std::vector<Timestamp> purchases;
    if (!rng.chance(params_.prospect_share)) {
      double t = static_cast<double>((signup - start_).count()) / 86400.0 + rng.exponential(0.5);
      while (t < params_.days) {
        purchases.push_back(start_ + seconds(static_cast<std::int64_t>(t * 86400.0)));
        if (purchases.size() > 1 && rng.chance(p_drop)) break;
        t += rng.exponential(lambda);
      }
    }
    std::vector<std::size_t> bought;
    for (std::size_t k = 0; k < purchases.size(); ++k) {
      const Timestamp at = purchases[k];
      Order order{.id = fmt::format("O{:07}-{}", index + 1, k + 1),
                  .customer_id = customer.id,
                  .channel = rng.chance(0.7) ? preferred : kChannels[rng.pick(channel_cdf_)].first,
                  .placed_at = at,
                  .currency = currency_,
                  .status = OrderStatus::placed,
                  .country = customer.country,
                  .lines = {}};
      fill_basket(rng, order, favourite, second, bought);
      VAFA_CHECK(write_order(order));
      if (k == 0) note_new_customer(order);
      if (rng.chance(params_.return_share)) {
        const OrderLine& line = order.lines[rng.below(order.lines.size())];
        Order ret{.id = fmt::format("R{:07}-{}", index + 1, k + 1),
                  .customer_id = customer.id,
                  .channel = order.channel,
                  .placed_at = at + days(3 + rng.below(28)),
                  .currency = currency_,
                  .status = OrderStatus::returned,
                  .country = customer.country,
                  .lines = {OrderLine{.product_sku = line.product_sku,
                                      .quantity = -line.quantity,
                                      .unit_price_minor = std::nullopt,
                                      .discount_minor = 0,
                                      .amount_minor = -line.amount_minor}}};
        if (ret.placed_at < end_) VAFA_CHECK(write_order(ret));
      }
      // About 1% of orders get a review (more from engaged customers), as real shops see.
      if (rng.chance(0.002 + 0.008 * engagement)) {
        const OrderLine& line = order.lines.front();
        const int rating =
            std::clamp(static_cast<int>(std::lround(3.2 + 2.0 * engagement + rng.normal())), 1, 5);
        VAFA_CHECK(
            emit("review", Channel::web, at + days(2 + rng.below(12)),
                 fmt::format(R"({{"product":"{}","rating":{}}})", line.product_sku, rating)));
      }
    }
    if (rng.chance(params_.guest_share)) {
      Order guest{.id = fmt::format("G{:07}", index + 1),
                  .customer_id = {},
                  .channel = Channel::store,
                  .placed_at = start_ + seconds(static_cast<std::int64_t>(rng.uniform() *
                                                                          params_.days * 86400.0)),
                  .currency = currency_,
                  .status = OrderStatus::placed,
                  .country = customer.country,
                  .lines = {}};
      std::vector<std::size_t> none;
      fill_basket(rng, guest, favourite, second, none);
      VAFA_CHECK(write_order(guest));
    }

    // Engagement: newsletter opens and clicks while subscribed, an NPS answer, referrals. Most
    // subscribers never open a newsletter; of the engaged ones some do, a few times a year. With
    // the answers and referrals below, the advocacy pyramid of a generated shop is what the
    // literature describes for a typical brand: most buyers lurk, about one in ten likes, a few
    // percent love (docs/generate.md).
    const double alive_days = static_cast<double>((end_ - signup).count()) / 86400.0;
    if (customer.consent[Channel::email] && rng.chance(0.2 * engagement)) {
      const std::int64_t opens =
          std::min<std::int64_t>(rng.poisson(alive_days / 30.0 * 0.4 * engagement), 24);
      for (std::int64_t i = 0; i < opens; ++i) {
        const Timestamp at =
            signup + seconds(static_cast<std::int64_t>(rng.uniform() * alive_days * 86400.0));
        const std::string campaign =
            fmt::format(R"({{"campaign":"news-{}"}})", format_date(at).substr(0, 7));
        VAFA_CHECK(emit("email_open", Channel::email, at, campaign));
        if (rng.chance(0.25)) {
          VAFA_CHECK(
              emit("email_click", Channel::email, at + seconds(30 + rng.below(600)), campaign));
        }
      }
    }
    if (!purchases.empty() && rng.chance(0.08)) {  // survey response rates are low
      const int score = std::clamp(
          static_cast<int>(std::lround(4.0 + 4.0 * engagement + 1.8 * rng.normal())), 0, 10);
      const Timestamp at = purchases.front() + days(7 + rng.below(60));
      VAFA_CHECK(emit("nps", preferred, at, fmt::format(R"({{"score":{}}})", score)));
    }
    if (!purchases.empty() && rng.chance(0.002 + 0.008 * engagement)) {
      const Timestamp at = purchases.front() + days(1 + rng.below(120));
      VAFA_CHECK(
          emit("referral", Channel::web, at, fmt::format(R"({{"code":"REF{:07}"}})", index + 1)));
    }
    return sink_.customer_done(index);
  }

  // One spend row per day and channel that acquired customers (see kPlantedCac).
  Status write_spend() {
    Rng rng(params_.seed, kSpendStream);
    const double unit = static_cast<double>(pow10(currency_.exponent()));
    for (std::size_t d = 0; d < acquired_.size(); ++d) {
      for (std::size_t h = 0; h < kChannels.size(); ++h) {
        const double factor = 0.8 + 0.4 * rng.uniform();
        if (acquired_[d][h] == 0) continue;
        const Timestamp day = start_ + days(static_cast<std::int64_t>(d));
        VAFA_CHECK(sink_.spend(
            SpendRecord{.day = day.time_since_epoch().count(),
                        .channel = std::string(to_string(kChannels[h].first)),
                        .campaign = fmt::format("{}-acquisition", to_string(kChannels[h].first)),
                        .currency = std::string(currency_.code()),
                        .amount_minor = std::llround(static_cast<double>(acquired_[d][h]) *
                                                     kPlantedCac[h] * factor * unit)}));
        ++counts_.spend_rows;
      }
    }
    return {};
  }

 private:
  void note_new_customer(const Order& first) {
    if (acquired_.empty()) acquired_.resize(static_cast<std::size_t>(params_.days));
    const auto d = static_cast<std::size_t>((first.placed_at - start_).count() / 86'400);
    const auto h = static_cast<std::size_t>(
        std::ranges::find(kChannels, first.channel, &std::pair<Channel, double>::first) -
        kChannels.begin());
    if (d < acquired_.size() && h < kChannels.size()) ++acquired_[d][h];
  }

  std::size_t popular_in(Rng& rng, std::size_t category) const {
    const auto& members = catalogue_.by_category[category];
    return members[rng.pick(catalogue_.category_cumulative[category])];
  }

  // Basket: 1 + Poisson(0.8) products, at most 8. The first from the customer's favourite
  // categories (or a product bought before); each next one from the previous product's bundle
  // (55%), its category's partner (20%) or the whole shop by popularity (25%). The order value
  // is a Gamma-Gamma draw, spread over the lines in proportion to list price x quantity.
  void fill_basket(Rng& rng, Order& order, std::size_t favourite, std::size_t second,
                   std::vector<std::size_t>& bought) {
    const std::size_t size = std::min<std::size_t>(1 + rng.poisson(0.8), 8);
    std::vector<std::size_t> items;
    const double u = rng.uniform();
    std::size_t first = 0;
    if (!bought.empty() && u < 0.15) {
      first = bought[rng.below(bought.size())];
    } else if (u < 0.65) {
      first = popular_in(rng, favourite);
    } else if (u < 0.85) {
      first = popular_in(rng, second);
    } else {
      first = rng.pick(catalogue_.global_cumulative);
    }
    items.push_back(first);
    for (int tries = 0; items.size() < size && tries < 20; ++tries) {
      const std::size_t prev = items.back();
      const double v = rng.uniform();
      std::size_t next = 0;
      if (v < 0.55) {
        const auto bundle = bundle_of(catalogue_, prev);
        next = bundle[rng.below(bundle.size())];
      } else if (v < 0.75) {
        next = popular_in(rng, kCategories[catalogue_.products[prev].category].partner);
      } else {
        next = rng.pick(catalogue_.global_cumulative);
      }
      if (std::find(items.begin(), items.end(), next) == items.end()) items.push_back(next);
    }
    std::vector<std::int64_t> quantity(items.size());
    double list_total = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const double w = rng.uniform();
      quantity[i] = w < 0.87 ? 1 : (w < 0.97 ? 2 : 3);
      list_total += static_cast<double>(catalogue_.products[items[i]].price_minor * quantity[i]);
    }
    const std::int64_t value = order_value(rng);
    std::int64_t assigned = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const double share =
          static_cast<double>(catalogue_.products[items[i]].price_minor * quantity[i]) / list_total;
      std::int64_t amount = i + 1 == items.size()
                                ? value - assigned
                                : std::llround(static_cast<double>(value) * share);
      amount = std::max<std::int64_t>(amount, 0);
      assigned += amount;
      order.lines.push_back(OrderLine{.product_sku = catalogue_.products[items[i]].product.sku,
                                      .quantity = quantity[i],
                                      .unit_price_minor = std::nullopt,
                                      .discount_minor = 0,
                                      .amount_minor = amount});
      if (std::find(bought.begin(), bought.end(), items[i]) == bought.end()) {
        bought.push_back(items[i]);
      }
    }
  }

  std::int64_t order_value(Rng& rng) {
    const double z = rng.gamma(params_.p, 1.0 / nu_);
    const std::int64_t unit = pow10(currency_.exponent());
    return std::max<std::int64_t>(1, std::llround(z * static_cast<double>(unit)));
  }

  Status write_order(const Order& order) {
    ++counts_.orders;
    counts_.order_lines += static_cast<std::int64_t>(order.lines.size());
    return sink_.order(order);
  }

  const GeneratorParams& params_;
  const Catalogue& catalogue_;
  Currency currency_;
  Sink& sink_;
  GeneratedCounts& counts_;
  Timestamp start_;
  Timestamp end_;
  std::vector<double> country_cdf_;
  std::vector<double> channel_cdf_;
  std::vector<double> category_cdf_;
  double nu_ = 1.0;  // the current customer's Gamma-Gamma spend rate
  // New customers per day of the period and channel of their first order.
  std::vector<std::array<std::int64_t, kChannels.size()>> acquired_;
};

}  // namespace

Status GeneratorParams::validate() const {
  if (customers < 1 || customers > 100'000'000) {
    return fail(ErrorCode::invalid_argument, "--customers must be between 1 and 100,000,000");
  }
  if (days < 1 || days > 36'500) {
    return fail(ErrorCode::invalid_argument, "--days must be between 1 and 36,500");
  }
  if (products < 0 || products > 10'000'000) {
    return fail(ErrorCode::invalid_argument, "--products must be between 0 and 10,000,000");
  }
  for (const double v : {r, alpha, a, b, p, q, gamma}) {
    if (!(v > 0) || !std::isfinite(v)) {
      return fail(ErrorCode::invalid_argument, "model parameters must be positive numbers");
    }
  }
  for (const double s : {prospect_share, return_share, guest_share}) {
    if (!(s >= 0 && s <= 1)) {
      return fail(ErrorCode::invalid_argument, "shares must be between 0 and 1");
    }
  }
  return Currency::parse(currency).has_value()
             ? Status{}
             : fail(ErrorCode::invalid_argument, "unknown currency '{}'", currency);
}

Result<GeneratedCounts> generate(const GeneratorParams& params, Sink& sink) {
  VAFA_CHECK(params.validate());
  VAFA_TRY(const Currency currency, Currency::parse(params.currency));
  const Catalogue catalogue = make_catalogue(params, currency, params.seed);
  GeneratedCounts counts;
  for (const CatalogueProduct& p : catalogue.products) {
    VAFA_CHECK(sink.product(p.product));
    ++counts.products;
  }
  CustomerGenerator customers(params, catalogue, currency, sink, counts);
  for (std::int64_t i = 0; i < params.customers; ++i) VAFA_CHECK(customers.run(i));
  VAFA_CHECK(customers.write_spend());
  return counts;
}

}  // namespace vafa::generate
