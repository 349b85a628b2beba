// A small persistent pool for the kernels that are not BLAS calls (element-wise, rows of softmax
// and layer norm, attention heads). OpenBLAS runs its own threads inside gemm; this pool is idle
// then, so the two never compete for the cores at the same time.
#pragma once
#include <cstddef>
#include <functional>

namespace native {

// Runs body(begin, end) over [0, count) in chunks of at least minChunk items, on the calling
// thread and the pool's workers. Small ranges run inline: waking a worker costs microseconds.
void parallelFor(std::size_t count, std::size_t minChunk,
                 const std::function<void(std::size_t, std::size_t)>& body);

// parallelFor for bodies that call BLAS: OpenBLAS runs single-threaded meanwhile, since the
// items already occupy the cores (and OpenBLAS's own threads would compete with them).
void parallelForSerialBlas(std::size_t count, std::size_t minChunk,
                           const std::function<void(std::size_t, std::size_t)>& body);

// Rows per parallelFor chunk for row-wise kernels (norms, softmax, rotary, attention rows): about
// 16K elements a chunk, enough work to be worth handing to a worker, however wide a row is.
inline std::size_t rowsPerTask(std::size_t cols) {
  constexpr std::size_t kElementsPerChunk = std::size_t{1} << 14;
  const std::size_t rows = kElementsPerChunk / (cols == 0 ? 1 : cols);
  return rows == 0 ? 1 : rows;
}

// How many threads parallelFor uses (the calling one included).
int poolThreads();
void setPoolThreads(int threads);

}  // namespace native
