import { UsageError } from "./cli/args.js";

/** Parses `MxNxK` (positive integers) as used by --shape. */
export function parseShape(text: string): { m: number; n: number; k: number } {
  const parts = text.toLowerCase().split("x");
  const nums = parts.map(Number);
  if (parts.length !== 3 || nums.some((v) => !Number.isInteger(v) || v < 1 || v > 1 << 20)) {
    throw new UsageError(`--shape must be MxNxK with positive integers (e.g. 64x128x784), got "${text}"`);
  }
  return { m: nums[0]!, n: nums[1]!, k: nums[2]! };
}
