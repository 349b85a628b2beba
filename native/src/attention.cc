#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "fast-math.h"
#include "kernels.h"
#include "thread-pool.h"

namespace native {
namespace {

// The heads are independent: they run in parallel on the pool, each with single-threaded gemms,
// which for head-sized matrices (64-wide) beats OpenBLAS threading inside each product.
template <typename F>
void forEachHead(int heads, F body) {
  parallelForSerialBlas(static_cast<std::size_t>(heads), 1, [&](std::size_t begin, std::size_t end) {
    for (std::size_t h = begin; h < end; ++h) body(h);
  });
}

// Number of keys query i may see.
inline int visibleKeys(int i, int tq, int tk, bool causal) {
  return causal ? std::min(tk, std::max(0, i + (tk - tq) + 1)) : tk;
}

}  // namespace

// Decoding (a few queries over a KV cache): dot products in plain loops. Each head is a few
// thousand multiply-adds, less than what a gemm call and a thread hand-off cost.
void attentionSmall(const float* q, const float* k, const float* v, float* out, float* probs,
                    int heads, int tq, int tk, int d, int dv, float scale, bool causal) {
  for (int h = 0; h < heads; ++h) {
    for (int i = 0; i < tq; ++i) {
      const float* query = q + (static_cast<std::size_t>(h) * tq + i) * d;
      float* row = probs + (static_cast<std::size_t>(h) * tq + i) * tk;
      float* target = out + (static_cast<std::size_t>(h) * tq + i) * dv;
      const int visible = visibleKeys(i, tq, tk, causal);
      float peak = -std::numeric_limits<float>::infinity();
      for (int j = 0; j < visible; ++j) {
        const float* key = k + (static_cast<std::size_t>(h) * tk + j) * d;
        float dot = 0.0f;
#pragma omp simd reduction(+ : dot)
        for (int c = 0; c < d; ++c) dot += query[c] * key[c];
        row[j] = dot * scale;
        peak = std::max(peak, row[j]);
      }
      float total = 0.0f;
      for (int j = 0; j < visible; ++j) {
        row[j] = fastExp(row[j] - peak);
        total += row[j];
      }
      const float inverse = visible > 0 ? 1.0f / total : 0.0f;
      for (int c = 0; c < dv; ++c) target[c] = 0.0f;
      for (int j = 0; j < visible; ++j) {
        row[j] *= inverse;
        const float weight = row[j];
        const float* value = v + (static_cast<std::size_t>(h) * tk + j) * dv;
#pragma omp simd
        for (int c = 0; c < dv; ++c) target[c] += weight * value[c];
      }
      for (int j = visible; j < tk; ++j) row[j] = 0.0f;
    }
  }
}

void attention(const float* q, const float* k, const float* v, float* out, float* probs,
               int heads, int tq, int tk, int d, int dv, float scale, bool causal) {
  if (tq <= 4) return attentionSmall(q, k, v, out, probs, heads, tq, tk, d, dv, scale, causal);
  forEachHead(heads, [&](std::size_t h) {
    const float* qh = q + h * static_cast<std::size_t>(tq) * d;
    const float* kh = k + h * static_cast<std::size_t>(tk) * d;
    const float* vh = v + h * static_cast<std::size_t>(tk) * dv;
    float* ph = probs + h * static_cast<std::size_t>(tq) * tk;
    float* oh = out + h * static_cast<std::size_t>(tq) * dv;
    // scores = scale · q kᵀ, then a softmax over each row's visible keys; hidden keys get 0.
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, tq, tk, d, scale, qh, d, kh, d, 0.0f,
                ph, tk);
    for (int i = 0; i < tq; ++i) {
      float* row = ph + static_cast<std::size_t>(i) * tk;
      const int visible = visibleKeys(i, tq, tk, causal);
      float peak = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : peak)
      for (int j = 0; j < visible; ++j) peak = std::max(peak, row[j]);
      float total = 0.0f;
#pragma omp simd reduction(+ : total)
      for (int j = 0; j < visible; ++j) {
        float e = fastExp(row[j] - peak);
        row[j] = e;
        total += e;
      }
      const float inverse = visible > 0 ? 1.0f / total : 0.0f;
#pragma omp simd
      for (int j = 0; j < visible; ++j) row[j] *= inverse;
      for (int j = visible; j < tk; ++j) row[j] = 0.0f;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, tq, dv, tk, 1.0f, ph, tk, vh, dv, 0.0f,
                oh, dv);
  });
}

void attentionGrad(const float* dout, const float* q, const float* k, const float* v,
                   const float* probs, float* dq, float* dk, float* dvOut, int heads, int tq,
                   int tk, int d, int dv, float scale) {
  forEachHead(heads, [&](std::size_t h) {
    const std::size_t qSize = static_cast<std::size_t>(tq) * d;
    const std::size_t kSize = static_cast<std::size_t>(tk) * d;
    const std::size_t vSize = static_cast<std::size_t>(tk) * dv;
    const std::size_t pSize = static_cast<std::size_t>(tq) * tk;
    const float* doh = dout + h * static_cast<std::size_t>(tq) * dv;
    const float* qh = q + h * qSize;
    const float* kh = k + h * kSize;
    const float* vh = v + h * vSize;
    const float* ph = probs + h * pSize;
    std::vector<float> scores(pSize);
    float* ds = scores.data();
    // dV = Pᵀ dO
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, tk, dv, tq, 1.0f, ph, tk, doh, dv, 0.0f,
                dvOut + h * vSize, dv);
    // dP = dO Vᵀ, then dS = P ⊙ (dP − rowsum(dP ⊙ P)); hidden keys have P = 0, so dS = 0 there.
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, tq, tk, dv, 1.0f, doh, dv, vh, dv, 0.0f,
                ds, tk);
    for (int i = 0; i < tq; ++i) {
      float* row = ds + static_cast<std::size_t>(i) * tk;
      const float* p = ph + static_cast<std::size_t>(i) * tk;
      float dot = 0.0f;
#pragma omp simd reduction(+ : dot)
      for (int j = 0; j < tk; ++j) dot += row[j] * p[j];
#pragma omp simd
      for (int j = 0; j < tk; ++j) row[j] = p[j] * (row[j] - dot);
    }
    // dQ = scale · dS K, dK = scale · dSᵀ Q
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, tq, d, tk, scale, ds, tk, kh, d, 0.0f,
                dq + h * qSize, d);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, tk, d, tq, scale, ds, tk, qh, d, 0.0f,
                dk + h * kSize, d);
  });
}

}  // namespace native
