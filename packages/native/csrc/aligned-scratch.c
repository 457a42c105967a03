/* See aligned-scratch.h. */
#include "aligned-scratch.h"

#include <stdlib.h>

float *scratch_reserve(aligned_scratch *s, size_t elements) {
  if (elements == 0) elements = 1;
  if (s->data && s->capacity >= elements) return s->data;
  void *p = NULL;
  if (posix_memalign(&p, SCRATCH_ALIGN, elements * sizeof(float)) != 0) return NULL;
  free(s->data);
  s->data = (float *)p;
  s->capacity = elements;
  return s->data;
}
