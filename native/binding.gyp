{
  "targets": [
    {
      "target_name": "swe_srl_native",
      "sources": [
        "src/addon.cc",
        "src/matmul.cc",
        "src/elementwise.cc",
        "src/reduce.cc",
        "src/transpose.cc",
        "src/normalization.cc",
        "src/activations.cc",
        "src/attention.cc",
        "src/llama.cc",
        "src/decoder.cc",
        "src/thread-pool.cc"
      ],
      "include_dirs": ["<!(node locate-openblas.cjs include)"],
      "libraries": ["-L<!(node locate-openblas.cjs lib)", "-lopenblas", "-lpthread"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": [
        "-std=c++17",
        "-O3",
        "-march=native",
        "-fopenmp-simd",
        "-fno-math-errno",
        "-fno-trapping-math",
        "-Wall",
        "-Wno-unused-parameter"
      ],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
