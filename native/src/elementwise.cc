#include <algorithm>
#include <cmath>
#include <vector>

#include "fast-math.h"
#include "kernels.h"
#include "thread-pool.h"

namespace native {
namespace {

// Element-wise work is memory-bound: a chunk below this many elements is not worth a thread.
constexpr std::size_t kElementsPerTask = 1 << 15;

struct Add { static float apply(float a, float b) { return a + b; } };
struct Sub { static float apply(float a, float b) { return a - b; } };
struct Mul { static float apply(float a, float b) { return a * b; } };
struct Div { static float apply(float a, float b) { return a / b; } };
struct Maximum { static float apply(float a, float b) { return a > b || a != a ? a : b; } };
struct Minimum { static float apply(float a, float b) { return a < b || a != a ? a : b; } };
struct SquaredDifference {
  static float apply(float a, float b) { float d = a - b; return d * d; }
};
struct Pow { static float apply(float a, float b) { return std::pow(a, b); } };

// After broadcasting dimensions are merged, every input walks its innermost dimension with
// stride 1 (it varies) or 0 (it repeats); one loop per case lets the compiler vectorise each.
template <typename Op>
void innerLoop(const float* a, std::size_t aStride, const float* b, std::size_t bStride,
               float* out, std::size_t length) {
  if (aStride == 1 && bStride == 1) {
#pragma omp simd
    for (std::size_t i = 0; i < length; ++i) out[i] = Op::apply(a[i], b[i]);
  } else if (aStride == 1) {
    const float bv = *b;
#pragma omp simd
    for (std::size_t i = 0; i < length; ++i) out[i] = Op::apply(a[i], bv);
  } else if (bStride == 1) {
    const float av = *a;
#pragma omp simd
    for (std::size_t i = 0; i < length; ++i) out[i] = Op::apply(av, b[i]);
  } else {
    const float value = Op::apply(*a, *b);
    for (std::size_t i = 0; i < length; ++i) out[i] = value;
  }
}

struct BroadcastPlan {
  std::vector<std::size_t> shape;    // merged output dimensions
  std::vector<std::size_t> aStride;  // per merged dimension, 0 where a repeats
  std::vector<std::size_t> bStride;
};

BroadcastPlan planBroadcast(const std::int32_t* aShape, int aRank, const std::int32_t* bShape,
                            int bRank, const std::int32_t* outShape, int outRank) {
  std::vector<std::size_t> shape(outRank), aStride(outRank), bStride(outRank);
  std::size_t aRunning = 1, bRunning = 1;
  for (int d = outRank - 1; d >= 0; --d) {
    int ad = d - (outRank - aRank), bd = d - (outRank - bRank);
    std::size_t aDim = ad >= 0 ? static_cast<std::size_t>(aShape[ad]) : 1;
    std::size_t bDim = bd >= 0 ? static_cast<std::size_t>(bShape[bd]) : 1;
    shape[d] = static_cast<std::size_t>(outShape[d]);
    aStride[d] = aDim == 1 ? 0 : aRunning;
    bStride[d] = bDim == 1 ? 0 : bRunning;
    aRunning *= aDim;
    bRunning *= bDim;
  }
  BroadcastPlan plan;
  // Merge a dimension into the one after it when both inputs step through the pair as one.
  for (int d = 0; d < outRank; ++d) {
    if (shape[d] == 1) continue;
    if (!plan.shape.empty()) {
      std::size_t last = plan.shape.size() - 1;
      bool aMerges = plan.aStride[last] == aStride[d] * shape[d];
      bool bMerges = plan.bStride[last] == bStride[d] * shape[d];
      if (aMerges && bMerges) {
        plan.shape[last] *= shape[d];
        plan.aStride[last] = aStride[d];
        plan.bStride[last] = bStride[d];
        continue;
      }
    }
    plan.shape.push_back(shape[d]);
    plan.aStride.push_back(aStride[d]);
    plan.bStride.push_back(bStride[d]);
  }
  if (plan.shape.empty()) {
    plan.shape.push_back(1);
    plan.aStride.push_back(0);
    plan.bStride.push_back(0);
  }
  return plan;
}

template <typename Op>
void binaryWith(const float* a, const float* b, float* out, const BroadcastPlan& plan) {
  const std::size_t rank = plan.shape.size();
  const std::size_t length = plan.shape[rank - 1];
  const std::size_t aInner = plan.aStride[rank - 1], bInner = plan.bStride[rank - 1];
  std::size_t rows = 1;
  for (std::size_t d = 0; d + 1 < rank; ++d) rows *= plan.shape[d];
  const std::size_t rowsPerTask = std::max<std::size_t>(1, kElementsPerTask / std::max<std::size_t>(1, length));
  parallelFor(rows, rowsPerTask, [&](std::size_t begin, std::size_t end) {
    for (std::size_t row = begin; row < end; ++row) {
      std::size_t rest = row, aOffset = 0, bOffset = 0;
      for (std::size_t d = rank - 1; d-- > 0;) {
        std::size_t index = rest % plan.shape[d];
        rest /= plan.shape[d];
        aOffset += index * plan.aStride[d];
        bOffset += index * plan.bStride[d];
      }
      innerLoop<Op>(a + aOffset, aInner, b + bOffset, bInner, out + row * length, length);
    }
  });
}

template <typename F>
void unaryWith(const float* x, float* out, std::size_t size, F f) {
  parallelFor(size, kElementsPerTask, [&](std::size_t begin, std::size_t end) {
#pragma omp simd
    for (std::size_t i = begin; i < end; ++i) out[i] = f(x[i]);
  });
}

}  // namespace

void binary(BinaryOp op, const float* a, const std::int32_t* aShape, int aRank, const float* b,
            const std::int32_t* bShape, int bRank, float* out, const std::int32_t* outShape,
            int outRank) {
  BroadcastPlan plan = planBroadcast(aShape, aRank, bShape, bRank, outShape, outRank);
  switch (op) {
    case BinaryOp::Add: return binaryWith<Add>(a, b, out, plan);
    case BinaryOp::Sub: return binaryWith<Sub>(a, b, out, plan);
    case BinaryOp::Mul: return binaryWith<Mul>(a, b, out, plan);
    case BinaryOp::Div: return binaryWith<Div>(a, b, out, plan);
    case BinaryOp::Maximum: return binaryWith<Maximum>(a, b, out, plan);
    case BinaryOp::Minimum: return binaryWith<Minimum>(a, b, out, plan);
    case BinaryOp::SquaredDifference: return binaryWith<SquaredDifference>(a, b, out, plan);
    case BinaryOp::Pow: return binaryWith<Pow>(a, b, out, plan);
  }
}

void unary(UnaryOp op, const float* x, float* out, std::size_t size) {
  switch (op) {
    case UnaryOp::Neg: return unaryWith(x, out, size, [](float v) { return -v; });
    case UnaryOp::Exp: return unaryWith(x, out, size, [](float v) { return fastExp(v); });
    case UnaryOp::Log: return unaryWith(x, out, size, [](float v) { return std::log(v); });
    case UnaryOp::Sqrt: return unaryWith(x, out, size, [](float v) { return std::sqrt(v); });
    case UnaryOp::Rsqrt:
      return unaryWith(x, out, size, [](float v) { return 1.0f / std::sqrt(v); });
    case UnaryOp::Square: return unaryWith(x, out, size, [](float v) { return v * v; });
    case UnaryOp::Tanh: return unaryWith(x, out, size, [](float v) { return fastTanh(v); });
    case UnaryOp::Sigmoid:
      return unaryWith(x, out, size, [](float v) { return fastSigmoid(v); });
    case UnaryOp::Relu:
      return unaryWith(x, out, size, [](float v) { return v > 0.0f ? v : (v != v ? v : 0.0f); });
    case UnaryOp::Abs: return unaryWith(x, out, size, [](float v) { return std::fabs(v); });
    case UnaryOp::Reciprocal: return unaryWith(x, out, size, [](float v) { return 1.0f / v; });
    case UnaryOp::Erf: return unaryWith(x, out, size, [](float v) { return fastErf(v); });
    case UnaryOp::Log1p: return unaryWith(x, out, size, [](float v) { return std::log1p(v); });
  }
}

}  // namespace native
