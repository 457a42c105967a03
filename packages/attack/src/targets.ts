/** Anything that draws an integer uniformly from [0, n) (the tensor package's Rng does). */
export interface IntSource {
  int(n: number): number;
}

/**
 * The paper's targets (§4.3): backend 1 aims at the source's true class, every other backend at a
 * different class drawn at random, all distinct, so the backends pull the input in a tug of war.
 */
export function chooseTargets(trueLabel: number, backends: number, classes: number, rng: IntSource): number[] {
  if (!Number.isInteger(backends) || backends < 2) throw new RangeError(`chooseTargets: backends must be an integer >= 2, got ${backends}`);
  if (backends > classes) throw new RangeError(`chooseTargets: ${backends} backends need ${backends} distinct targets but the model has ${classes} classes`);
  if (!Number.isInteger(trueLabel) || trueLabel < 0 || trueLabel >= classes) {
    throw new RangeError(`chooseTargets: trueLabel must be a class in [0, ${classes}), got ${trueLabel}`);
  }
  const targets = [trueLabel];
  while (targets.length < backends) {
    const c = rng.int(classes);
    if (!targets.includes(c)) targets.push(c);
  }
  return targets;
}
