// The Node entry point: each exported function checks its arguments (typed arrays of the right
// length, integer sizes) and calls one kernel on the arrays' own memory. Nothing is copied: a
// Float32Array's backing store is read and written in place, and every output array is made by
// the caller, so a tensor's data lives in one buffer from kernel to kernel.
#include <cblas.h>
#include <node_api.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels.h"
#include "thread-pool.h"

extern "C" {
char* openblas_get_config(void);
char* openblas_get_corename(void);
}

namespace native {
namespace {

// Operation names in enum order: exported so the JavaScript side maps names to codes from the
// same list the switch statements use.
const char* const kBinaryOps[] = {"Add", "Sub", "Mul", "Div", "Maximum", "Minimum",
                                  "SquaredDifference", "Pow"};
const char* const kUnaryOps[] = {"Neg", "Exp", "Log", "Sqrt", "Rsqrt", "Square", "Tanh",
                                 "Sigmoid", "Relu", "Abs", "Reciprocal", "Erf", "Log1p"};
const char* const kReduceOps[] = {"Sum", "Mean", "Max", "Min", "Prod"};
const char* const kActivations[] = {"GeluTanh", "GeluErf", "Silu"};

class ArgumentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void check(napi_env env, napi_status status) {
  if (status != napi_ok) {
    const napi_extended_error_info* info = nullptr;
    napi_get_last_error_info(env, &info);
    throw std::runtime_error(info && info->error_message ? info->error_message : "N-API call failed");
  }
}

class Args {
 public:
  Args(napi_env env, napi_callback_info info, std::size_t expected, const char* function)
      : env_(env), function_(function) {
    std::size_t count = 16;
    values_.resize(count);
    check(env, napi_get_cb_info(env, info, &count, values_.data(), nullptr, nullptr));
    if (count < expected)
      throw ArgumentError(std::string(function) + ": expected " + std::to_string(expected) +
                          " arguments, got " + std::to_string(count));
    values_.resize(count);
  }

  bool isNull(std::size_t i) const {
    napi_valuetype type;
    check(env_, napi_typeof(env_, values_[i], &type));
    return type == napi_null || type == napi_undefined;
  }

  template <typename T>
  T* typed(std::size_t i, napi_typedarray_type wanted, const char* typeName, std::size_t* length) {
    bool isTyped = false;
    check(env_, napi_is_typedarray(env_, values_[i], &isTyped));
    napi_typedarray_type type;
    void* data = nullptr;
    if (isTyped)
      check(env_, napi_get_typedarray_info(env_, values_[i], &type, length, &data, nullptr, nullptr));
    if (!isTyped || type != wanted)
      throw ArgumentError(std::string(function_) + ": argument " + std::to_string(i) +
                          " must be a " + typeName);
    return static_cast<T*>(data);
  }

  // A Float32Array of exactly `expected` elements.
  float* floats(std::size_t i, std::size_t expected) {
    std::size_t length = 0;
    float* data = typed<float>(i, napi_float32_array, "Float32Array", &length);
    if (length != expected)
      throw ArgumentError(std::string(function_) + ": argument " + std::to_string(i) + " has " +
                          std::to_string(length) + " elements, expected " +
                          std::to_string(expected));
    return data;
  }

  const std::int32_t* ints(std::size_t i, std::size_t* length) {
    return typed<std::int32_t>(i, napi_int32_array, "Int32Array", length);
  }

  std::int64_t integer(std::size_t i) {
    std::int64_t value = 0;
    if (napi_get_value_int64(env_, values_[i], &value) != napi_ok || value < 0)
      throw ArgumentError(std::string(function_) + ": argument " + std::to_string(i) +
                          " must be a non-negative integer");
    return value;
  }

  double number(std::size_t i) {
    double value = 0;
    if (napi_get_value_double(env_, values_[i], &value) != napi_ok)
      throw ArgumentError(std::string(function_) + ": argument " + std::to_string(i) +
                          " must be a number");
    return value;
  }

  bool flag(std::size_t i) {
    bool value = false;
    if (napi_get_value_bool(env_, values_[i], &value) != napi_ok)
      throw ArgumentError(std::string(function_) + ": argument " + std::to_string(i) +
                          " must be a boolean");
    return value;
  }

  int code(std::size_t i, std::size_t count) {
    std::int64_t value = integer(i);
    if (value >= static_cast<std::int64_t>(count))
      throw ArgumentError(std::string(function_) + ": unknown operation code " +
                          std::to_string(value));
    return static_cast<int>(value);
  }

