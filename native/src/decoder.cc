// Kernels for whole steps of a decoder block, each replacing a chain of small tfjs ops: several
// projections of one input written side by side (a gemm on views of larger buffers), causal
// self-attention straight from the packed projections (rotary positions applied on the way in,
// keys and values written into a KV cache in place, the output written in the [batch, position,
// feature] layout the next projection reads), SwiGLU on the packed gate and up projections, and
// the log-probability of given tokens (the training loss) without a log-softmax tensor.
#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "fast-math.h"
#include "kernels.h"
#include "thread-pool.h"

namespace native {
namespace {

// Queries per block of the causal attention: a block's scores are computed against the keys its
// last query sees, so most of the masked half (the keys no query of the block sees) is skipped.
constexpr int kQueryBlock = 64;
// Below this many queries a pass is a decoding step: dot-product loops beat gemm calls.
constexpr int kDecodeQueries = 4;

// (x_i, x_{i+half}) turned by the angle whose cosine and sine are c_i, s_i (s negated for the
// inverse turn, which is the rotation's gradient).
inline void rotate(const float* in, float* out, const float* c, const float* s, int half) {
#pragma omp simd
  for (int i = 0; i < half; ++i) {
    const float first = in[i], second = in[i + half];
    out[i] = first * c[i] - second * s[i];
    out[i + half] = second * c[i] + first * s[i];
  }
}

// Softmax over the first `visible` entries of a row; the entries after them (up to `width`)
// become 0, so a product with the values ignores them.
inline void softmaxVisible(float* row, int visible, int width) {
  float peak = -std::numeric_limits<float>::infinity();
  for (int j = 0; j < visible; ++j) peak = std::max(peak, row[j]);
  float total = 0.0f;
#pragma omp simd reduction(+ : total)
  for (int j = 0; j < visible; ++j) {
    const float e = fastExp(row[j] - peak);
    row[j] = e;
    total += e;
  }
  const float inverse = visible > 0 ? 1.0f / total : 0.0f;
#pragma omp simd
  for (int j = 0; j < visible; ++j) row[j] *= inverse;
  for (int j = visible; j < width; ++j) row[j] = 0.0f;
}

struct Dims {
  int batch, heads, length, depth, capacity, offset;
  int width() const { return heads * depth; }
  int keys() const { return offset + length; }
  // Row stride of the packed projections: queries, keys and values side by side.
  int packed() const { return 3 * width(); }
};

// One (sequence, head) pair of the forward pass: scores, softmax and the weighted values.
void attendPair(const Dims& dims, int b, int h, const float* q, const float* keys,
                const float* values, float* probs, float* out, float scale) {
  const int D = dims.depth, L = dims.length, tk = dims.keys();
  const std::size_t pair = static_cast<std::size_t>(b) * dims.heads + h;
  const float* qh = q + pair * L * D;
  const float* kh = keys + pair * static_cast<std::size_t>(dims.capacity) * D;
  const float* vh = values + pair * static_cast<std::size_t>(dims.capacity) * D;
  float* ph = probs + pair * static_cast<std::size_t>(L) * tk;
  float* oh = out + static_cast<std::size_t>(b) * L * dims.width() + static_cast<std::size_t>(h) * D;
  const int ldo = dims.width();
  if (L <= kDecodeQueries) {
    for (int i = 0; i < L; ++i) {
      const float* query = qh + static_cast<std::size_t>(i) * D;
      float* row = ph + static_cast<std::size_t>(i) * tk;
      float* target = oh + static_cast<std::size_t>(i) * ldo;
      const int visible = dims.offset + i + 1;
      for (int j = 0; j < visible; ++j) {
        const float* key = kh + static_cast<std::size_t>(j) * D;
        float dot = 0.0f;
#pragma omp simd reduction(+ : dot)
        for (int c = 0; c < D; ++c) dot += query[c] * key[c];
        row[j] = dot * scale;
      }
      softmaxVisible(row, visible, tk);
      for (int c = 0; c < D; ++c) target[c] = 0.0f;
      for (int j = 0; j < visible; ++j) {
        const float weight = row[j];
        const float* value = vh + static_cast<std::size_t>(j) * D;
#pragma omp simd
        for (int c = 0; c < D; ++c) target[c] += weight * value[c];
      }
    }
    return;
  }
  for (int i0 = 0; i0 < L; i0 += kQueryBlock) {
    const int rows = std::min(kQueryBlock, L - i0);
    const int seen = dims.offset + i0 + rows;  // keys the block's last query sees
    float* scores = ph + static_cast<std::size_t>(i0) * tk;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, seen, D, scale,
                qh + static_cast<std::size_t>(i0) * D, D, kh, D, 0.0f, scores, tk);
    for (int i = 0; i < rows; ++i)
      softmaxVisible(scores + static_cast<std::size_t>(i) * tk, dims.offset + i0 + i + 1, tk);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, D, seen, 1.0f, scores, tk, vh,
                D, 0.0f, oh + static_cast<std::size_t>(i0) * ldo, ldo);
  }
}

