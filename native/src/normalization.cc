#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "fast-math.h"
#include "kernels.h"
#include "thread-pool.h"

namespace native {
void softmax(const float* x, float* out, std::size_t rows, std::size_t cols) {
  parallelFor(rows, rowsPerTask(cols), [&](std::size_t begin, std::size_t end) {
    for (std::size_t row = begin; row < end; ++row) {
      const float* in = x + row * cols;
      float* target = out + row * cols;
      float peak = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : peak)
      for (std::size_t i = 0; i < cols; ++i) peak = std::max(peak, in[i]);
      float total = 0.0f;
#pragma omp simd reduction(+ : total)
      for (std::size_t i = 0; i < cols; ++i) {
        float e = fastExp(in[i] - peak);
        target[i] = e;
        total += e;
      }
      const float inverse = 1.0f / total;
#pragma omp simd
      for (std::size_t i = 0; i < cols; ++i) target[i] *= inverse;
    }
  });
}

void layerNorm(const float* x, const float* gamma, const float* beta, float* y, float* mean,
               float* rstd, std::size_t rows, std::size_t cols, float epsilon) {
  parallelFor(rows, rowsPerTask(cols), [&](std::size_t begin, std::size_t end) {
    for (std::size_t row = begin; row < end; ++row) {
      const float* in = x + row * cols;
      float* target = y + row * cols;
      float total = 0.0f;
#pragma omp simd reduction(+ : total)
      for (std::size_t i = 0; i < cols; ++i) total += in[i];
      const float mu = total / static_cast<float>(cols);
      float squares = 0.0f;
#pragma omp simd reduction(+ : squares)
      for (std::size_t i = 0; i < cols; ++i) {
        float centred = in[i] - mu;
        squares += centred * centred;
      }
      const float inverseStd = 1.0f / std::sqrt(squares / static_cast<float>(cols) + epsilon);
#pragma omp simd
      for (std::size_t i = 0; i < cols; ++i)
        target[i] = (in[i] - mu) * inverseStd * gamma[i] + beta[i];
      mean[row] = mu;
      rstd[row] = inverseStd;
    }
  });
}

void layerNormGrad(const float* dy, const float* x, const float* gamma, const float* mean,
                   const float* rstd, float* dx, float* dgamma, float* dbeta, std::size_t rows,
                   std::size_t cols) {
  // dgamma and dbeta sum over rows: each task keeps its own partial sums, added up at the end,
  // so the tasks never write to the same place.
  const std::size_t tasks = std::min<std::size_t>(rows, static_cast<std::size_t>(2 * poolThreads()));
  std::vector<double> partialGamma(tasks * cols, 0.0), partialBeta(tasks * cols, 0.0);
  const std::size_t perTask = (rows + tasks - 1) / tasks;
  parallelFor(tasks, 1, [&](std::size_t taskBegin, std::size_t taskEnd) {
    std::vector<float> dxhat(cols);
    for (std::size_t task = taskBegin; task < taskEnd; ++task) {
      double* gammaSum = partialGamma.data() + task * cols;
      double* betaSum = partialBeta.data() + task * cols;
      const std::size_t rowEnd = std::min(rows, (task + 1) * perTask);
      for (std::size_t row = task * perTask; row < rowEnd; ++row) {
        const float* in = x + row * cols;
        const float* grad = dy + row * cols;
        float* target = dx + row * cols;
        const float mu = mean[row], inverseStd = rstd[row];
        float sumDxhat = 0.0f, sumDxhatXhat = 0.0f;
#pragma omp simd reduction(+ : sumDxhat, sumDxhatXhat)
        for (std::size_t i = 0; i < cols; ++i) {
          float xhat = (in[i] - mu) * inverseStd;
          float d = grad[i] * gamma[i];
          dxhat[i] = d;
          sumDxhat += d;
          sumDxhatXhat += d * xhat;
          gammaSum[i] += static_cast<double>(grad[i]) * xhat;
          betaSum[i] += grad[i];
        }
        const float meanDxhat = sumDxhat / static_cast<float>(cols);
        const float meanDxhatXhat = sumDxhatXhat / static_cast<float>(cols);
#pragma omp simd
        for (std::size_t i = 0; i < cols; ++i) {
          float xhat = (in[i] - mu) * inverseStd;
          target[i] = inverseStd * (dxhat[i] - meanDxhat - xhat * meanDxhatXhat);
        }
      }
    }
  });
  for (std::size_t i = 0; i < cols; ++i) {
    double g = 0.0, b = 0.0;
    for (std::size_t task = 0; task < tasks; ++task) {
      g += partialGamma[task * cols + i];
      b += partialBeta[task * cols + i];
    }
    dgamma[i] = static_cast<float>(g);
    dbeta[i] = static_cast<float>(b);
  }
}

}  // namespace native
