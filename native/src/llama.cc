// The kernels a Llama-layout model adds to a GPT-2 one: RMS norm, rotary positions, and the
// embedding lookup with a scatter-add gradient; plus log-softmax for the loss.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "fast-math.h"
#include "kernels.h"
#include "thread-pool.h"

namespace native {
void rmsNorm(const float* x, const float* weight, float* y, float* rrms, std::size_t rows,
             std::size_t cols, float epsilon) {
  parallelFor(rows, rowsPerTask(cols), [&](std::size_t begin, std::size_t end) {
    for (std::size_t row = begin; row < end; ++row) {
      const float* in = x + row * cols;
      float* target = y + row * cols;
      float squares = 0.0f;
#pragma omp simd reduction(+ : squares)
      for (std::size_t i = 0; i < cols; ++i) squares += in[i] * in[i];
      const float r = 1.0f / std::sqrt(squares / static_cast<float>(cols) + epsilon);
#pragma omp simd
      for (std::size_t i = 0; i < cols; ++i) target[i] = in[i] * r * weight[i];
      rrms[row] = r;
    }
  });
}

void rmsNormGrad(const float* dy, const float* x, const float* weight, const float* rrms,
                 float* dx, float* dweight, std::size_t rows, std::size_t cols) {
  const std::size_t tasks = std::min<std::size_t>(rows, static_cast<std::size_t>(2 * poolThreads()));
  std::vector<double> partial(std::max<std::size_t>(1, tasks) * cols, 0.0);
  const std::size_t perTask = tasks == 0 ? 0 : (rows + tasks - 1) / tasks;
  parallelFor(tasks, 1, [&](std::size_t taskBegin, std::size_t taskEnd) {
    for (std::size_t task = taskBegin; task < taskEnd; ++task) {
      double* weightSum = partial.data() + task * cols;
      const std::size_t rowEnd = std::min(rows, (task + 1) * perTask);
      for (std::size_t row = task * perTask; row < rowEnd; ++row) {
        const float* in = x + row * cols;
        const float* grad = dy + row * cols;
        float* target = dx + row * cols;
        const float r = rrms[row];
        // y = x·r·w with r depending on every x: dx = r·(dy·w) − x·r³/n · Σ(dy·w·x).
        float dot = 0.0f;
#pragma omp simd reduction(+ : dot)
        for (std::size_t i = 0; i < cols; ++i) {
          dot += grad[i] * weight[i] * in[i];
          weightSum[i] += static_cast<double>(grad[i]) * in[i] * r;
        }
        const float correction = dot * r * r * r / static_cast<float>(cols);
#pragma omp simd
        for (std::size_t i = 0; i < cols; ++i) target[i] = r * grad[i] * weight[i] - in[i] * correction;
      }
    }
  });
  for (std::size_t i = 0; i < cols; ++i) {
    double total = 0.0;
    for (std::size_t task = 0; task < tasks; ++task) total += partial[task * cols + i];
    dweight[i] = static_cast<float>(total);
  }
}

void logSoftmax(const float* x, float* out, std::size_t rows, std::size_t cols) {
  parallelFor(rows, rowsPerTask(cols), [&](std::size_t begin, std::size_t end) {
    for (std::size_t row = begin; row < end; ++row) {
      const float* in = x + row * cols;
      float* target = out + row * cols;
      float peak = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : peak)
      for (std::size_t i = 0; i < cols; ++i) peak = std::max(peak, in[i]);
      float total = 0.0f;
#pragma omp simd reduction(+ : total)
      for (std::size_t i = 0; i < cols; ++i) total += fastExp(in[i] - peak);
      const float shift = peak + std::log(total);
#pragma omp simd
      for (std::size_t i = 0; i < cols; ++i) target[i] = in[i] - shift;
    }
  });
}