// The backward pass of one pair (no cache: offset 0, capacity = length). dq, dk, dv are the
// pair's [length, depth] gradients with respect to the rotated queries and keys and the values.
void attendPairGrad(const Dims& dims, int b, int h, const float* dout, const float* q,
                    const float* keys, const float* values, const float* probs, float* dq,
                    float* dk, float* dv, float scale) {
  const int D = dims.depth, L = dims.length;
  const std::size_t pair = static_cast<std::size_t>(b) * dims.heads + h;
  const float* qh = q + pair * L * D;
  const float* kh = keys + pair * L * D;
  const float* vh = values + pair * L * D;
  const float* ph = probs + pair * static_cast<std::size_t>(L) * L;
  const float* doh = dout + static_cast<std::size_t>(b) * L * dims.width() + static_cast<std::size_t>(h) * D;
  const int ldo = dims.width();
  std::fill(dk, dk + static_cast<std::size_t>(L) * D, 0.0f);
  std::fill(dv, dv + static_cast<std::size_t>(L) * D, 0.0f);
  std::vector<float> blockScores(static_cast<std::size_t>(std::min(kQueryBlock, L)) * L);
  for (int i0 = 0; i0 < L; i0 += kQueryBlock) {
    const int rows = std::min(kQueryBlock, L - i0);
    const int seen = i0 + rows;
    const float* p = ph + static_cast<std::size_t>(i0) * L;
    const float* dO = doh + static_cast<std::size_t>(i0) * ldo;
    float* ds = blockScores.data();
    // dV += Pᵀ dO; dP = dO Vᵀ; dS = P ⊙ (dP − rowsum(dP ⊙ P)); dQ = scale · dS K; dK += scale · dSᵀ Q.
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, seen, D, rows, 1.0f, p, L, dO, ldo,
                1.0f, dv, D);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, seen, D, 1.0f, dO, ldo, vh, D,
                0.0f, ds, seen);
    for (int i = 0; i < rows; ++i) {
      float* row = ds + static_cast<std::size_t>(i) * seen;
      const float* pr = p + static_cast<std::size_t>(i) * L;
      float dot = 0.0f;
#pragma omp simd reduction(+ : dot)
      for (int j = 0; j < seen; ++j) dot += row[j] * pr[j];
#pragma omp simd
      for (int j = 0; j < seen; ++j) row[j] = pr[j] * (row[j] - dot);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, D, seen, scale, ds, seen, kh, D,
                0.0f, dq + static_cast<std::size_t>(i0) * D, D);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, seen, D, rows, scale, ds, seen,
                qh + static_cast<std::size_t>(i0) * D, D, 1.0f, dk, D);
  }
}

}  // namespace

void gemmView(const float* a, int lda, const float* b, int ldb, float* c, int ldc, int m, int n,
              int k, bool transposeA, bool transposeB, float alpha, float beta) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) c[static_cast<std::size_t>(i) * ldc + j] *= beta;
    return;
  }
  cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
              transposeB ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void selfAttention(const float* qkv, float* q, float* keys, float* values, float* probs,
                   float* out, int batch, int heads, int length, int depth, int capacity,
                   int offset, double theta, float scale) {
  const Dims dims{batch, heads, length, depth, capacity, offset};
  const int half = depth / 2, width = dims.width(), packed = dims.packed();
  std::vector<float> cosines(static_cast<std::size_t>(length) * half), sines(cosines.size());
  rotaryTables(offset, length, depth, theta, cosines.data(), sines.data());
  // Scatter the new positions: rotated queries, rotated keys and values into the cache.
  parallelFor(static_cast<std::size_t>(batch) * length, rowsPerTask(packed),
              [&](std::size_t begin, std::size_t end) {
                for (std::size_t r = begin; r < end; ++r) {
                  const int b = static_cast<int>(r / length), t = static_cast<int>(r % length);
                  const float* row = qkv + r * packed;
                  const float* c = cosines.data() + static_cast<std::size_t>(t) * half;
                  const float* s = sines.data() + static_cast<std::size_t>(t) * half;
                  for (int h = 0; h < heads; ++h) {
                    const std::size_t pair = static_cast<std::size_t>(b) * heads + h;
                    const std::size_t slot = (pair * capacity + offset + t) * depth;
                    rotate(row + h * depth, q + (pair * length + t) * depth, c, s, half);
                    rotate(row + width + h * depth, keys + slot, c, s, half);
                    std::memcpy(values + slot, row + 2 * width + h * depth, sizeof(float) * depth);
                  }
                }
              });
  // A decoding step is a few thousand multiply-adds per pair: spread pairs only when there is work.
  const std::size_t work = static_cast<std::size_t>(length) * dims.keys() * depth;
  const std::size_t minPairs = std::max<std::size_t>(1, (std::size_t{1} << 15) / std::max<std::size_t>(1, work));
  parallelForSerialBlas(static_cast<std::size_t>(batch) * heads, minPairs,
                        [&](std::size_t begin, std::size_t end) {
                          for (std::size_t pair = begin; pair < end; ++pair)
                            attendPair(dims, static_cast<int>(pair / heads), static_cast<int>(pair % heads), q,
                                       keys, values, probs, out, scale);
                        });
}

