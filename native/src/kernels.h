// The numeric kernels, on raw float buffers. addon.cc turns JavaScript arguments into these calls;
// nothing here knows about Node. Every output buffer is allocated by the caller and fully written.
#pragma once
#include <cstddef>
#include <cstdint>

namespace native {

// out[b] = op(a[aIndex[b]]) · op(b[bIndex[b]]) for b in [0, batch), each matrix row-major;
// op transposes when asked. aIndex/bIndex may be null, meaning the batch index itself.
void batchedGemm(const float* a, const float* b, float* out, int batch, int m, int n, int k,
                 bool transposeA, bool transposeB, const std::int32_t* aIndex,
                 const std::int32_t* bIndex);

enum class BinaryOp { Add, Sub, Mul, Div, Maximum, Minimum, SquaredDifference, Pow };
// Broadcasting as NumPy does: shapes are aligned on the right, size-1 dimensions repeat.
void binary(BinaryOp op, const float* a, const std::int32_t* aShape, int aRank, const float* b,
            const std::int32_t* bShape, int bRank, float* out, const std::int32_t* outShape,
            int outRank);

enum class UnaryOp { Neg, Exp, Log, Sqrt, Rsqrt, Square, Tanh, Sigmoid, Relu, Abs, Reciprocal,
                     Erf, Log1p };
void unary(UnaryOp op, const float* x, float* out, std::size_t size);

enum class ReduceOp { Sum, Mean, Max, Min, Prod };
// x viewed as [outer, reduced, inner]; out is [outer, inner].
void reduce(ReduceOp op, const float* x, float* out, std::size_t outer, std::size_t reduced,
            std::size_t inner);

void transpose(const float* x, const std::int32_t* shape, const std::int32_t* perm, int rank,
               float* out);

// Row-wise softmax of [rows, cols].
void softmax(const float* x, float* out, std::size_t rows, std::size_t cols);

// Layer norm over the last axis of [rows, cols]; mean and rstd (1/sqrt(var + eps)) are per row
// and kept for the backward pass.
void layerNorm(const float* x, const float* gamma, const float* beta, float* y, float* mean,
               float* rstd, std::size_t rows, std::size_t cols, float epsilon);
void layerNormGrad(const float* dy, const float* x, const float* gamma, const float* mean,
                   const float* rstd, float* dx, float* dgamma, float* dbeta, std::size_t rows,
                   std::size_t cols);

enum class Activation { GeluTanh, GeluErf, Silu };
void activation(Activation kind, const float* x, float* y, std::size_t size);
void activationGrad(Activation kind, const float* x, const float* dy, float* dx,
                    std::size_t size);

// Scaled dot-product attention over heads: q [heads, tq, d], k [heads, tk, d], v [heads, tk, dv].
// With causal set, query i sees keys j ≤ i + (tk - tq): the queries are the last tq positions of
// the key sequence, which covers both training (tq = tk) and decoding with a KV cache.
// probs [heads, tq, tk] is written for the backward pass.
void attention(const float* q, const float* k, const float* v, float* out, float* probs,
               int heads, int tq, int tk, int d, int dv, float scale, bool causal);
void attentionGrad(const float* dout, const float* q, const float* k, const float* v,
                   const float* probs, float* dq, float* dk, float* dvOut, int heads, int tq,
                   int tk, int d, int dv, float scale);

}  // namespace native

