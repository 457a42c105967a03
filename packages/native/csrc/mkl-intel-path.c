/*
 * Preloaded (LD_PRELOAD) into an MKL worker to reach MKL's Intel code paths on a non-Intel CPU.
 * MKL 2020 asks its internal mkl_serv_intel_cpu_true() whether the CPU is Intel and, when not, runs
 * its generic libmkl_def path whatever MKL_ENABLE_INSTRUCTIONS / MKL_CBWR say. A definition in a
 * preloaded object wins symbol lookup, so MKL then honours MKL_ENABLE_INSTRUCTIONS (libmkl_mc3, _avx,
 * _avx2, _avx512). Only workers that ask for such a variant load this; the worker checks which
 * libmkl_<path>.so actually got loaded.
 */
__attribute__((visibility("default"))) int mkl_serv_intel_cpu_true(void) { return 1; }
