#include "vafa/generate/random.hpp"

#include <algorithm>
#include <numbers>

namespace vafa::generate {

namespace {
__extension__ typedef unsigned __int128 u128;  // GCC and Clang; the product of two 64-bit words
std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

Rng::Rng(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t state = seed ^ (stream * 0xD1B54A32D192ED03ULL);
  for (auto& word : s_) word = splitmix64(state);
}

std::uint64_t Rng::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double Rng::uniform_open() {
  while (true) {
    const double u = uniform();
    if (u > 0.0) return u;
  }
}

std::uint64_t Rng::below(std::uint64_t n) {
  // Lemire's multiply-shift with rejection of the biased low range.
  while (true) {
    const u128 m = static_cast<u128>(next()) * n;
    const auto low = static_cast<std::uint64_t>(m);
    if (low >= (0 - n) % n) return static_cast<std::uint64_t>(m >> 64);
  }
}

double Rng::normal() {
  const double u1 = uniform_open();
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double Rng::exponential(double rate) { return -std::log(uniform_open()) / rate; }

double Rng::gamma(double shape, double scale) {
  if (shape < 1.0) {
    // Gamma(k) = Gamma(k + 1) * U^(1/k)
    const double g = gamma(shape + 1.0, scale);
    return g * std::pow(uniform_open(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    double x = 0;
    double v = 0;
    do {
      x = normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = uniform_open();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v * scale;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v * scale;
  }
}

double Rng::beta(double a, double b) {
  const double x = gamma(a, 1.0);
  const double y = gamma(b, 1.0);
  return x / (x + y);
}

std::int64_t Rng::poisson(double mean) {
  const double limit = std::exp(-mean);
  std::int64_t k = 0;
  double product = uniform_open();
  while (product > limit) {
    ++k;
    product *= uniform_open();
  }
  return k;
}

std::size_t Rng::pick(std::span<const double> cumulative) {
  const double target = uniform() * cumulative.back();
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
  return std::min(static_cast<std::size_t>(it - cumulative.begin()), cumulative.size() - 1);
}

}  // namespace vafa::generate
