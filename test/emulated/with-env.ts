/**
 * Runs `f` with the environment variable `name` set to `value` (left as it is when value is undefined),
 * restoring it afterwards. Fixtures that hold a machine-dependent emulation's bits (Eigen's blocking
 * follows CHIMERA_EIGEN_CACHE_SIZES) name the value they were recorded under; the test replays it, so
 * the bits do not depend on the CPU the test happens to run on.
 */
export function withEnv<T>(name: string, value: string | undefined, f: () => T): T {
  if (value === undefined) return f();
  const before = process.env[name];
  process.env[name] = value;
  try {
    return f();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}
