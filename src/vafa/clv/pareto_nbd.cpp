#include "vafa/clv/pareto_nbd.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>

#include "vafa/clv/parallel.hpp"
#include "vafa/clv/special.hpp"

namespace vafa::clv {
namespace {

using Grad = std::array<double, 4>;  // d/d{r, alpha, s, beta}

// H(z) = sum_k (m)_k / (rho+1)_k z^k, 0 <= z < 1, and its partial derivatives in m, rho and z.
// Every term is positive and at most z^k (the coefficients fall), so the sum is accurate to
// rounding once the remaining terms' geometric bound is below it. That takes about
// 37 / (1 - z) terms: z within 1e-4 of 1 needs one of alpha, beta 10,000 times the other, far
// from any fitted model, and there the series is cut at kMaxTerms and its tail estimated from the
// last ratio of terms: approximate, but finite, so that an optimiser passing by can go on.
struct Series {
  double h, dm, drho, dz;
};

constexpr std::size_t kMaxTerms = 20000;

// The coefficients depend on (m, rho) only, which depend on x only: a likelihood pass computes
// them once per distinct frequency, and each row's series is then a polynomial in its z.
struct Coefficients {
  std::vector<double> c;     // c_k = (m)_k / (rho+1)_k
  std::vector<double> cm;    // d c_k / d m
  std::vector<double> crho;  // d c_k / d rho
  std::vector<double> ck;    // k c_k
};

std::size_t terms_for(double z) {
  if (z <= 0) return 2;  // c_1 still gives dH/dz at z = 0
  const double needed = std::log((1 - z) * 1e-16) / std::log(z) + 2;
  return needed >= kMaxTerms ? kMaxTerms : static_cast<std::size_t>(needed);
}

Coefficients coefficients(double m, double rho, std::size_t terms) {
  Coefficients k;
  k.c.resize(terms);
  k.cm.resize(terms);
  k.crho.resize(terms);
  k.ck.resize(terms);
  k.c[0] = 1;
  double c = 1, sm = 0, srho = 0;
  for (std::size_t i = 1; i < terms; ++i) {
    const double j = static_cast<double>(i);
    const double inv_m = 1.0 / (m + j - 1), inv_rho = 1.0 / (rho + j);
    c *= (m + j - 1) * inv_rho;
    sm += inv_m;
    srho += inv_rho;
    k.c[i] = c;
    k.cm[i] = c * sm;
    k.crho[i] = -c * srho;
    k.ck[i] = j * c;
  }
  return k;
}

Series series(const Coefficients& k, double z) {
  const std::size_t n = k.c.size();
  const double stop = (1 - z) * 1e-16;
  double zk = 1, h = 1, dm = 0, drho = 0, dz = 0;
  for (std::size_t i = 1; i < n; ++i) {
    dz += k.ck[i] * zk;  // k c_k z^(k-1)
    zk *= z;
    const double term = k.c[i] * zk;
    h += term;
    dm += k.cm[i] * zk;
    drho += k.crho[i] * zk;
    if (term <= stop * h) return {h, dm, drho, dz};
  }
  if (n >= 2) {
    const double last = k.c[n - 1] * zk, ratio = k.c[n - 1] / k.c[n - 2] * z;
    h += last * ratio / (1 - ratio);
  }
  return {h, dm, drho, dz};
}

// Q(t) = s * integral_t^inf f(y) dy / F(t), in [0, 1], and its gradient. The integral is expanded
// around the larger of alpha and beta, so that z = |alpha - beta| / (max + t) < 1.
struct Tail {
  double q;
  Grad dq;
};

struct Logs {
  double la, lb;  // log(alpha + t), log(beta + t)
};

// The expansion's (m, rho) for frequency x and whether it is around alpha.
struct Expansion {
  bool around_alpha;
  double m, rho;
};
Expansion expansion(const ParetoParams& p, double x) {
  const bool around_alpha = p.alpha >= p.beta;
  return {around_alpha, around_alpha ? p.r + x : p.s + 1, p.r + p.s + x};
}
double z_at(const ParetoParams& p, double t) {
  return p.alpha >= p.beta ? (p.alpha - p.beta) / (p.alpha + t) : (p.beta - p.alpha) / (p.beta + t);
}

Tail tail(const ParetoParams& p, double x, double t, const Coefficients& coef) {
  const double rho = p.r + p.s + x;
  const double at = p.alpha + t, bt = p.beta + t;
  Tail out{};
  Grad dlogc{-1.0 / rho, 0.0, 1.0 / p.s - 1.0 / rho, 0.0};
  Series h{};
  double c = p.s / rho;
  Grad dm{}, dz{};
  if (p.alpha >= p.beta) {
    // s/rho * (1-z)^-s 2F1(...) with z = (alpha - beta)/(alpha + t) and m = r + x.
    h = series(coef, (p.alpha - p.beta) / at);
    dm = {1, 0, 0, 0};
    dz = {0, bt / (at * at), 0, -1.0 / at};
  } else {
    // The same integral expanded around beta: m = s + 1, z = (beta - alpha)/(beta + t), and an
    // extra factor (alpha + t)/(beta + t).
    h = series(coef, (p.beta - p.alpha) / bt);
    c *= at / bt;
    dlogc[1] = 1.0 / at;
    dlogc[3] = -1.0 / bt;
    dm = {0, 0, 1, 0};
    dz = {0, -1.0 / bt, 0, at / (bt * bt)};
  }
  out.q = c * h.h;
  for (int i = 0; i < 4; ++i) {
    const double drho = (i == 0 || i == 2) ? 1.0 : 0.0;
    out.dq[i] = out.q * dlogc[i] + c * (h.dm * dm[i] + h.drho * drho + h.dz * dz[i]);
  }
  return out;
}

// The parts of log L that depend on x only: log(Gamma(r+x) alpha^r beta^s / Gamma(r)).
struct PerX {
  double k;
  Grad dk;
};

PerX per_x(const ParetoParams& p, double x) {
  return {log_gamma(p.r + x) - log_gamma(p.r) + p.r * std::log(p.alpha) + p.s * std::log(p.beta),
          {digamma(p.r + x) - digamma(p.r) + std::log(p.alpha), p.r / p.alpha, std::log(p.beta),
           p.s / p.beta}};
}

// log L - k(x) for one row, P(alive), and (when grad) the gradient of log L - k(x).
// at_zero: Q(0) for x = 0 rows (t_x = 0), shared by all of them.
struct Row {
  double ll, alive;
};

Row row(const ParetoParams& p, double x, double t_x, double T, const Coefficients& coef,
        const Tail* at_zero, Grad* grad) {
  const double rx = p.r + x;
  const Logs lx{std::log(p.alpha + t_x), std::log(p.beta + t_x)};
  const Logs lt{std::log(p.alpha + T), std::log(p.beta + T)};
  const double log_fx = -rx * lx.la - p.s * lx.lb;
  const double delta = -rx * (lt.la - lx.la) - p.s * (lt.lb - lx.lb);  // log F(T) - log F(t_x)
  const double e = std::exp(delta);
  const Tail qx = at_zero != nullptr && t_x == 0 ? *at_zero : tail(p, x, t_x, coef);
  const Tail qt = tail(p, x, T, coef);
  const double stays = std::max(0.0, 1.0 - qt.q);
  const double b = e * stays + qx.q;  // L / (K F(t_x))
  if (grad != nullptr) {
    const Grad dfx{-lx.la, -rx / (p.alpha + t_x), -lx.lb, -p.s / (p.beta + t_x)};
    const Grad dft{-lt.la, -rx / (p.alpha + T), -lt.lb, -p.s / (p.beta + T)};
    for (int i = 0; i < 4; ++i) {
      const double db = e * (stays * (dft[i] - dfx[i]) - qt.dq[i]) + qx.dq[i];
      (*grad)[i] = dfx[i] + db / b;
    }
  }
  // e <= b in exact arithmetic (P(alive) <= 1); a cut series (see Series) may miss by a little.
  return {log_fx + std::log(b), std::min(1.0, e / b)};
}

// What a fit finds once about its rows: the distinct frequencies and, per frequency, the
// earliest time a series is evaluated at (t_x, or T for x = 0 whose t_x = 0 is shared), which
// fixes the largest z and so how many coefficients a pass needs.
struct Prepared {
  DistinctValues xs;
  std::vector<double> t_min;
};

Prepared prepare(const RfmRows& rows) {
  Prepared out{distinct_values(rows.x, rows.weight), {}};
  out.t_min.assign(out.xs.values.size(), std::numeric_limits<double>::infinity());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    double& t = out.t_min[out.xs.index[i]];
    t = std::min(t, rows.x[i] > 0 ? rows.t_x[i] : rows.T[i]);
  }
  return out;
}

Coefficients coefficients_for(const ParetoParams& p, double x, double t_min) {
  const Expansion e = expansion(p, x);
  return coefficients(e.m, e.rho, terms_for(z_at(p, t_min)));
}

double log_likelihood(const ParetoParams& p, const RfmRows& rows, const Prepared& prepared,
                      std::span<double> grad, int threads) {
  const DistinctValues& xs = prepared.xs;
  std::vector<PerX> table(xs.values.size());
  std::vector<Coefficients> coef(xs.values.size());
  std::array<double, 5> fixed{};
  for (std::size_t k = 0; k < table.size(); ++k) {
    table[k] = per_x(p, xs.values[k]);
    coef[k] = coefficients_for(p, xs.values[k], prepared.t_min[k]);
    fixed[0] += xs.weight[k] * table[k].k;
    for (int i = 0; i < 4; ++i) fixed[i + 1] += xs.weight[k] * table[k].dk[i];
  }
  // Every x = 0 row has t_x = 0: its Q(0) is the same for all of them.
  const Coefficients zero = coefficients_for(p, 0.0, 0.0);
  const Tail at_zero = tail(p, 0.0, 0.0, zero);
  const bool want_grad = !grad.empty();
  const auto sums = internal::block_sums<5>(
      threads, rows.size(), [&](std::size_t begin, std::size_t end, std::array<double, 5>& s) {
        Grad g{};
        for (std::size_t i = begin; i < end; ++i) {
          const double w = rows.weight[i];
          const double x = rows.x[i];
          const Row one = row(p, x, rows.t_x[i], rows.T[i], coef[xs.index[i]],
                              x == 0 ? &at_zero : nullptr, want_grad ? &g : nullptr);
          s[0] += w * one.ll;
          if (want_grad) {
            for (int j = 0; j < 4; ++j) s[j + 1] += w * g[j];
          }
        }
      });
  for (std::size_t i = 0; i < grad.size(); ++i) grad[i] = fixed[i + 1] + sums[i + 1];
  return fixed[0] + sums[0];
}

}  // namespace

