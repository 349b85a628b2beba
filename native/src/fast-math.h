// Vectorisable float functions. std::exp and std::tanh are calls the compiler cannot turn into
// SIMD without -ffast-math, and -ffast-math would also drop the infinities that masked attention
// relies on, so the hot loops use these instead. Accuracy: a few ulp over the float range.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

namespace native {

inline float bitsToFloat(std::int32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// exp(x) by x = n·ln2 + r, |r| ≤ ln2/2, a degree-6 polynomial for e^r and 2^n from the exponent
// bits. Below -87.3 the result is 0 (and -inf gives 0), above 88.7 it is +inf, NaN stays NaN.
inline float fastExp(float x) {
  const float clampedHigh = 88.7228f;
  const float clampedLow = -87.3365f;
  bool isNan = x != x;
  bool overflow = x > clampedHigh;
  bool underflow = x < clampedLow;
  float xc = std::fmin(std::fmax(x, clampedLow), clampedHigh);
  float n = std::nearbyint(xc * 1.44269504088896341f);
  float r = std::fma(n, -0.693145751953125f, xc);
  r = std::fma(n, -1.428606765330187045e-06f, r);
  float p = 1.0f / 720.0f;
  p = std::fma(p, r, 1.0f / 120.0f);
  p = std::fma(p, r, 1.0f / 24.0f);
  p = std::fma(p, r, 1.0f / 6.0f);
  p = std::fma(p, r, 0.5f);
  p = std::fma(p, r, 1.0f);
  p = std::fma(p, r, 1.0f);
  // n + 127 stays in [1, 255) after the clamp, except at the very top where the scale is split.
  std::int32_t exponent = static_cast<std::int32_t>(n);
  std::int32_t half = exponent / 2;
  float scale1 = bitsToFloat((half + 127) << 23);
  float scale2 = bitsToFloat((exponent - half + 127) << 23);
  float result = p * scale1 * scale2;
  result = underflow ? 0.0f : result;
  result = overflow ? INFINITY : result;
  return isNan ? x : result;
}

// tanh through exp of a non-positive argument, so it never overflows.
inline float fastTanh(float x) {
  float e = fastExp(-2.0f * std::fabs(x));
  float magnitude = (1.0f - e) / (1.0f + e);
  return std::copysign(magnitude, x);
}

inline float fastSigmoid(float x) {
  // 1 / (1 + e^-x) with e^-x computed for x < 0 as e^x / (1 + e^x) to stay finite.
  float e = fastExp(-std::fabs(x));
  float positive = 1.0f / (1.0f + e);
  return x >= 0.0f ? positive : e * positive;
}

// erf: its Maclaurin series on |x| < 0.9 (12 terms reach float precision there), and beyond,
// 1 - erfc(|x|) with erfc from the Chebyshev-fitted form t·exp(-x² + poly(t)), t = 1/(1 + |x|/2),
// whose relative error is below 1.2e-7. Both branches are computed and one is selected, so the
// loop still vectorises.
inline float fastErf(float x) {
  float ax = std::fabs(x);
  float x2 = x * x;
  float term = x;
  float sum = x;
  for (int k = 1; k < 12; ++k) {
    term *= -x2 / static_cast<float>(k);
    sum += term / static_cast<float>(2 * k + 1);
  }
  float small = 1.1283791670955126f * sum;
  // erfc(|x|) ≈ t·exp(-x² + poly(t)) with t = 1/(1 + |x|/2) (Numerical Recipes' erfcc form).
  float t = 1.0f / std::fma(0.5f, ax, 1.0f);
  float q = 0.17087277f;
  q = std::fma(q, t, -0.82215223f);
  q = std::fma(q, t, 1.48851587f);
  q = std::fma(q, t, -1.13520398f);
  q = std::fma(q, t, 0.27886807f);
  q = std::fma(q, t, -0.18628806f);
  q = std::fma(q, t, 0.09678418f);
  q = std::fma(q, t, 0.37409196f);
  q = std::fma(q, t, 1.00002368f);
  q = std::fma(q, t, -1.26551223f);
  float erfc = t * fastExp(-x2 + q);
  float large = std::copysign(1.0f - erfc, x);
  return ax < 0.9f ? small : large;
}

}  // namespace native