void selfAttentionGrad(const float* dout, const float* q, const float* keys, const float* values,
                       const float* probs, float* dqkv, int batch, int heads, int length,
                       int depth, double theta, float scale) {
  const Dims dims{batch, heads, length, depth, length, 0};
  const int half = depth / 2, width = dims.width(), packed = dims.packed();
  std::vector<float> cosines(static_cast<std::size_t>(length) * half), sines(cosines.size());
  rotaryTables(0, length, depth, theta, cosines.data(), sines.data());
  for (float& s : sines) s = -s;  // the inverse turn
  parallelForSerialBlas(static_cast<std::size_t>(batch) * heads, 1,
                        [&](std::size_t begin, std::size_t end) {
                          const std::size_t size = static_cast<std::size_t>(length) * depth;
                          std::vector<float> scratch(3 * size);
                          float* dq = scratch.data();
                          float* dk = dq + size;
                          float* dv = dk + size;
                          for (std::size_t pair = begin; pair < end; ++pair) {
                            const int b = static_cast<int>(pair / heads), h = static_cast<int>(pair % heads);
                            attendPairGrad(dims, b, h, dout, q, keys, values, probs, dq, dk, dv, scale);
                            for (int t = 0; t < length; ++t) {
                              float* row = dqkv + (static_cast<std::size_t>(b) * length + t) * packed;
                              const float* c = cosines.data() + static_cast<std::size_t>(t) * half;
                              const float* s = sines.data() + static_cast<std::size_t>(t) * half;
                              const std::size_t at = static_cast<std::size_t>(t) * depth;
                              rotate(dq + at, row + h * depth, c, s, half);
                              rotate(dk + at, row + width + h * depth, c, s, half);
                              std::memcpy(row + 2 * width + h * depth, dv + at, sizeof(float) * depth);
                            }
                          }
                        });
}

void swiglu(const float* x, float* y, std::size_t rows, std::size_t features) {
  parallelFor(rows, rowsPerTask(2 * features), [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; ++r) {
      const float* gate = x + r * 2 * features;
      const float* up = gate + features;
      float* target = y + r * features;
#pragma omp simd
      for (std::size_t i = 0; i < features; ++i) target[i] = gate[i] * fastSigmoid(gate[i]) * up[i];
    }
  });
}

void swigluGrad(const float* x, const float* dy, float* dx, std::size_t rows,
                std::size_t features) {
  parallelFor(rows, rowsPerTask(2 * features), [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; ++r) {
      const float* gate = x + r * 2 * features;
      const float* up = gate + features;
      const float* grad = dy + r * features;
      float* dgate = dx + r * 2 * features;
      float* dup = dgate + features;
#pragma omp simd
      for (std::size_t i = 0; i < features; ++i) {
        const float g = gate[i], s = fastSigmoid(g);
        dgate[i] = grad[i] * up[i] * s * (1.0f + g * (1.0f - s));
        dup[i] = grad[i] * g * s;
      }
    }
  });
}

void tokenLogprobs(const float* logits, const std::int32_t* ids, float* out, float* logSums,
                   std::size_t rows, std::size_t vocab) {
  parallelFor(rows, rowsPerTask(vocab), [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; ++r) {
      const float* row = logits + r * vocab;
      float peak = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : peak)
      for (std::size_t i = 0; i < vocab; ++i) peak = std::max(peak, row[i]);
      float total = 0.0f;
#pragma omp simd reduction(+ : total)
      for (std::size_t i = 0; i < vocab; ++i) total += fastExp(row[i] - peak);
      const float logSum = peak + std::log(total);
      logSums[r] = logSum;
      out[r] = row[ids[r]] - logSum;
    }
  });
}

void tokenLogprobsGrad(const float* dy, const float* logits, const std::int32_t* ids,
                       const float* logSums, float* dlogits, std::size_t rows, std::size_t vocab) {
  parallelFor(rows, rowsPerTask(vocab), [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; ++r) {
      const float* row = logits + r * vocab;
      float* target = dlogits + r * vocab;
      const float grad = dy[r], logSum = logSums[r];
      // d log p(id) / d logit_j = [j = id] − softmax_j
#pragma omp simd
      for (std::size_t i = 0; i < vocab; ++i) target[i] = -grad * fastExp(row[i] - logSum);
      target[ids[r]] += grad;
    }
  });
}

}  // namespace native
