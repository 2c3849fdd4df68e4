// Deterministic parallel sums over rows: the rows are cut into fixed blocks, each block's sums are
// computed on one of `threads` threads (the caller's count: no pool of its own choosing), and the
// blocks are added in order, so a result does not depend on the number of threads.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

namespace vafa::clv::internal {

inline constexpr std::size_t kBlockRows = 8192;

// body(begin, end, sums) adds its rows' contributions into sums (N accumulators, zeroed).
template <std::size_t N, typename Body>
std::array<double, N> block_sums(int threads, std::size_t rows, const Body& body) {
  const std::size_t blocks = (rows + kBlockRows - 1) / kBlockRows;
  std::vector<std::array<double, N>> partial(blocks);
#pragma omp parallel for schedule(static) if (blocks > 1 && threads > 1) num_threads(threads)
  for (std::size_t k = 0; k < blocks; ++k) {
    partial[k].fill(0.0);
    const std::size_t begin = k * kBlockRows;
    const std::size_t end = begin + kBlockRows < rows ? begin + kBlockRows : rows;
    body(begin, end, partial[k]);
  }
  std::array<double, N> total{};
  for (const auto& p : partial) {
    for (std::size_t i = 0; i < N; ++i) total[i] += p[i];
  }
  return total;
}

// As block_sums, with the number of accumulators chosen at run time.
template <typename Body>
std::vector<double> block_sums(int threads, std::size_t rows, std::size_t width, const Body& body) {
  const std::size_t blocks = (rows + kBlockRows - 1) / kBlockRows;
  std::vector<std::vector<double>> partial(blocks, std::vector<double>(width, 0.0));
#pragma omp parallel for schedule(dynamic) if (blocks > 1 && threads > 1) num_threads(threads)
  for (std::size_t k = 0; k < blocks; ++k) {
    const std::size_t begin = k * kBlockRows;
    const std::size_t end = begin + kBlockRows < rows ? begin + kBlockRows : rows;
    body(begin, end, partial[k]);
  }
  std::vector<double> total(width, 0.0);
  for (const auto& p : partial) {
    for (std::size_t i = 0; i < width; ++i) total[i] += p[i];
  }
  return total;
}

}  // namespace vafa::clv::internal
