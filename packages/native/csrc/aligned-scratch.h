/*
 * Growable 64-byte-aligned scratch buffers. Every operand handed to a BLAS library is first copied
 * here, so results never depend on where V8 happened to place a typed array (MKL's generic path
 * changes its order with the 16-byte alignment of the inputs).
 */
#ifndef CHIMERA_ALIGNED_SCRATCH_H
#define CHIMERA_ALIGNED_SCRATCH_H

#include <stddef.h>

#define SCRATCH_ALIGN 64

typedef struct aligned_scratch {
  float *data;
  size_t capacity; /* elements */
} aligned_scratch;

/* Returns a 64-byte-aligned buffer of at least `elements` floats (at least one), or NULL on failure. */
float *scratch_reserve(aligned_scratch *s, size_t elements);

#endif
