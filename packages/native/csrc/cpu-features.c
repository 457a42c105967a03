/*
 * What this CPU can run, read with CPUID (and XGETBV for the register state the OS saves: AVX and
 * AVX-512 instructions fault when the OS does not enable their state, whatever CPUID says).
 * cpuFeatures() -> { vendor, family, model, features: [Linux /proc/cpuinfo flag names],
 *                    caches: [{ level, type, bytes }], eigenCaches: [l1, l2, l3] }
 * `eigenCaches` are the sizes Eigen 3.4 reads (Eigen/src/Core/util/Memory.h, queryCacheSizes): on AMD the
 * legacy leaves 0x80000005/6, l3 with Eigen's own mask `(edx & 0xFFFC000) >> 18` in 512 KiB units; on
 * Intel (and others) leaf 4. Eigen's GEBP blocking depends on them, so the emulation must use the same.
 */
#include "addon.h"

#include <stdint.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define CHIMERA_X86 1
#endif

typedef struct { const char *name; int leaf, sub, reg, bit; } feature_bit; /* reg: 0 eax, 1 ebx, 2 ecx, 3 edx */

static const feature_bit bits[] = {
    {"sse", 1, 0, 3, 25}, {"sse2", 1, 0, 3, 26}, {"sse3", 1, 0, 2, 0}, {"ssse3", 1, 0, 2, 9},
    {"fma", 1, 0, 2, 12}, {"sse4_1", 1, 0, 2, 19}, {"sse4_2", 1, 0, 2, 20}, {"popcnt", 1, 0, 2, 23},
    {"avx", 1, 0, 2, 28}, {"f16c", 1, 0, 2, 29}, {"bmi1", 7, 0, 1, 3}, {"avx2", 7, 0, 1, 5},
    {"bmi2", 7, 0, 1, 8}, {"avx512f", 7, 0, 1, 16}, {"avx512dq", 7, 0, 1, 17}, {"avx512ifma", 7, 0, 1, 21},
    {"avx512cd", 7, 0, 1, 28}, {"avx512bw", 7, 0, 1, 30}, {"avx512vl", 7, 0, 1, 31},
    {"avx512vbmi", 7, 0, 2, 1}, {"avx512_vbmi2", 7, 0, 2, 6}, {"avx512_vnni", 7, 0, 2, 11},
    {"avx512_bitalg", 7, 0, 2, 12}, {"avx512_vpopcntdq", 7, 0, 2, 14}, {"avx512_fp16", 7, 0, 3, 23},
    {"avx_vnni", 7, 1, 0, 4}, {"avx512_bf16", 7, 1, 0, 5},
};

#ifdef CHIMERA_X86
static void cpuid(unsigned leaf, unsigned sub, unsigned r[4]) {
  r[0] = r[1] = r[2] = r[3] = 0;
  __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
}

static uint64_t xgetbv0(void) {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((uint64_t)hi << 32) | lo;
}
#endif

static void set_int(napi_env env, napi_value obj, const char *key, int64_t v) {
  napi_value x;
  napi_create_int64(env, v, &x);
  napi_set_named_property(env, obj, key, x);
}