 private:
  napi_env env_;
  const char* function_;
  std::vector<napi_value> values_;
};

std::size_t product(const std::int32_t* shape, std::size_t rank) {
  std::size_t size = 1;
  for (std::size_t i = 0; i < rank; ++i) size *= static_cast<std::size_t>(shape[i]);
  return size;
}

template <napi_value (*Body)(napi_env, napi_callback_info)>
napi_value guarded(napi_env env, napi_callback_info info) {
  try {
    return Body(env, info);
  } catch (const ArgumentError& error) {
    napi_throw_type_error(env, nullptr, error.what());
  } catch (const std::exception& error) {
    napi_throw_error(env, nullptr, error.what());
  }
  return nullptr;
}

napi_value undefinedValue(napi_env env) {
  napi_value value;
  napi_get_undefined(env, &value);
  return value;
}

// gemm(a, b, out, batch, m, n, k, transposeA, transposeB, aIndex|null, bIndex|null)
napi_value Gemm(napi_env env, napi_callback_info info) {
  Args args(env, info, 11, "gemm");
  std::size_t batch = args.integer(3), m = args.integer(4), n = args.integer(5),
              k = args.integer(6);
  bool transposeA = args.flag(7), transposeB = args.flag(8);
  const std::int32_t* aIndex = nullptr;
  const std::int32_t* bIndex = nullptr;
  std::size_t aMatrices = batch, bMatrices = batch, length = 0;
  if (!args.isNull(9)) {
    aIndex = args.ints(9, &length);
    if (length != batch) throw ArgumentError("gemm: aIndex must have one entry per batch item");
    aMatrices = 0;
    for (std::size_t i = 0; i < batch; ++i)
      aMatrices = std::max<std::size_t>(aMatrices, static_cast<std::size_t>(aIndex[i]) + 1);
  }
  if (!args.isNull(10)) {
    bIndex = args.ints(10, &length);
    if (length != batch) throw ArgumentError("gemm: bIndex must have one entry per batch item");
    bMatrices = 0;
    for (std::size_t i = 0; i < batch; ++i)
      bMatrices = std::max<std::size_t>(bMatrices, static_cast<std::size_t>(bIndex[i]) + 1);
  }
  // An index array may name fewer matrices than the array holds only if every one is in range.
  std::size_t aLength = 0, bLength = 0;
  const float* a = args.typed<float>(0, napi_float32_array, "Float32Array", &aLength);
  const float* b = args.typed<float>(1, napi_float32_array, "Float32Array", &bLength);
  if (aLength < aMatrices * m * k || (aIndex == nullptr && aLength != batch * m * k))
    throw ArgumentError("gemm: a is smaller than its shape");
  if (bLength < bMatrices * k * n || (bIndex == nullptr && bLength != batch * k * n))
    throw ArgumentError("gemm: b is smaller than its shape");
  float* out = args.floats(2, batch * m * n);
  batchedGemm(a, b, out, static_cast<int>(batch), static_cast<int>(m), static_cast<int>(n),
              static_cast<int>(k), transposeA, transposeB, aIndex, bIndex);
  return undefinedValue(env);
}

// binary(op, a, aShape, b, bShape, out, outShape)
napi_value Binary(napi_env env, napi_callback_info info) {
  Args args(env, info, 7, "binary");
  int op = args.code(0, std::size(kBinaryOps));
  std::size_t aRank = 0, bRank = 0, outRank = 0;
  const std::int32_t* aShape = args.ints(2, &aRank);
  const std::int32_t* bShape = args.ints(4, &bRank);
  const std::int32_t* outShape = args.ints(6, &outRank);
  if (aRank > outRank || bRank > outRank)
    throw ArgumentError("binary: an input has a higher rank than the output");
  for (std::size_t d = 0; d < outRank; ++d) {
    std::int32_t o = outShape[d];
    std::int32_t ad = d + aRank >= outRank ? aShape[d + aRank - outRank] : 1;
    std::int32_t bd = d + bRank >= outRank ? bShape[d + bRank - outRank] : 1;
    if ((ad != o && ad != 1) || (bd != o && bd != 1))
      throw ArgumentError("binary: input shapes do not broadcast to the output shape");
  }
  const float* a = args.floats(1, product(aShape, aRank));
  const float* b = args.floats(3, product(bShape, bRank));
  float* out = args.floats(5, product(outShape, outRank));
  binary(static_cast<BinaryOp>(op), a, aShape, static_cast<int>(aRank), b, bShape,
         static_cast<int>(bRank), out, outShape, static_cast<int>(outRank));
  return undefinedValue(env);
}

// unary(op, x, out)
napi_value Unary(napi_env env, napi_callback_info info) {
  Args args(env, info, 3, "unary");
  int op = args.code(0, std::size(kUnaryOps));
  std::size_t size = 0;
  const float* x = args.typed<float>(1, napi_float32_array, "Float32Array", &size);
  float* out = args.floats(2, size);
  unary(static_cast<UnaryOp>(op), x, out, size);
  return undefinedValue(env);
}

// reduce(op, x, out, outer, reduced, inner)
napi_value Reduce(napi_env env, napi_callback_info info) {
  Args args(env, info, 6, "reduce");
  int op = args.code(0, std::size(kReduceOps));
  std::size_t outer = args.integer(3), reduced = args.integer(4), inner = args.integer(5);
  const float* x = args.floats(1, outer * reduced * inner);
  float* out = args.floats(2, outer * inner);
  reduce(static_cast<ReduceOp>(op), x, out, outer, reduced, inner);
  return undefinedValue(env);
}

// transpose(x, shape, perm, out)
napi_value Transpose(napi_env env, napi_callback_info info) {
  Args args(env, info, 4, "transpose");
  std::size_t rank = 0, permRank = 0;
  const std::int32_t* shape = args.ints(1, &rank);
  const std::int32_t* perm = args.ints(2, &permRank);
  if (permRank != rank) throw ArgumentError("transpose: perm and shape differ in length");
  std::vector<bool> seen(rank, false);
  for (std::size_t d = 0; d < rank; ++d) {
    if (perm[d] < 0 || static_cast<std::size_t>(perm[d]) >= rank || seen[perm[d]])
      throw ArgumentError("transpose: perm is not a permutation");
    seen[perm[d]] = true;
  }
  std::size_t size = product(shape, rank);
  const float* x = args.floats(0, size);
  float* out = args.floats(3, size);
  transpose(x, shape, perm, static_cast<int>(rank), out);
  return undefinedValue(env);
}

// softmax(x, out, rows, cols)
napi_value Softmax(napi_env env, napi_callback_info info) {
  Args args(env, info, 4, "softmax");
  std::size_t rows = args.integer(2), cols = args.integer(3);
  const float* x = args.floats(0, rows * cols);
  float* out = args.floats(1, rows * cols);
  softmax(x, out, rows, cols);
  return undefinedValue(env);
}

// layerNorm(x, gamma, beta, y, mean, rstd, rows, cols, epsilon)
napi_value LayerNorm(napi_env env, napi_callback_info info) {
  Args args(env, info, 9, "layerNorm");
  std::size_t rows = args.integer(6), cols = args.integer(7);
  float epsilon = static_cast<float>(args.number(8));
  layerNorm(args.floats(0, rows * cols), args.floats(1, cols), args.floats(2, cols),
            args.floats(3, rows * cols), args.floats(4, rows), args.floats(5, rows), rows, cols,
            epsilon);
  return undefinedValue(env);
}

// layerNormGrad(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, cols)
napi_value LayerNormGrad(napi_env env, napi_callback_info info) {
  Args args(env, info, 10, "layerNormGrad");
  std::size_t rows = args.integer(8), cols = args.integer(9);
  layerNormGrad(args.floats(0, rows * cols), args.floats(1, rows * cols), args.floats(2, cols),
                args.floats(3, rows), args.floats(4, rows), args.floats(5, rows * cols),
                args.floats(6, cols), args.floats(7, cols), rows, cols);
  return undefinedValue(env);
}

// activation(kind, x, y)
napi_value ActivationForward(napi_env env, napi_callback_info info) {
  Args args(env, info, 3, "activation");
  int kind = args.code(0, std::size(kActivations));
  std::size_t size = 0;
  const float* x = args.typed<float>(1, napi_float32_array, "Float32Array", &size);
  activation(static_cast<Activation>(kind), x, args.floats(2, size), size);
  return undefinedValue(env);
}

// activationGrad(kind, x, dy, dx)
napi_value ActivationBackward(napi_env env, napi_callback_info info) {
  Args args(env, info, 4, "activationGrad");
  int kind = args.code(0, std::size(kActivations));
  std::size_t size = 0;
  const float* x = args.typed<float>(1, napi_float32_array, "Float32Array", &size);
  activationGrad(static_cast<Activation>(kind), x, args.floats(2, size), args.floats(3, size),
                 size);
  return undefinedValue(env);
}

// attention(q, k, v, out, probs, heads, tq, tk, d, dv, scale, causal)
napi_value Attention(napi_env env, napi_callback_info info) {
  Args args(env, info, 12, "attention");
  std::size_t heads = args.integer(5), tq = args.integer(6), tk = args.integer(7),
              d = args.integer(8), dv = args.integer(9);
  float scale = static_cast<float>(args.number(10));
  bool causal = args.flag(11);
  attention(args.floats(0, heads * tq * d), args.floats(1, heads * tk * d),
            args.floats(2, heads * tk * dv), args.floats(3, heads * tq * dv),
            args.floats(4, heads * tq * tk), static_cast<int>(heads), static_cast<int>(tq),
            static_cast<int>(tk), static_cast<int>(d), static_cast<int>(dv), scale, causal);
  return undefinedValue(env);
}

// attentionGrad(dout, q, k, v, probs, dq, dk, dv, heads, tq, tk, d, dv, scale)
napi_value AttentionGrad(napi_env env, napi_callback_info info) {
  Args args(env, info, 14, "attentionGrad");
  std::size_t heads = args.integer(8), tq = args.integer(9), tk = args.integer(10),
              d = args.integer(11), dv = args.integer(12);
  float scale = static_cast<float>(args.number(13));
  attentionGrad(args.floats(0, heads * tq * dv), args.floats(1, heads * tq * d),
                args.floats(2, heads * tk * d), args.floats(3, heads * tk * dv),
                args.floats(4, heads * tq * tk), args.floats(5, heads * tq * d),
                args.floats(6, heads * tk * d), args.floats(7, heads * tk * dv),
                static_cast<int>(heads), static_cast<int>(tq), static_cast<int>(tk),
                static_cast<int>(d), static_cast<int>(dv), scale);
  return undefinedValue(env);
}

// rmsNorm(x, weight, y, rrms, rows, cols, epsilon)
napi_value RmsNorm(napi_env env, napi_callback_info info) {
  Args args(env, info, 7, "rmsNorm");
  std::size_t rows = args.integer(4), cols = args.integer(5);
  float epsilon = static_cast<float>(args.number(6));
  rmsNorm(args.floats(0, rows * cols), args.floats(1, cols), args.floats(2, rows * cols),
          args.floats(3, rows), rows, cols, epsilon);
  return undefinedValue(env);
}

// rmsNormGrad(dy, x, weight, rrms, dx, dweight, rows, cols)
napi_value RmsNormGrad(napi_env env, napi_callback_info info) {
  Args args(env, info, 8, "rmsNormGrad");
  std::size_t rows = args.integer(6), cols = args.integer(7);
  rmsNormGrad(args.floats(0, rows * cols), args.floats(1, rows * cols), args.floats(2, cols),
              args.floats(3, rows), args.floats(4, rows * cols), args.floats(5, cols), rows, cols);
  return undefinedValue(env);
}

// logSoftmax(x, out, rows, cols)
napi_value LogSoftmax(napi_env env, napi_callback_info info) {
  Args args(env, info, 4, "logSoftmax");
  std::size_t rows = args.integer(2), cols = args.integer(3);
  logSoftmax(args.floats(0, rows * cols), args.floats(1, rows * cols), rows, cols);
  return undefinedValue(env);
}

// logSoftmaxGrad(dy, y, dx, rows, cols)
napi_value LogSoftmaxGrad(napi_env env, napi_callback_info info) {
  Args args(env, info, 5, "logSoftmaxGrad");
  std::size_t rows = args.integer(3), cols = args.integer(4);
  logSoftmaxGrad(args.floats(0, rows * cols), args.floats(1, rows * cols),
                 args.floats(2, rows * cols), rows, cols);
  return undefinedValue(env);
}

const std::int32_t* checkedIds(Args& args, std::size_t i, std::size_t vocab, std::size_t* count,
                               const char* function) {
  const std::int32_t* ids = args.ints(i, count);
  for (std::size_t j = 0; j < *count; ++j)
    if (ids[j] < 0 || static_cast<std::size_t>(ids[j]) >= vocab)
      throw ArgumentError(std::string(function) + ": id " + std::to_string(ids[j]) +
                          " at position " + std::to_string(j) + " is outside the table's " +
                          std::to_string(vocab) + " rows");
  return ids;
}

// gatherRows(table, ids, out, vocab, width)
napi_value GatherRows(napi_env env, napi_callback_info info) {
  Args args(env, info, 5, "gatherRows");
  std::size_t vocab = args.integer(3), width = args.integer(4), count = 0;
  const std::int32_t* ids = checkedIds(args, 1, vocab, &count, "gatherRows");
  gatherRows(args.floats(0, vocab * width), ids, args.floats(2, count * width), count, width);
  return undefinedValue(env);
}

// scatterAddRows(dy, ids, dtable, vocab, width)
napi_value ScatterAddRows(napi_env env, napi_callback_info info) {
  Args args(env, info, 5, "scatterAddRows");
  std::size_t vocab = args.integer(3), width = args.integer(4), count = 0;
  const std::int32_t* ids = checkedIds(args, 1, vocab, &count, "scatterAddRows");
  scatterAddRows(args.floats(0, count * width), ids, args.floats(2, vocab * width), count, width);
  return undefinedValue(env);
}

// rope(x, out, rows, length, dim, offset, theta, inverse)
napi_value Rope(napi_env env, napi_callback_info info) {
  Args args(env, info, 8, "rope");
  std::size_t rows = args.integer(2), length = args.integer(3), dim = args.integer(4),
              offset = args.integer(5);
  double theta = args.number(6);
  bool inverse = args.flag(7);
  if (dim % 2 != 0) throw ArgumentError("rope: the last dimension must be even");
  rope(args.floats(0, rows * length * dim), args.floats(1, rows * length * dim), rows, length,
       dim, offset, theta, inverse);
  return undefinedValue(env);
}

// adamStep(param, grad, m, v, paramOut, mOut, vOut, lr, beta1, beta2, epsilon, weightDecay, correction1, correction2)
napi_value AdamStep(napi_env env, napi_callback_info info) {
  Args args(env, info, 14, "adamStep");
  std::size_t n = 0;
  const float* param = args.typed<float>(0, napi_float32_array, "Float32Array", &n);
  auto number = [&](std::size_t i) { return static_cast<float>(args.number(i)); };
  adamStep(param, args.floats(1, n), args.floats(2, n), args.floats(3, n), args.floats(4, n),
           args.floats(5, n), args.floats(6, n), n, number(7), number(8), number(9), number(10),
           number(11), number(12), number(13));
  return undefinedValue(env);
}

// Whether a row-major view of rows × cols at offset with leading dimension ld fits in length.
bool viewFits(std::size_t length, std::size_t offset, std::size_t rows, std::size_t cols,
              std::size_t ld) {
  if (rows == 0 || cols == 0) return true;
  return ld >= cols && offset + (rows - 1) * ld + cols <= length;
}

// gemmView(a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, m, n, k, transposeA, transposeB, alpha, beta)
napi_value GemmView(napi_env env, napi_callback_info info) {
  Args args(env, info, 16, "gemmView");
  std::size_t aLength = 0, bLength = 0, cLength = 0;
  const float* a = args.typed<float>(0, napi_float32_array, "Float32Array", &aLength);
  const float* b = args.typed<float>(3, napi_float32_array, "Float32Array", &bLength);
  float* c = args.typed<float>(6, napi_float32_array, "Float32Array", &cLength);
  std::size_t aOffset = args.integer(1), lda = args.integer(2), bOffset = args.integer(4),
              ldb = args.integer(5), cOffset = args.integer(7), ldc = args.integer(8),
              m = args.integer(9), n = args.integer(10), k = args.integer(11);
  bool transposeA = args.flag(12), transposeB = args.flag(13);
  if (!viewFits(aLength, aOffset, transposeA ? k : m, transposeA ? m : k, lda))
    throw ArgumentError("gemmView: the view of a does not fit in its array");
  if (!viewFits(bLength, bOffset, transposeB ? n : k, transposeB ? k : n, ldb))
    throw ArgumentError("gemmView: the view of b does not fit in its array");
  if (!viewFits(cLength, cOffset, m, n, ldc))
    throw ArgumentError("gemmView: the view of c does not fit in its array");
  gemmView(a + aOffset, static_cast<int>(std::max<std::size_t>(1, lda)), b + bOffset,
           static_cast<int>(std::max<std::size_t>(1, ldb)), c + cOffset,
           static_cast<int>(std::max<std::size_t>(1, ldc)), static_cast<int>(m),
           static_cast<int>(n), static_cast<int>(k), transposeA, transposeB,
           static_cast<float>(args.number(14)), static_cast<float>(args.number(15)));
  return undefinedValue(env);
}

// selfAttention(qkv, q, keys, values, probs, out, batch, heads, length, depth, capacity, offset, theta, scale)
napi_value SelfAttention(napi_env env, napi_callback_info info) {
  Args args(env, info, 14, "selfAttention");
  std::size_t batch = args.integer(6), heads = args.integer(7), length = args.integer(8),
              depth = args.integer(9), capacity = args.integer(10), offset = args.integer(11);
  if (depth % 2 != 0) throw ArgumentError("selfAttention: the head width must be even");
  if (offset + length > capacity)
    throw ArgumentError("selfAttention: offset + length exceeds the cache capacity");
  const std::size_t width = heads * depth, keys = offset + length;
  selfAttention(args.floats(0, batch * length * 3 * width), args.floats(1, batch * heads * length * depth),
                args.floats(2, batch * heads * capacity * depth),
                args.floats(3, batch * heads * capacity * depth),
                args.floats(4, batch * heads * length * keys), args.floats(5, batch * length * width),
                static_cast<int>(batch), static_cast<int>(heads), static_cast<int>(length),
                static_cast<int>(depth), static_cast<int>(capacity), static_cast<int>(offset),
                args.number(12), static_cast<float>(args.number(13)));
  return undefinedValue(env);
}

// selfAttentionGrad(dout, q, keys, values, probs, dqkv, batch, heads, length, depth, theta, scale)
napi_value SelfAttentionGrad(napi_env env, napi_callback_info info) {
  Args args(env, info, 12, "selfAttentionGrad");
  std::size_t batch = args.integer(6), heads = args.integer(7), length = args.integer(8),
              depth = args.integer(9);
  if (depth % 2 != 0) throw ArgumentError("selfAttentionGrad: the head width must be even");
  const std::size_t width = heads * depth, perHead = batch * heads * length * depth;
  selfAttentionGrad(args.floats(0, batch * length * width), args.floats(1, perHead),
                    args.floats(2, perHead), args.floats(3, perHead),
                    args.floats(4, batch * heads * length * length),
                    args.floats(5, batch * length * 3 * width), static_cast<int>(batch),
                    static_cast<int>(heads), static_cast<int>(length), static_cast<int>(depth),
                    args.number(10), static_cast<float>(args.number(11)));
  return undefinedValue(env);
}

// swiglu(x, y, rows, features)
napi_value Swiglu(napi_env env, napi_callback_info info) {
  Args args(env, info, 4, "swiglu");
  std::size_t rows = args.integer(2), features = args.integer(3);
  swiglu(args.floats(0, rows * 2 * features), args.floats(1, rows * features), rows, features);
  return undefinedValue(env);
}

// swigluGrad(x, dy, dx, rows, features)
napi_value SwigluGrad(napi_env env, napi_callback_info info) {
  Args args(env, info, 5, "swigluGrad");
  std::size_t rows = args.integer(3), features = args.integer(4);
  swigluGrad(args.floats(0, rows * 2 * features), args.floats(1, rows * features),
             args.floats(2, rows * 2 * features), rows, features);
  return undefinedValue(env);
}

// tokenLogprobs(logits, ids, out, logSums, vocab)
napi_value TokenLogprobs(napi_env env, napi_callback_info info) {
  Args args(env, info, 5, "tokenLogprobs");
  std::size_t vocab = args.integer(4), rows = 0;
  const std::int32_t* ids = checkedIds(args, 1, vocab, &rows, "tokenLogprobs");
  tokenLogprobs(args.floats(0, rows * vocab), ids, args.floats(2, rows), args.floats(3, rows), rows,
                vocab);
  return undefinedValue(env);
}

// tokenLogprobsGrad(dy, logits, ids, logSums, dlogits, vocab)
napi_value TokenLogprobsGrad(napi_env env, napi_callback_info info) {
  Args args(env, info, 6, "tokenLogprobsGrad");
  std::size_t vocab = args.integer(5), rows = 0;
  const std::int32_t* ids = checkedIds(args, 2, vocab, &rows, "tokenLogprobsGrad");
  tokenLogprobsGrad(args.floats(0, rows), args.floats(1, rows * vocab), ids, args.floats(3, rows),
                    args.floats(4, rows * vocab), rows, vocab);
  return undefinedValue(env);
}

napi_value makeString(napi_env env, const char* text) {
  napi_value value;
  check(env, napi_create_string_utf8(env, text ? text : "", NAPI_AUTO_LENGTH, &value));
  return value;
}

napi_value makeInt(napi_env env, int number) {
  napi_value value;
  check(env, napi_create_int32(env, number, &value));
  return value;
}

// info() -> { blasThreads, poolThreads, blasConfig, blasCore }
napi_value Info(napi_env env, napi_callback_info info) {
  napi_value result;
  check(env, napi_create_object(env, &result));
  check(env, napi_set_named_property(env, result, "blasThreads", makeInt(env, openblas_get_num_threads())));
  check(env, napi_set_named_property(env, result, "poolThreads", makeInt(env, poolThreads())));
  check(env, napi_set_named_property(env, result, "blasConfig", makeString(env, openblas_get_config())));
  check(env, napi_set_named_property(env, result, "blasCore", makeString(env, openblas_get_corename())));
  return result;
}

// setThreads(blasThreads, poolThreads)
napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args args(env, info, 2, "setThreads");
  int blas = static_cast<int>(args.integer(0)), pool = static_cast<int>(args.integer(1));
  if (blas < 1 || pool < 1) throw ArgumentError("setThreads: thread counts must be at least 1");
  openblas_set_num_threads(blas);
  setPoolThreads(pool);
  return undefinedValue(env);
}

template <std::size_t N>
napi_value nameList(napi_env env, const char* const (&names)[N]) {
  napi_value list;
  check(env, napi_create_array_with_length(env, N, &list));
  for (std::size_t i = 0; i < N; ++i)
    check(env, napi_set_element(env, list, static_cast<std::uint32_t>(i), makeString(env, names[i])));
  return list;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor functions[] = {
      {"gemm", nullptr, guarded<Gemm>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"binary", nullptr, guarded<Binary>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"unary", nullptr, guarded<Unary>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reduce", nullptr, guarded<Reduce>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"transpose", nullptr, guarded<Transpose>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"softmax", nullptr, guarded<Softmax>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"layerNorm", nullptr, guarded<LayerNorm>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"layerNormGrad", nullptr, guarded<LayerNormGrad>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"activation", nullptr, guarded<ActivationForward>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"activationGrad", nullptr, guarded<ActivationBackward>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"attention", nullptr, guarded<Attention>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"attentionGrad", nullptr, guarded<AttentionGrad>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"rmsNorm", nullptr, guarded<RmsNorm>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"rmsNormGrad", nullptr, guarded<RmsNormGrad>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"logSoftmax", nullptr, guarded<LogSoftmax>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"logSoftmaxGrad", nullptr, guarded<LogSoftmaxGrad>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gatherRows", nullptr, guarded<GatherRows>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"scatterAddRows", nullptr, guarded<ScatterAddRows>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"rope", nullptr, guarded<Rope>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adamStep", nullptr, guarded<AdamStep>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gemmView", nullptr, guarded<GemmView>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"selfAttention", nullptr, guarded<SelfAttention>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"selfAttentionGrad", nullptr, guarded<SelfAttentionGrad>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"swiglu", nullptr, guarded<Swiglu>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"swigluGrad", nullptr, guarded<SwigluGrad>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"tokenLogprobs", nullptr, guarded<TokenLogprobs>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"tokenLogprobsGrad", nullptr, guarded<TokenLogprobsGrad>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, guarded<Info>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, guarded<SetThreads>, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  try {
    check(env, napi_define_properties(env, exports, std::size(functions), functions));
    check(env, napi_set_named_property(env, exports, "binaryOps", nameList(env, kBinaryOps)));
    check(env, napi_set_named_property(env, exports, "unaryOps", nameList(env, kUnaryOps)));
    check(env, napi_set_named_property(env, exports, "reduceOps", nameList(env, kReduceOps)));
    check(env, napi_set_named_property(env, exports, "activations", nameList(env, kActivations)));
  } catch (const std::exception& error) {
    napi_throw_error(env, nullptr, error.what());
  }
  return exports;
}

}  // namespace
}  // namespace native

NAPI_MODULE(NODE_GYP_MODULE_NAME, native::Init)
