#include "vafa/generate/btyd.hpp"

#include "vafa/generate/random.hpp"

namespace vafa::generate {

BtydCustomers simulate_btyd(const BtydParams& params, std::int64_t customers) {
  BtydCustomers out;
  const auto n = static_cast<std::size_t>(customers);
  out.x.reserve(n);
  out.t_x.reserve(n);
  out.T.reserve(n);
  out.holdout_x.reserve(n);
  for (std::int64_t c = 0; c < customers; ++c) {
    Rng rng(params.seed, static_cast<std::uint64_t>(c));
    const double lambda = rng.gamma(params.r, 1.0 / params.alpha);
    const double T = params.T_min + (params.T_max - params.T_min) * rng.uniform();
    const double end = T + params.holdout;
    double death = end + 1;  // alive past the end unless a dropout happens
    double p = 0;
    if (params.model == DropoutModel::pareto) {
      death = rng.exponential(rng.gamma(params.a, 1.0 / params.b));
    } else {
      p = rng.beta(params.a, params.b);
      if (params.model == DropoutModel::mbgnbd && rng.chance(p)) death = 0;
    }
    double t = 0, x = 0, t_x = 0, held = 0;
    while (death > t) {
      t += rng.exponential(lambda);
      if (t > end || t > death) break;
      if (t <= T) {
        x += 1;
        t_x = t;
      } else {
        held += 1;
      }
      if (params.model != DropoutModel::pareto && rng.chance(p)) death = t;
    }
    out.x.push_back(x);
    out.t_x.push_back(t_x);
    out.T.push_back(T);
    out.holdout_x.push_back(held);
  }
  return out;
}

}  // namespace vafa::generate