double pnbd_log_likelihood(const ParetoParams& p, const RfmRows& rows, std::span<double> grad,
                           int threads) {
  return log_likelihood(p, rows, prepare(rows), grad, threads);
}

Result<FitResult> pnbd_fit(const RfmRows& rows, const FitOptions& options) {
  VAFA_TRY(const RfmRows data, rows_to_fit(rows));
  const Prepared prepared = prepare(data);
  std::vector<double> start = options.start;
  if (start.empty()) {
    // r = s = 1 and both scales the mean age: about one purchase and one death per lifetime.
    const double mean_t = mean_age(data);
    start = {1.0, mean_t, 1.0, mean_t};
  }
  auto ll = [&](std::span<const double> q, std::span<double> g) {
    return log_likelihood(ParetoParams{q[0], q[1], q[2], q[3]}, data, prepared, g, options.threads);
  };
  return maximize(ll, {"r", "alpha", "s", "beta"}, start, data.customers(), options);
}

double pnbd_p_alive(const ParetoParams& p, double x, double t_x, double T) {
  return row(p, x, t_x, T, coefficients_for(p, x, t_x), nullptr, nullptr).alive;
}

double pnbd_expected_if_alive(const ParetoParams& p, double t, double x, double T) {
  if (t <= 0) return 0.0;
  // Alive: rate ~ gamma(r+x, alpha+T), death rate ~ gamma(s, beta+T), so
  // E = (r+x)/(alpha+T) * (beta+T) * (1 - ((beta+T)/(beta+T+t))^(s-1)) / (s-1).
  const double bt = p.beta + T;
  return (p.r + x) / (p.alpha + T) * bt * one_minus_exp_over(p.s - 1, std::log1p(t / bt));
}

