#include <algorithm>
#include <vector>

#include "kernels.h"
#include "thread-pool.h"

namespace native {

// out[i0..iR] = x[permuted indices]: the output is written in order and each row of its last
// dimension reads x with one stride. Dimensions of size 1 are dropped first, so a transpose
// that only moves them (a reshape in disguise) becomes one copy.
void transpose(const float* x, const std::int32_t* shape, const std::int32_t* perm, int rank,
               float* out) {
  std::vector<std::size_t> inStrides(rank);
  std::size_t running = 1;
  for (int d = rank - 1; d >= 0; --d) {
    inStrides[d] = running;
    running *= static_cast<std::size_t>(shape[d]);
  }
  const std::size_t total = running;
  std::vector<std::size_t> dims, strides;
  for (int d = 0; d < rank; ++d) {
    std::size_t size = static_cast<std::size_t>(shape[perm[d]]);
    if (size == 1) continue;
    dims.push_back(size);
    strides.push_back(inStrides[perm[d]]);
  }
  if (dims.empty()) {
    if (total == 1) out[0] = x[0];
    return;
  }
  const std::size_t outRank = dims.size();
  const std::size_t length = dims[outRank - 1];
  const std::size_t innerStride = strides[outRank - 1];
  const std::size_t rows = total / length;
  parallelFor(rows, std::max<std::size_t>(1, (1 << 14) / length), [&](std::size_t begin, std::size_t end) {
    for (std::size_t row = begin; row < end; ++row) {
      std::size_t rest = row, offset = 0;
      for (std::size_t d = outRank - 1; d-- > 0;) {
        offset += (rest % dims[d]) * strides[d];
        rest /= dims[d];
      }
      const float* source = x + offset;
      float* target = out + row * length;
      if (innerStride == 1) {
        for (std::size_t i = 0; i < length; ++i) target[i] = source[i];
      } else {
        for (std::size_t i = 0; i < length; ++i) target[i] = source[i * innerStride];
      }
    }
  });
}

}  // namespace native
