// Random numbers for the data generator, written here so that the same seed gives byte-identical
// output on every platform and library version (std:: distributions are implementation-defined).
// xoshiro256** seeded through splitmix64 (Blackman & Vigna), Marsaglia-Tsang gamma sampling.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>

namespace vafa::generate {

inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  // A stream for (seed, stream): independent streams for the catalogue and each customer, so a
  // customer's data do not depend on how many numbers earlier customers drew.
  Rng(std::uint64_t seed, std::uint64_t stream);

  std::uint64_t next();
  double uniform();                      // [0, 1)
  double uniform_open();                 // (0, 1)
  std::uint64_t below(std::uint64_t n);  // [0, n), unbiased
  bool chance(double p) { return uniform() < p; }
  double normal();                           // standard normal
  double exponential(double rate);           // mean 1 / rate
  double gamma(double shape, double scale);  // mean shape * scale
  double beta(double a, double b);
  std::int64_t poisson(double mean);  // for small means
  // Index drawn with probability proportional to the weights' increments in `cumulative`
  // (a running sum, last element the total).
  std::size_t pick(std::span<const double> cumulative);

 private:
  std::uint64_t s_[4];
};

}  // namespace vafa::generate
