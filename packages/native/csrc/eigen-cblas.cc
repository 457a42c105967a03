/*
 * Eigen 3.4 behind the three CBLAS entry points the bridge calls (row-major only), built as its own
 * shared object so the bridge loads it with dlopen like any other library. It is compiled once per
 * explicit ISA (binding.gyp): -O3 for baseline x86-64 (SSE2), -O3 -mavx2 -mfma, and -O3 -mavx512f
 * -mavx512dq -mavx512vl -mavx512bw -mfma; never -march=native, so a build is the same on every machine
 * and its id says what it is. Separate shared objects with hidden visibility keep the builds' template
 * instantiations apart (one .so with all would let the linker merge them and silently run one ISA's
 * code for another).
 *
 * The products are what an Eigen user writes: Map the row-major operands with their leading
 * dimension (OuterStride) and evaluate `C.noalias() += alpha * op(A) * op(B)` after scaling C by beta.
 */
#include <Eigen/Core>

namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const RowMat, 0, Eigen::OuterStride<>>;
using MutMap = Eigen::Map<RowMat, 0, Eigen::OuterStride<>>;
using Vec = Eigen::Matrix<float, Eigen::Dynamic, 1>;
using ConstVecMap = Eigen::Map<const Vec, 0, Eigen::InnerStride<>>;
using MutVecMap = Eigen::Map<Vec, 0, Eigen::InnerStride<>>;

constexpr int kRowMajor = 101, kTrans = 112;

}  // namespace

#define CHIMERA_EXPORT extern "C" __attribute__((visibility("default")))

CHIMERA_EXPORT void cblas_sgemm(int order, int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
                                const float *b, int ldb, float beta, float *c, int ldc) {
  if (order != kRowMajor || m <= 0 || n <= 0) return;
  const bool trans_a = ta == kTrans, trans_b = tb == kTrans;
  ConstMap A(a, trans_a ? k : m, trans_a ? m : k, Eigen::OuterStride<>(lda));
  ConstMap B(b, trans_b ? n : k, trans_b ? k : n, Eigen::OuterStride<>(ldb));
  MutMap C(c, m, n, Eigen::OuterStride<>(ldc));
  if (beta == 0.0f) C.setZero();  // beta = 0 never reads C (NaN in C must not propagate)
  else if (beta != 1.0f) C *= beta;
  if (k == 0 || alpha == 0.0f) return;
  if (!trans_a && !trans_b) C.noalias() += alpha * A * B;
  else if (trans_a && !trans_b) C.noalias() += alpha * A.transpose() * B;
  else if (!trans_a && trans_b) C.noalias() += alpha * A * B.transpose();
  else C.noalias() += alpha * A.transpose() * B.transpose();
}

CHIMERA_EXPORT void cblas_sgemv(int order, int ta, int m, int n, float alpha, const float *a, int lda, const float *x,
                                int incx, float beta, float *y, int incy) {
  if (order != kRowMajor) return;
  const bool trans = ta == kTrans;
  const int lx = trans ? m : n, ly = trans ? n : m;
  if (ly <= 0) return;
  ConstMap A(a, m, n, Eigen::OuterStride<>(lda));
  MutVecMap Y(y, ly, Eigen::InnerStride<>(incy));
  if (beta == 0.0f) Y.setZero();
  else if (beta != 1.0f) Y *= beta;
  if (lx == 0 || alpha == 0.0f) return;
  ConstVecMap X(x, lx, Eigen::InnerStride<>(incx));
  if (trans) Y.noalias() += alpha * A.transpose() * X;
  else Y.noalias() += alpha * A * X;
}

CHIMERA_EXPORT float cblas_sdot(int n, const float *x, int incx, const float *y, int incy) {
  if (n <= 0) return 0.0f;
  return ConstVecMap(x, n, Eigen::InnerStride<>(incx)).dot(ConstVecMap(y, n, Eigen::InnerStride<>(incy)));
}

/* Lets the bridge report which build this is. */
CHIMERA_EXPORT const char *chimera_eigen_build(void) {
#if defined(__AVX512F__)
  return "eigen " EIGEN_MAKESTRING(EIGEN_WORLD_VERSION) "." EIGEN_MAKESTRING(EIGEN_MAJOR_VERSION) "." EIGEN_MAKESTRING(EIGEN_MINOR_VERSION) " avx512";
#elif defined(__AVX2__)
  return "eigen " EIGEN_MAKESTRING(EIGEN_WORLD_VERSION) "." EIGEN_MAKESTRING(EIGEN_MAJOR_VERSION) "." EIGEN_MAKESTRING(EIGEN_MINOR_VERSION) " avx2";
#else
  return "eigen " EIGEN_MAKESTRING(EIGEN_WORLD_VERSION) "." EIGEN_MAKESTRING(EIGEN_MAJOR_VERSION) "." EIGEN_MAKESTRING(EIGEN_MINOR_VERSION) " sse2";
#endif
}

/* The cache sizes Eigen's GEBP blocking uses (queried once through CPUID, Memory.h queryCacheSizes). */
CHIMERA_EXPORT void chimera_eigen_cache_sizes(long *out) {
  std::ptrdiff_t l1, l2, l3;
  Eigen::internal::manage_caching_sizes(Eigen::GetAction, &l1, &l2, &l3);
  out[0] = (long)l1;
  out[1] = (long)l2;
  out[2] = (long)l3;
}
