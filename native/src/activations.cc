#include <cmath>

#include "fast-math.h"
#include "kernels.h"
#include "thread-pool.h"

namespace native {
namespace {

constexpr std::size_t kElementsPerTask = 1 << 15;
constexpr float kSqrt2OverPi = 0.7978845608028654f;
constexpr float kGeluCubic = 0.044715f;
constexpr float kInvSqrt2 = 0.7071067811865476f;
constexpr float kInvSqrt2Pi = 0.3989422804014327f;

template <typename F>
void forEach(std::size_t size, F f) {
  parallelFor(size, kElementsPerTask, [&](std::size_t begin, std::size_t end) {
#pragma omp simd
    for (std::size_t i = begin; i < end; ++i) f(i);
  });
}

}  // namespace

void activation(Activation kind, const float* x, float* y, std::size_t size) {
  switch (kind) {
    case Activation::GeluTanh:
      // GPT-2's gelu: x/2 · (1 + tanh(√(2/π)(x + 0.044715x³))).
      return forEach(size, [&](std::size_t i) {
        float v = x[i];
        float inner = kSqrt2OverPi * (v + kGeluCubic * v * v * v);
        y[i] = 0.5f * v * (1.0f + fastTanh(inner));
      });
    case Activation::GeluErf:
      return forEach(size, [&](std::size_t i) {
        float v = x[i];
        y[i] = 0.5f * v * (1.0f + fastErf(v * kInvSqrt2));
      });
    case Activation::Silu:
      return forEach(size, [&](std::size_t i) { y[i] = x[i] * fastSigmoid(x[i]); });
  }
}

void activationGrad(Activation kind, const float* x, const float* dy, float* dx,
                    std::size_t size) {
  switch (kind) {
    case Activation::GeluTanh:
      return forEach(size, [&](std::size_t i) {
        float v = x[i];
        float inner = kSqrt2OverPi * (v + kGeluCubic * v * v * v);
        float t = fastTanh(inner);
        float dInner = kSqrt2OverPi * (1.0f + 3.0f * kGeluCubic * v * v);
        dx[i] = dy[i] * (0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * dInner);
      });
    case Activation::GeluErf:
      return forEach(size, [&](std::size_t i) {
        float v = x[i];
        float cdf = 0.5f * (1.0f + fastErf(v * kInvSqrt2));
        float pdf = kInvSqrt2Pi * fastExp(-0.5f * v * v);
        dx[i] = dy[i] * (cdf + v * pdf);
      });
    case Activation::Silu:
      return forEach(size, [&](std::size_t i) {
        float s = fastSigmoid(x[i]);
        dx[i] = dy[i] * s * (1.0f + x[i] * (1.0f - s));
      });
  }
}

}  // namespace native
