#include <cblas.h>

#include "kernels.h"
#include "thread-pool.h"

namespace native {
namespace {

// Below this many multiply-adds per matrix, OpenBLAS's own threading costs more than it gains,
// so a batch of small products (attention heads) is spread over the pool instead, one
// single-threaded gemm per item.
constexpr long kSmallGemm = 1L << 18;

void gemmOne(const float* a, const float* b, float* out, int m, int n, int k, bool transposeA,
             bool transposeB) {
  cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
              transposeB ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a, transposeA ? m : k, b,
              transposeB ? k : n, 0.0f, out, n);
}

}  // namespace

void batchedGemm(const float* a, const float* b, float* out, int batch, int m, int n, int k,
                 bool transposeA, bool transposeB, const std::int32_t* aIndex,
                 const std::int32_t* bIndex) {
  const std::size_t aSize = static_cast<std::size_t>(m) * k;
  const std::size_t bSize = static_cast<std::size_t>(k) * n;
  const std::size_t outSize = static_cast<std::size_t>(m) * n;
  if (k == 0) {
    for (std::size_t i = 0; i < outSize * batch; ++i) out[i] = 0.0f;
    return;
  }
  auto item = [&](std::size_t i) {
    std::size_t ai = aIndex ? static_cast<std::size_t>(aIndex[i]) : i;
    std::size_t bi = bIndex ? static_cast<std::size_t>(bIndex[i]) : i;
    gemmOne(a + ai * aSize, b + bi * bSize, out + i * outSize, m, n, k, transposeA, transposeB);
  };
  const long work = static_cast<long>(m) * n * k;
  if (batch > 1 && work < kSmallGemm && poolThreads() > 1) {
    int blasThreads = openblas_get_num_threads();
    openblas_set_num_threads(1);
    parallelFor(batch, 1, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) item(i);
    });
    openblas_set_num_threads(blasThreads);
    return;
  }
  for (int i = 0; i < batch; ++i) item(i);
}

}  // namespace native
