#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels.h"
#include "thread-pool.h"

namespace native {
namespace {

constexpr std::size_t kElementsPerTask = 1 << 15;

// Sums accumulate in double, as tfjs's cpu kernels do in JavaScript numbers, so long reductions
// (a bias gradient over every token of a batch) agree with the reference to float precision.
void sumRows(const float* x, float* out, std::size_t rows, std::size_t length, double scale) {
  std::size_t rowsPerTask = std::max<std::size_t>(1, kElementsPerTask / std::max<std::size_t>(1, length));
  parallelFor(rows, rowsPerTask, [&](std::size_t begin, std::size_t end) {
    for (std::size_t row = begin; row < end; ++row) {
      const float* values = x + row * length;
      double total = 0.0;
#pragma omp simd reduction(+ : total)
      for (std::size_t i = 0; i < length; ++i) total += values[i];
      out[row] = static_cast<float>(total * scale);
    }
  });
}

void sumColumns(const float* x, float* out, std::size_t outer, std::size_t reduced,
                std::size_t inner, double scale) {
  // Parallel over outer slices when there are many, else over column blocks.
  auto columns = [&](std::size_t o, std::size_t begin, std::size_t end) {
    std::vector<double> totals(end - begin, 0.0);
    double* acc = totals.data();
    for (std::size_t r = 0; r < reduced; ++r) {
      const float* values = x + (o * reduced + r) * inner + begin;
#pragma omp simd
      for (std::size_t i = 0; i < end - begin; ++i) acc[i] += values[i];
    }
    float* target = out + o * inner + begin;
    for (std::size_t i = 0; i < end - begin; ++i) target[i] = static_cast<float>(acc[i] * scale);
  };
  if (outer > 1) {
    std::size_t perTask = std::max<std::size_t>(1, kElementsPerTask / std::max<std::size_t>(1, reduced * inner));
    parallelFor(outer, perTask, [&](std::size_t begin, std::size_t end) {
      for (std::size_t o = begin; o < end; ++o) columns(o, 0, inner);
    });
  } else {
    std::size_t perTask = std::max<std::size_t>(16, kElementsPerTask / std::max<std::size_t>(1, reduced));
    parallelFor(inner, perTask, [&](std::size_t begin, std::size_t end) { columns(0, begin, end); });
  }
}

template <typename Combine>
void foldGeneric(const float* x, float* out, std::size_t outer, std::size_t reduced,
                 std::size_t inner, float initial, Combine combine) {
  parallelFor(outer * inner, kElementsPerTask / std::max<std::size_t>(1, reduced) + 1,
              [&](std::size_t begin, std::size_t end) {
                for (std::size_t index = begin; index < end; ++index) {
                  std::size_t o = index / inner, i = index % inner;
                  float value = initial;
                  const float* base = x + o * reduced * inner + i;
                  for (std::size_t r = 0; r < reduced; ++r) value = combine(value, base[r * inner]);
                  out[index] = value;
                }
              });
}

}  // namespace

void reduce(ReduceOp op, const float* x, float* out, std::size_t outer, std::size_t reduced,
            std::size_t inner) {
  switch (op) {
    case ReduceOp::Sum:
    case ReduceOp::Mean: {
      double scale = op == ReduceOp::Mean ? 1.0 / static_cast<double>(reduced) : 1.0;
      if (inner == 1) sumRows(x, out, outer, reduced, scale);
      else sumColumns(x, out, outer, reduced, inner, scale);
      return;
    }
    case ReduceOp::Max:
      // NaN wins, as in tfjs.
      return foldGeneric(x, out, outer, reduced, inner, -std::numeric_limits<float>::infinity(),
                         [](float acc, float v) { return v > acc || v != v ? v : acc; });
    case ReduceOp::Min:
      return foldGeneric(x, out, outer, reduced, inner, std::numeric_limits<float>::infinity(),
                         [](float acc, float v) { return v < acc || v != v ? v : acc; });
    case ReduceOp::Prod:
      return foldGeneric(x, out, outer, reduced, inner, 1.0f,
                         [](float acc, float v) { return acc * v; });
  }
}

}  // namespace native
