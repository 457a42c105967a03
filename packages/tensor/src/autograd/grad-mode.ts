/**
 * Whether ops record the graph. Recording is on by default; `noGrad(fn)` turns it off for the
 * duration of fn (inference, optimizer steps, and the backward pass itself, which is first-order only).
 * This is a mode, not a backend: the kernel still comes from each call's arguments.
 */
let enabled = true;

/** True when ops currently record autograd nodes. */
export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs fn with graph recording off and restores the previous mode afterwards (also on throw). */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
