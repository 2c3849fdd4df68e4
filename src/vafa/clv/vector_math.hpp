// Vectorised loops over customers. The models' per-row work is a handful of log, exp and log1p
// calls; glibc's libmvec has SIMD versions of them (2, 4 or 8 doubles at a time), which GCC
// calls from a loop marked `#pragma omp simd` once it knows they exist. glibc announces them
// only under -ffast-math, which vafa does not use (it drops NaN and infinity checks), so they are
// declared here (as vafa::clv::simd::log and so on). VAFA_VECTOR_CLONES compiles a function for
// baseline x86-64, x86-64-v3 (AVX2) and x86-64-v4 (AVX-512), and the loader picks the best the
// machine has.
//
// The library is built with -fno-math-errno and -fno-trapping-math (nothing reads errno or the
// floating-point exception flags), without which GCC keeps these loops scalar.
#pragma once

#include <cmath>

namespace vafa::clv::simd {

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__)
// The same functions as std::log and friends under names of their own (the assembler names are
// glibc's), so the SIMD declarations hold wherever this header comes in the include order.
extern "C" {
__attribute__((simd("notinbranch"))) double vafa_simd_log(double) noexcept __asm__("log");
__attribute__((simd("notinbranch"))) double vafa_simd_exp(double) noexcept __asm__("exp");
__attribute__((simd("notinbranch"))) double vafa_simd_log1p(double) noexcept __asm__("log1p");
__attribute__((simd("notinbranch"))) double vafa_simd_expm1(double) noexcept __asm__("expm1");
}
#define VAFA_VECTOR_CLONES \
  __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
inline double vafa_simd_log(double v) { return std::log(v); }
inline double vafa_simd_exp(double v) { return std::exp(v); }
inline double vafa_simd_log1p(double v) { return std::log1p(v); }
inline double vafa_simd_expm1(double v) { return std::expm1(v); }
#define VAFA_VECTOR_CLONES
#endif

inline double log(double v) { return vafa_simd_log(v); }
inline double exp(double v) { return vafa_simd_exp(v); }
inline double log1p(double v) { return vafa_simd_log1p(v); }
inline double expm1(double v) { return vafa_simd_expm1(v); }

// e^d / (1 + e^d) given e = e^-|d|, without overflow, as softplus() in special.hpp computes it
// but without a branch, which GCC would not vectorise: the numerator is 1 for d >= 0, e below.
inline double logistic(double d, double e) {
  const double upper = 0.5 + std::copysign(0.5, d);  // 1 for d >= 0, else 0
  return (e + upper * (1.0 - e)) / (1.0 + e);
}

}  // namespace vafa::clv::simd
