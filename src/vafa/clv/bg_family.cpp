#include "vafa/clv/bg_family.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include "vafa/clv/parallel.hpp"
#include "vafa/clv/special.hpp"
#include "vafa/clv/vector_math.hpp"

namespace vafa::clv {
namespace {

// m shifts the dropout terms: BG/NBD's dropout chances follow purchases 1..x (m = 0), MBG/NBD's
// also the first one at time zero (m = 1), which makes the second term present for x = 0 too.
double shift(BgVariant v) { return v == BgVariant::mbgnbd ? 1.0 : 0.0; }
bool has_dropout_term(BgVariant v, double x) { return v == BgVariant::mbgnbd || x > 0; }

// The terms of one frequency x that do not depend on t_x or T.
struct PerX {
  double k0;          // log of Gamma(r+x) alpha^r / Gamma(r) * B(a, b+x+m) / B(a, b)
  double c;           // log(a / (b + x - 1 + m)): the dropout term's extra factor
  double inv_bxm;     // 1 / (b + x - 1 + m)
  double kr, ka, kb;  // d k0 / d{r, a, b} (without the alpha part of d/dr)
  bool dropout;
};

PerX per_x(BgVariant v, const BgParams& p, double x) {
  const double m = shift(v);
  PerX t{};
  t.dropout = has_dropout_term(v, x);
  t.k0 = log_gamma(p.r + x) - log_gamma(p.r) + p.r * std::log(p.alpha) + log_gamma(p.a + p.b) +
         log_gamma(p.b + x + m) - log_gamma(p.b) - log_gamma(p.a + p.b + x + m);
  const double psi_ab = digamma(p.a + p.b), psi_abx = digamma(p.a + p.b + x + m);
  t.kr = digamma(p.r + x) - digamma(p.r) + std::log(p.alpha);
  t.ka = psi_ab - psi_abx;
  t.kb = psi_ab + digamma(p.b + x + m) - digamma(p.b) - psi_abx;
  if (t.dropout) {
    t.inv_bxm = 1.0 / (p.b + x - 1 + m);
    t.c = std::log(p.a) + std::log(t.inv_bxm);
  }
  return t;
}

// The per-row part of the log-likelihood and its gradient, in one vectorised loop. Per distinct
// x: c = log(a / (b + x - 1 + m)), inv_bxm = 1 / (b + x - 1 + m) and dropout = 1 or 0 (rows
// without the dropout term get c = inv_bxm = 0, so the loop needs no branch).
struct RowInputs {
  const double *x, *t_x, *T, *w;
  const std::uint32_t* xi;
  const double *c, *inv_bxm, *dropout;
  double r, alpha;
};

VAFA_VECTOR_CLONES
void add_row_terms(const RowInputs& in, std::size_t begin, std::size_t end,
                   std::array<double, 5>& sums) {
  const double *x = in.x, *t_x = in.t_x, *T = in.T, *weight = in.w;
  const std::uint32_t* xi = in.xi;
  const double *c = in.c, *inv_bxm = in.inv_bxm, *dropout = in.dropout;
  const double r = in.r, alpha = in.alpha;
  double ll = 0, dr = 0, dalpha = 0, da = 0, db = 0;
#pragma omp simd reduction(+ : ll, dr, dalpha, da, db)
  for (std::size_t i = begin; i < end; ++i) {
    const std::uint32_t k = xi[i];
    const double rx = r + x[i];
    const double at = alpha + T[i], ax = alpha + t_x[i];
    const double lg = simd::log(at), lt = simd::log(ax);
    // The dropout term log(1 + e^d), d = c + (r + x) log((alpha + T) / (alpha + t_x)), and its
    // derivative's sigmoid, from one exp without overflow (as softplus() does, without
    // branches: max(d, 0) = (d + |d|) / 2).
    const double d = c[k] + rx * (lg - lt);
    const double e = simd::exp(-std::abs(d));
    const double softplus = 0.5 * (d + std::abs(d)) + simd::log1p(e);
    const double pi = dropout[k] * simd::logistic(d, e);
    const double w = weight[i];
    ll += w * (dropout[k] * softplus - rx * lg);
    dr += w * (pi * (lg - lt) - lg);
    dalpha += w * (pi * rx * (1.0 / at - 1.0 / ax) - rx / at);
    da += w * pi;
    db += w * pi * inv_bxm[k];
  }
  sums[0] += ll;
  sums[1] += dr;
  sums[2] += dalpha;
  sums[3] += da;
  sums[4] += db;
}

// xs: the distinct frequencies of rows, found once per fit rather than once per pass.
double log_likelihood(BgVariant variant, const BgParams& p, const RfmRows& rows,
                      const DistinctValues& xs, std::span<double> grad, int threads) {
  const std::size_t n = xs.values.size();
  std::vector<double> c(n, 0.0), inv_bxm(n, 0.0), dropout(n, 0.0);
  std::array<double, 5> fixed{};  // the per-x parts: ll, d/dr, d/dalpha, d/da, d/db
  for (std::size_t k = 0; k < n; ++k) {
    const PerX t = per_x(variant, p, xs.values[k]);
    if (t.dropout) {
      c[k] = t.c;
      inv_bxm[k] = t.inv_bxm;
      dropout[k] = 1.0;
    }
    const double w = xs.weight[k];
    fixed[0] += w * t.k0;
    fixed[1] += w * t.kr;
    fixed[2] += w * p.r / p.alpha;
    fixed[3] += w * t.ka;
    fixed[4] += w * t.kb;
  }
  const RowInputs in{rows.x.data(),
                     rows.t_x.data(),
                     rows.T.data(),
                     rows.weight.data(),
                     xs.index.data(),
                     c.data(),
                     inv_bxm.data(),
                     dropout.data(),
                     p.r,
                     p.alpha};
  const auto sums = internal::block_sums<5>(
      threads, rows.size(),
      [&](std::size_t b, std::size_t e, std::array<double, 5>& s) { add_row_terms(in, b, e, s); });
  if (!grad.empty()) {
    grad[0] = fixed[1] + sums[1];
    grad[1] = fixed[2] + sums[2];
    grad[2] = fixed[3] + sums[3] / p.a;
    grad[3] = fixed[4] - sums[4];
  }
  return fixed[0] + sums[0];
}

}  // namespace

double bg_log_likelihood(BgVariant variant, const BgParams& p, const RfmRows& rows,
                         std::span<double> grad, int threads) {
  return log_likelihood(variant, p, rows, distinct_values(rows.x, rows.weight), grad, threads);
}

Result<FitResult> bg_fit(BgVariant variant, const RfmRows& rows, const FitOptions& options) {
  VAFA_TRY(const RfmRows data, rows_to_fit(rows));
  const DistinctValues xs = distinct_values(data.x, data.weight);
  std::vector<double> start = options.start;
  if (start.empty()) {
    // r = 1, alpha = the mean age (a rate of about one purchase per observed lifetime), a = b = 1.
    start = {1.0, mean_age(data), 1.0, 1.0};
  }
  auto ll = [&](std::span<const double> q, std::span<double> g) {
    return log_likelihood(variant, BgParams{q[0], q[1], q[2], q[3]}, data, xs, g, options.threads);
  };
  return maximize(ll, {"r", "alpha", "a", "b"}, start, data.customers(), options);
}

double bg_p_alive(BgVariant variant, const BgParams& p, double x, double t_x, double T) {
  if (!has_dropout_term(variant, x)) return 1.0;
  const double m = shift(variant);
  const double d = std::log(p.a / (p.b + x - 1 + m)) +
                   (p.r + x) * (std::log(p.alpha + T) - std::log(p.alpha + t_x));
  return 1.0 - softplus(d).sigmoid;  // 1 / (1 + e^d)
}

double bg_expected_if_alive(BgVariant variant, const BgParams& p, double t, double x, double T) {
  if (t <= 0) return 0.0;
  const double m = shift(variant);
  // FHL 2005 eq. 10 with Euler's transformation of the 2F1, which keeps it finite for large x:
  // (1-z)^(r+x) 2F1(r+x, b+x+m; a+b+x-1+m; z) = (1-z)^(a-1) 2F1(a+b-1+m-r, a-1; a+b+x-1+m; z),
  // z = t / (alpha + T + t). The bracket [1 - (1-z)^(a-1) 2F1(...)] / (a - 1) is computed so that
  // a -> 1 is no singularity.
  const double c = p.a + p.b + x - 1 + m;
  const double z = t / (p.alpha + T + t);
  const double l = std::log1p(-z);  // log(1 - z)
  const double am1 = p.a - 1;
  const double first = one_minus_exp_over(am1, -l);  // (1 - (1-z)^(a-1)) / (a-1)
  const double series = hyp2f1_minus_one_over_b(p.a + p.b - 1 + m - p.r, am1, c, z);
  const double bracket = first - std::exp(am1 * l) * series;
  return c * bracket;
}

double bg_conditional_expected(BgVariant variant, const BgParams& p, double t, double x, double t_x,
                               double T) {
  return bg_expected_if_alive(variant, p, t, x, T) * bg_p_alive(variant, p, x, t_x, T);
}

double bg_discounted_expected(BgVariant variant, const BgParams& p, double horizon, double rate,
                              double x, double t_x, double T) {
  return bg_p_alive(variant, p, x, t_x, T) * discount_in_steps(horizon, rate, [&](double t) {
           return bg_expected_if_alive(variant, p, t, x, T);
         });
}

namespace {

// One run of customers with the same frequency x (rows idx[0..count)), in blocks that stay in
// L1: P(alive) with the vectorised log/exp, then for each step end t_s the 2F1 series by
// Horner's rule over the run's coefficients (valid up to the last, largest t) and the
// expectation E(t_s); E at the last step goes to `expected`, and with `discounted` the
// increments times the steps' factors are summed there.
struct RunInputs {
  BgVariant variant;
  BgParams p;
  std::span<const DiscountStep> steps;
  double x;
  const double *t_x, *T;
  const std::uint32_t* idx;
  std::size_t count;
  const std::vector<double>* coef;  // of z^1..z^N for C = a + b + x - 1 + m
  double *alive, *expected, *discounted;
};

VAFA_VECTOR_CLONES
void predict_run(const RunInputs& in) {
  constexpr std::size_t kBlock = 256;
  const double m = shift(in.variant);
  const double r = in.p.r, alpha = in.p.alpha, am1 = in.p.a - 1;
  const double C = in.p.a + in.p.b + in.x - 1 + m;
  // Uniform choices as factors, not branches, which GCC would not vectorise.
  const bool has_dropout = has_dropout_term(in.variant, in.x);
  const double dropout = has_dropout ? 1.0 : 0.0;
  const double c = has_dropout ? std::log(in.p.a / (in.p.b + in.x - 1 + m)) : 0.0;
  const double inv_am1 = am1 == 0 ? 0.0 : 1.0 / am1, am1_is_zero = am1 == 0 ? 1.0 : 0.0;
  const double rx = r + in.x;
  const double* coef = in.coef->data();
  const std::size_t terms = in.coef->size();
  const double *t_x = in.t_x, *T = in.T;
  double z[kBlock], acc[kBlock], before[kBlock], total[kBlock];
  for (std::size_t begin = 0; begin < in.count; begin += kBlock) {
    const std::size_t n = std::min(kBlock, in.count - begin);
    const std::uint32_t* idx = in.idx + begin;
#pragma omp simd
    for (std::size_t j = 0; j < n; ++j) {
      const std::uint32_t i = idx[j];
      // As bg_p_alive: 1 / (1 + e^d).
      const double d = c + rx * (simd::log(alpha + T[i]) - simd::log(alpha + t_x[i]));
      in.alive[i] = 1.0 - dropout * simd::logistic(d, simd::exp(-std::abs(d)));
      before[j] = total[j] = 0.0;
    }
    for (const DiscountStep& step : in.steps) {
      const double t = step.upto, factor = step.factor;
#pragma omp simd
      for (std::size_t j = 0; j < n; ++j) {
        z[j] = t / (alpha + T[idx[j]] + t);
        acc[j] = coef[terms - 1];
      }
      for (std::size_t k = terms - 1; k-- > 0;) {
        const double ck = coef[k];
#pragma omp simd
        for (std::size_t j = 0; j < n; ++j) acc[j] = acc[j] * z[j] + ck;
      }
#pragma omp simd
      for (std::size_t j = 0; j < n; ++j) {
        // As bg_expected_if_alive: C [(1 - (1-z)^(a-1)) / (a-1) - (1-z)^(a-1) series].
        const double l = simd::log1p(-z[j]);
        const double em = simd::expm1(am1 * l);                  // (1-z)^(a-1) - 1
        const double first = -(em * inv_am1 + am1_is_zero * l);  // a = 1: em = 0, first = -l
        const double upto = C * (first - (1 + em) * acc[j] * z[j]);
        total[j] += (upto - before[j]) * factor;
        before[j] = upto;
      }
    }
    for (std::size_t j = 0; j < n; ++j) {
      in.expected[idx[j]] = before[j];
      if (in.discounted != nullptr) in.discounted[idx[j]] = total[j];
    }
  }
}

// bg_predict over the given steps (a single step {horizon, 1} when not discounting).
void predict_rows(BgVariant variant, const BgParams& p, std::span<const DiscountStep> steps,
                  const RfmRows& rows, std::span<double> alive, std::span<double> expected,
                  std::span<double> discounted, int threads) {
  const std::size_t n = rows.size();
  if (n == 0) return;
  const double horizon = steps.back().upto;
  if (!(horizon > 0)) {
    for (std::size_t i = 0; i < n; ++i) {
      alive[i] = bg_p_alive(variant, p, rows.x[i], rows.t_x[i], rows.T[i]);
    }
    std::fill(expected.begin(), expected.end(), 0.0);
    std::fill(discounted.begin(), discounted.end(), 0.0);
    return;
  }
  // Customers ordered by frequency (a counting sort), so each run shares its series
  // coefficients; the runs are cut into chunks that the cores share.
  const DistinctValues xs = distinct_values(rows.x, rows.weight);
  std::vector<std::size_t> start(xs.values.size() + 1, 0);
  for (std::uint32_t k : xs.index) ++start[k + 1];
  for (std::size_t k = 1; k < start.size(); ++k) start[k] += start[k - 1];
  std::vector<std::uint32_t> order(n);
  {
    std::vector<std::size_t> next(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < n; ++i) order[next[xs.index[i]]++] = static_cast<std::uint32_t>(i);
  }
  constexpr std::size_t kChunk = 8192;
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  const double m = shift(variant);
#pragma omp parallel for schedule(dynamic) num_threads(threads < 1 ? 1 : threads)
  for (std::size_t chunk = 0; chunk < chunks; ++chunk) {
    std::vector<double> coef;
    const std::size_t end = std::min(n, (chunk + 1) * kChunk);
    for (std::size_t b = chunk * kChunk; b < end;) {
      const std::uint32_t k = xs.index[order[b]];
      const std::size_t e = std::min(end, start[k + 1]);
      double T_min = std::numeric_limits<double>::infinity();
      for (std::size_t j = b; j < e; ++j) T_min = std::min(T_min, rows.T[order[j]]);
      const double x = xs.values[k];
      hyp2f1_coefficients(p.a + p.b - 1 + m - p.r, p.a - 1, p.a + p.b + x - 1 + m,
                          horizon / (p.alpha + T_min + horizon), coef);
      predict_run(RunInputs{variant, p, steps, x, rows.t_x.data(), rows.T.data(), order.data() + b,
                            e - b, &coef, alive.data(), expected.data(),
                            discounted.empty() ? nullptr : discounted.data()});
      b = e;
    }
  }
}

}  // namespace

void bg_predict(BgVariant variant, const BgParams& p, double horizon, double rate,
                const RfmRows& rows, std::span<double> alive, std::span<double> expected_if_alive,
                std::span<double> discounted_if_alive, int threads) {
  const auto steps = rate == 0 || discounted_if_alive.empty()
                         ? std::vector<DiscountStep>{{horizon, 1.0}}
                         : discount_steps(horizon, rate);
  predict_rows(variant, p, steps, rows, alive, expected_if_alive, discounted_if_alive, threads);
}

double bg_expected(BgVariant variant, const BgParams& p, double t) {
  return bg_conditional_expected(variant, p, t, 0.0, 0.0, 0.0);
}

double bg_probability_of_purchases(BgVariant variant, const BgParams& p, double t, int k) {
  if (k < 0 || t < 0) return 0.0;
  const double m = shift(variant);
  const double lb = log_beta(p.a, p.b);
  const double log_q = std::log(p.alpha / (p.alpha + t));  // log P(no purchase | rate) part
  const double log_z =
      t > 0 ? std::log(t / (p.alpha + t)) : -std::numeric_limits<double>::infinity();
  // NB(j) = Gamma(r+j) / (Gamma(r) j!) (alpha/(alpha+t))^r (t/(alpha+t))^j
  auto log_nb = [&](int j) {
    return log_gamma(p.r + j) - log_gamma(p.r) - log_gamma(j + 1.0) + p.r * log_q +
           (j == 0 ? 0.0 : j * log_z);
  };
  double prob = std::exp(log_beta(p.a, p.b + k + m) - lb + log_nb(k));
  if (has_dropout_term(variant, k)) {
    // Dropped out at the chance that follows purchase k (for MBG/NBD, k = 0 is the chance at
    // time zero) while the purchase process would have produced at least k purchases.
    double cdf = 0;
    for (int j = 0; j < k; ++j) cdf += std::exp(log_nb(j));
    prob += std::exp(log_beta(p.a + 1, p.b + k - 1 + m) - lb) * std::max(0.0, 1.0 - cdf);
  }
  return prob;
}

}  // namespace vafa::clv
