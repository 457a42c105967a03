{
  "variables": {
    "cxx_avx512%": "<!(node -e \"const r=require('child_process').spawnSync(process.env.CXX||'c++',['-mavx512f','-mavx512dq','-mavx512vl','-mavx512bw','-mfma','-x','c++','-fsyntax-only','-'],{input:'int main(){}'});process.stdout.write(r.status===0?'1':'0')\")",
    "eigen_include%": "<!(node -p \"process.env.CHIMERA_EIGEN_INCLUDE || (require('fs').existsSync('/usr/include/eigen3/Eigen/Core') ? '/usr/include/eigen3' : '')\")"
  },
  "targets": [
    {
      "target_name": "chimera_native",
      "sources": [
        "csrc/addon.c", "csrc/aligned-scratch.c", "csrc/blas-calls.c", "csrc/blas-library.c", "csrc/cpu-features.c",
        "csrc/fifo-io.c", "csrc/hardware-fma.c", "csrc/library-table.c", "csrc/napi-args.c", "csrc/shared-memory.c"
      ],
      "cflags": ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-ldl"]
    },
    {
      "target_name": "chimera_cublas",
      "type": "loadable_module",
      "sources": ["csrc/cublas-cblas.c"],
      "cflags": ["-std=gnu11", "-O2", "-Wall", "-fvisibility=hidden"],
      "libraries": ["-ldl"]
    },
    {
      "target_name": "chimera_mkl_intel_path",
      "type": "loadable_module",
      "sources": ["csrc/mkl-intel-path.c"],
      "cflags": ["-O2", "-fvisibility=hidden"]
    }
  ],
  "conditions": [
    ["eigen_include!=''", {
      "targets": [
        {
          "target_name": "chimera_eigen_sse2",
          "type": "loadable_module",
          "sources": ["csrc/eigen-cblas.cc"],
          "cflags_cc": ["-O3", "-isystem", "<(eigen_include)", "-fvisibility=hidden", "-fvisibility-inlines-hidden", "-Wno-maybe-uninitialized"]
        },
        {
          "target_name": "chimera_eigen_avx2",
          "type": "loadable_module",
          "sources": ["csrc/eigen-cblas.cc"],
          "cflags_cc": ["-O3", "-mavx2", "-mfma", "-isystem", "<(eigen_include)", "-fvisibility=hidden", "-fvisibility-inlines-hidden", "-Wno-maybe-uninitialized"]
        }
      ]
    }],
    ["eigen_include!='' and cxx_avx512==1", {
      "targets": [
        {
          "target_name": "chimera_eigen_avx512",
          "type": "loadable_module",
          "sources": ["csrc/eigen-cblas.cc"],
          "cflags_cc": ["-O3", "-mavx512f", "-mavx512dq", "-mavx512vl", "-mavx512bw", "-mfma", "-isystem", "<(eigen_include)", "-fvisibility=hidden", "-fvisibility-inlines-hidden", "-Wno-maybe-uninitialized"]
        }
      ]
    }]
  ]
}
