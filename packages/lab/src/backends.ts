import { readFileSync } from "node:fs";
import { emulatedKernels, KernelRegistry, profileSetKernel, referenceKernel, type Kernel, type ProbeProfile } from "@chimera/kernels";

/** The kernels this build knows: the reference kernel and every emulation. */
export function registry(): KernelRegistry {
  return new KernelRegistry([referenceKernel, ...emulatedKernels]);
}

/**
 * The kernel with this id; the error lists the known ids. `profile:FILE[,FILE…]` loads probe
 * profiles (`chimera probe --out FILE`) as one kernel that replays each probed call.
 */
export function getKernel(id: string): Kernel {
  if (id.startsWith("profile:")) return profileSetKernel(id.slice("profile:".length).split(",").map(readProfile));
  return registry().get(id);
}

function readProfile(path: string): ProbeProfile {
  let profile: ProbeProfile;
  try {
    profile = JSON.parse(readFileSync(path, "utf8")) as ProbeProfile;
  } catch (e) {
    throw new Error(`cannot read probe profile ${path}: ${(e as Error).message}`);
  }
  if (profile?.format !== "chimera-probe-profile/1") {
    throw new Error(`${path} is not a probe profile (expected format "chimera-probe-profile/1"; make one with chimera probe --out)`);
  }
  return profile;
}