void logSoftmaxGrad(const float* dy, const float* y, float* dx, std::size_t rows,
                    std::size_t cols) {
  parallelFor(rows, rowsPerTask(cols), [&](std::size_t begin, std::size_t end) {
    for (std::size_t row = begin; row < end; ++row) {
      const float* grad = dy + row * cols;
      const float* logp = y + row * cols;
      float* target = dx + row * cols;
      float total = 0.0f;
#pragma omp simd reduction(+ : total)
      for (std::size_t i = 0; i < cols; ++i) total += grad[i];
#pragma omp simd
      for (std::size_t i = 0; i < cols; ++i) target[i] = grad[i] - fastExp(logp[i]) * total;
    }
  });
}

void gatherRows(const float* table, const std::int32_t* ids, float* out, std::size_t count,
                std::size_t width) {
  parallelFor(count, rowsPerTask(width), [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
      std::copy(table + static_cast<std::size_t>(ids[i]) * width,
                table + static_cast<std::size_t>(ids[i] + 1) * width, out + i * width);
  });
}

void scatterAddRows(const float* dy, const std::int32_t* ids, float* dtable, std::size_t count,
                    std::size_t width) {
  // Two ids may name one row, so this runs on one thread; it is count × width adds, small
  // next to the matmuls around it.
  for (std::size_t i = 0; i < count; ++i) {
    float* row = dtable + static_cast<std::size_t>(ids[i]) * width;
    const float* grad = dy + i * width;
#pragma omp simd
    for (std::size_t j = 0; j < width; ++j) row[j] += grad[j];
  }
}

void rotaryTables(std::size_t offset, std::size_t length, std::size_t dim, double theta,
                  float* cosines, float* sines) {
  const std::size_t half = dim / 2;
  for (std::size_t t = 0; t < length; ++t) {
    for (std::size_t i = 0; i < half; ++i) {
      double angle = static_cast<double>(offset + t) / std::pow(theta, (2.0 * i) / static_cast<double>(dim));
      cosines[t * half + i] = static_cast<float>(std::cos(angle));
      sines[t * half + i] = static_cast<float>(std::sin(angle));
    }
  }
}

void rope(const float* x, float* out, std::size_t rows, std::size_t length, std::size_t dim,
          std::size_t offset, double theta, bool inverse) {
  const std::size_t half = dim / 2;
  std::vector<float> cosines(length * half), sines(length * half);
  rotaryTables(offset, length, dim, theta, cosines.data(), sines.data());
  if (inverse)
    for (float& s : sines) s = -s;
  parallelFor(rows * length, rowsPerTask(dim), [&](std::size_t begin, std::size_t end) {
    for (std::size_t index = begin; index < end; ++index) {
      const std::size_t t = index % length;
      const float* in = x + index * dim;
      float* target = out + index * dim;
      const float* c = cosines.data() + t * half;
      const float* s = sines.data() + t * half;
#pragma omp simd
      for (std::size_t i = 0; i < half; ++i) {
        float first = in[i], second = in[i + half];
        target[i] = first * c[i] - second * s[i];
        target[i + half] = second * c[i] + first * s[i];
      }
    }
  });
}

}  // namespace native

namespace native {

void adamStep(const float* param, const float* grad, const float* m, const float* v,
              float* paramOut, float* mOut, float* vOut, std::size_t n, float lr, float beta1,
              float beta2, float epsilon, float weightDecay, float correction1,
              float correction2) {
  const float decay = 1.0f - lr * weightDecay;
  const float inverseCorrection1 = 1.0f / correction1;
  const float inverseCorrection2 = 1.0f / correction2;
  parallelFor(n, 1 << 15, [&](std::size_t begin, std::size_t end) {
#pragma omp simd
    for (std::size_t i = begin; i < end; ++i) {
      float g = grad[i];
      float first = beta1 * m[i] + (1.0f - beta1) * g;
      float second = beta2 * v[i] + (1.0f - beta2) * g * g;
      mOut[i] = first;
      vOut[i] = second;
      paramOut[i] = param[i] * decay -
                    lr * (first * inverseCorrection1) / (std::sqrt(second * inverseCorrection2) + epsilon);
    }
  });
}

}  // namespace native