double pnbd_conditional_expected(const ParetoParams& p, double t, double x, double t_x, double T) {
  return pnbd_expected_if_alive(p, t, x, T) * pnbd_p_alive(p, x, t_x, T);
}

double pnbd_discounted_expected(const ParetoParams& p, double horizon, double rate, double x,
                                double t_x, double T) {
  return pnbd_p_alive(p, x, t_x, T) * discount_in_steps(horizon, rate, [&](double t) {
           return pnbd_expected_if_alive(p, t, x, T);
         });
}

double pnbd_expected(const ParetoParams& p, double t) {
  if (t <= 0) return 0.0;
  return p.r / p.alpha * p.beta * one_minus_exp_over(p.s - 1, std::log1p(t / p.beta));
}

double pnbd_probability_of_purchases(const ParetoParams& p, double t, int k) {
  if (k < 0 || t < 0) return 0.0;
  // P(k purchases by time u while alive) = NB(k; u); the customer is either alive at t, or dies
  // at some u in (0, t] (density s beta^s (beta+u)^-(s+1)) after k purchases.
  const double kk = k;
  const double log_norm = log_gamma(p.r + kk) - log_gamma(p.r) - log_gamma(kk + 1);
  auto log_nb = [&](double u) {
    if (u <= 0) return k == 0 ? 0.0 : -std::numeric_limits<double>::infinity();
    return log_norm + p.r * std::log(p.alpha / (p.alpha + u)) + kk * std::log(u / (p.alpha + u));
  };
  const double alive = std::exp(log_nb(t) + p.s * std::log(p.beta / (p.beta + t)));
  if (t == 0) return alive;
  auto died = [&](double u) {
    return std::exp(log_nb(u) + std::log(p.s) + p.s * std::log(p.beta) -
                    (p.s + 1) * std::log(p.beta + u));
  };
  const double integral =
      boost::math::quadrature::gauss_kronrod<double, 31>::integrate(died, 0.0, t, 15, 1e-12);
  return std::clamp(alive + integral, 0.0, 1.0);
}

Result<double> pnbd_dert(const ParetoParams& p, double delta, double x, double t_x, double T) {
  if (!(delta > 0) || !std::isfinite(delta)) {
    return fail(ErrorCode::invalid_argument,
                "DERT needs a positive discount rate (got {}): undiscounted, the expected "
                "future purchases of a customer who may never die have no finite sum",
                delta);
  }
  const double bt = p.beta + T;
  // integral_0^inf e^(-delta u) (1 + u/bt)^-s du, with u = v / delta.
  boost::math::quadrature::exp_sinh<double> integrator;
  const double survival = integrator.integrate([&](double v) {
    return std::exp(-v - p.s * std::log1p(v / (delta * bt)));
  }) / delta;
  return pnbd_p_alive(p, x, t_x, T) * (p.r + x) / (p.alpha + T) * survival;
}

}  // namespace vafa::clv