namespace native {

// RMS norm over the last axis (Llama's): y = x · rrms · weight, rrms = 1/sqrt(mean(x²) + eps),
// kept per row for the backward pass.
void rmsNorm(const float* x, const float* weight, float* y, float* rrms, std::size_t rows,
             std::size_t cols, float epsilon);
void rmsNormGrad(const float* dy, const float* x, const float* weight, const float* rrms,
                 float* dx, float* dweight, std::size_t rows, std::size_t cols);

// Row-wise log-softmax; the gradient needs only its output: dx = dy − softmax · Σdy.
void logSoftmax(const float* x, float* out, std::size_t rows, std::size_t cols);
void logSoftmaxGrad(const float* dy, const float* y, float* dx, std::size_t rows,
                    std::size_t cols);

// Embedding rows: out[i] = table[ids[i]]; its gradient adds dy[i] into dtable[ids[i]].
void gatherRows(const float* table, const std::int32_t* ids, float* out, std::size_t count,
                std::size_t width);
void scatterAddRows(const float* dy, const std::int32_t* ids, float* dtable, std::size_t count,
                    std::size_t width);

// Rotary position embedding, rotate-half form: for x [rows, length, dim] at positions
// offset..offset+length−1, pairs (i, i + dim/2) turn by angle position / theta^(2i/dim).
// inverse turns the other way, which is the gradient (a rotation's transpose).
void rope(const float* x, float* out, std::size_t rows, std::size_t length, std::size_t dim,
          std::size_t offset, double theta, bool inverse);

// cos and sin of the rotary angles of positions offset..offset+length−1, [length, dim/2] each.
void rotaryTables(std::size_t offset, std::size_t length, std::size_t dim, double theta,
                  float* cosines, float* sines);

}  // namespace native

namespace native {

// One Adam(W) step over n parameters, as PyTorch's Adam/AdamW and tfjs's adam compute it:
// m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², p ← p·(1 − lr·weightDecay) − lr·(m/c1)/(√(v/c2) + ε),
// with the bias corrections c1 = 1 − β1^t and c2 = 1 − β2^t given by the caller. Outputs may
// be the inputs' own buffers.
void adamStep(const float* param, const float* grad, const float* m, const float* v,
              float* paramOut, float* mOut, float* vOut, std::size_t n, float lr, float beta1,
              float beta2, float epsilon, float weightDecay, float correction1,
              float correction2);

}  // namespace native

namespace native {

// c = alpha·op(a)·op(b) + beta·c on row-major views with leading dimensions lda, ldb, ldc (a view
// may be some columns of a wider matrix: one projection's block of a packed output).
void gemmView(const float* a, int lda, const float* b, int ldb, float* c, int ldc, int m, int n,
              int k, bool transposeA, bool transposeB, float alpha, float beta);

// Causal self-attention of `length` new positions (offset..offset+length−1) from packed
// projections qkv [batch, length, 3·heads·depth] (queries, keys, values side by side). Queries
// and keys are turned by the rotary angles of their positions; the rotated queries go to
// q [batch, heads, length, depth], the rotated keys and the values into keys/values [batch,
// heads, capacity, depth] at their positions (a KV cache: positions below offset are read from
// it). probs [batch, heads, length, offset+length] and out [batch, length, heads·depth].
void selfAttention(const float* qkv, float* q, float* keys, float* values, float* probs,
                   float* out, int batch, int heads, int length, int depth, int capacity,
                   int offset, double theta, float scale);
// Its gradient for a pass without a cache (offset 0, capacity = length), into dqkv.
void selfAttentionGrad(const float* dout, const float* q, const float* keys, const float* values,
                       const float* probs, float* dqkv, int batch, int heads, int length,
                       int depth, double theta, float scale);

// SwiGLU of packed projections x [rows, 2·features] (gate, then up): y = silu(gate) · up.
void swiglu(const float* x, float* y, std::size_t rows, std::size_t features);
void swigluGrad(const float* x, const float* dy, float* dx, std::size_t rows,
                std::size_t features);

// out[r] = log softmax(logits[r])[ids[r]]; logSums[r] = logsumexp(logits[r]), kept for the
// gradient dlogits[r] = dy[r] · (onehot(ids[r]) − softmax(logits[r])).
void tokenLogprobs(const float* logits, const std::int32_t* ids, float* out, float* logSums,
                   std::size_t rows, std::size_t vocab);
void tokenLogprobsGrad(const float* dy, const float* logits, const std::int32_t* ids,
                       const float* logSums, float* dlogits, std::size_t rows, std::size_t vocab);

}  // namespace native