napi_value native_cpu_features(napi_env env, napi_callback_info info) {
  napi_value out, features, caches, eigen;
  napi_create_object(env, &out);
  napi_create_array(env, &features);
  napi_create_array(env, &caches);
  napi_create_array(env, &eigen);
#ifdef CHIMERA_X86
  unsigned r[4], max_leaf, max_ext;
  cpuid(0, 0, r);
  max_leaf = r[0];
  char vendor[13];
  memcpy(vendor, &r[1], 4);
  memcpy(vendor + 4, &r[3], 4);
  memcpy(vendor + 8, &r[2], 4);
  vendor[12] = '\0';
  cpuid(1, 0, r);
  unsigned base_family = (r[0] >> 8) & 0xf, base_model = (r[0] >> 4) & 0xf;
  unsigned family = base_family == 0xf ? base_family + ((r[0] >> 20) & 0xff) : base_family;
  unsigned model = (base_family == 0xf || base_family == 0x6) ? base_model | (((r[0] >> 16) & 0xf) << 4) : base_model;
  int osxsave = (r[2] >> 27) & 1;
  uint64_t xcr0 = osxsave ? xgetbv0() : 0;
  int os_avx = (xcr0 & 0x6) == 0x6, os_avx512 = (xcr0 & 0xe6) == 0xe6;
  uint32_t n = 0;
  for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
    const feature_bit *f = &bits[i];
    if ((unsigned)f->leaf > max_leaf) continue;
    if (f->sub == 1) {
      cpuid(7, 0, r);
      if (r[0] < 1) continue;
    }
    cpuid(f->leaf, f->sub, r);
    if (!((r[f->reg] >> f->bit) & 1)) continue;
    int avx_family = strncmp(f->name, "avx", 3) == 0 || strcmp(f->name, "fma") == 0 || strcmp(f->name, "f16c") == 0;
    if (avx_family && !os_avx) continue;
    if (strncmp(f->name, "avx512", 6) == 0 && !os_avx512) continue;
    napi_value s;
    napi_create_string_utf8(env, f->name, NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, features, n++, s);
  }
  cpuid(0x80000000, 0, r);
  max_ext = r[0];
  int amd = strcmp(vendor, "AuthenticAMD") == 0 || strcmp(vendor, "HygonGenuine") == 0;
  unsigned cache_leaf = 4;
  if (amd) {
    cpuid(0x80000001, 0, r);
    cache_leaf = (max_ext >= 0x8000001D && ((r[2] >> 22) & 1)) ? 0x8000001D : 0;
  } else if (max_leaf < 4) cache_leaf = 0;
  uint32_t nc = 0;
  int64_t leaf4[4] = {0, 0, 0, 0}; /* bytes of data/unified caches per level, as Eigen's Intel path reads them */
  for (unsigned sub = 0; cache_leaf && sub < 16; sub++) {
    cpuid(cache_leaf, sub, r);
    unsigned type = r[0] & 0x1f;
    if (type == 0) break;
    unsigned level = (r[0] >> 5) & 7;
    int64_t bytes = (int64_t)(((r[1] >> 22) & 0x3ff) + 1) * (((r[1] >> 12) & 0x3ff) + 1) * ((r[1] & 0xfff) + 1) * ((int64_t)r[2] + 1);
    if ((type == 1 || type == 3) && level >= 1 && level <= 3) leaf4[level] = bytes;
    napi_value c, t;
    napi_create_object(env, &c);
    set_int(env, c, "level", level);
    napi_create_string_utf8(env, type == 1 ? "data" : type == 2 ? "instruction" : "unified", NAPI_AUTO_LENGTH, &t);
    napi_set_named_property(env, c, "type", t);
    set_int(env, c, "bytes", bytes);
    napi_set_element(env, caches, nc++, c);
  }
  int64_t el[3] = {leaf4[1], leaf4[2], leaf4[3]};
  if (amd) {
    el[0] = el[1] = el[2] = 0;
    if (max_ext >= 0x80000006) {
      cpuid(0x80000005, 0, r);
      el[0] = (int64_t)(r[2] >> 24) * 1024;
      cpuid(0x80000006, 0, r);
      el[1] = (int64_t)(r[2] >> 16) * 1024;
      el[2] = (int64_t)((r[3] & 0xFFFC000) >> 18) * 512 * 1024;
    }
  }
  for (uint32_t i = 0; i < 3; i++) {
    napi_value x;
    napi_create_int64(env, el[i], &x);
    napi_set_element(env, eigen, i, x);
  }
  napi_value v;
  napi_create_string_utf8(env, vendor, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, out, "vendor", v);
  set_int(env, out, "family", family);
  set_int(env, out, "model", model);
#else
  napi_value v;
  napi_create_string_utf8(env, "", NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, out, "vendor", v);
  set_int(env, out, "family", 0);
  set_int(env, out, "model", 0);
#endif
  napi_set_named_property(env, out, "features", features);
  napi_set_named_property(env, out, "caches", caches);
  napi_set_named_property(env, out, "eigenCaches", eigen);
  return out;
}
