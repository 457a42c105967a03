import { readFileSync } from "node:fs";
import { derivedKernel, emulatedKernels, profileSetKernel, type DerivedOrder, referenceKernel, type Kernel, type KernelInfo, type ProbeProfile } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { exactKernel } from "@chimera/defense";
import { remoteKernel } from "./serve/remote-kernel.js";

/** One backend the lab can run: reference, emulated or native, available here or not. */
export type BackendEntry = Pick<KernelInfo, "id" | "kind" | "library" | "version" | "variant" | "threads"> & {
  readonly available: boolean;
  /** Why it is unavailable. */
  readonly reason?: string;
  /** A fresh kernel (a native one may start a worker process: release it with releaseKernel). */
  create(): Kernel;
};

function pureEntry(kernel: Kernel): BackendEntry {
  const i: KernelInfo = kernel.info;
  return { id: i.id, kind: i.kind, library: i.library, version: i.version, variant: i.variant, threads: i.threads, available: true, create: () => kernel };
}

/**
 * Every backend, in listing order: the reference kernel, the emulations (pure TypeScript, always
 * available), the exact kernel (the order-independent defense), then the native libraries the
 * bridge discovers. The list is written here, once.
 */
export function allBackends(): BackendEntry[] {
  return [
    pureEntry(referenceKernel),
    ...emulatedKernels.map(pureEntry),
    pureEntry(exactKernel),
    ...discoverNativeBackends().map((b): BackendEntry => ({ ...b, create: () => b.create() })),
  ];
}

/**
 * The kernel for `id`; throws naming the id and why (unknown, with the known ids; or unavailable).
 * `profile:FILE[,FILE…]` loads probe profiles (`chimera probe --out FILE`) as one kernel that
 * replays each probed call; `derived:FILE` loads a derived order (`chimera derive --out FILE`);
 * `remote:http://HOST:PORT/ID` is backend ID served by `chimera serve` there (release it with releaseKernel).
 */
export function getKernel(id: string, backends?: readonly BackendEntry[]): Kernel {
  if (id.startsWith("profile:")) return profileSetKernel(id.slice("profile:".length).split(",").map(readProfile));
  if (id.startsWith("derived:")) return derivedKernel(readDerivedOrder(id.slice("derived:".length)));
  if (id.startsWith("remote:")) return remoteKernel(id);
  const list = backends ?? allBackends();
  const b = list.find((x) => x.id === id);
  if (!b) {
    throw new Error(`unknown backend "${id}"; known: ${list.map((x) => x.id).join(", ")} (see \`chimera backends\`)`);
  }
  if (!b.available) throw new Error(`backend "${id}" is unavailable here: ${b.reason ?? "no reason given"}`);
  return b.create();
}

/** Releases what a kernel holds (a native worker process); a no-op for pure-TypeScript kernels. */
export function releaseKernel(kernel: Kernel): void {
  const k = kernel as Kernel & { dispose?: () => void };
  if (typeof k.dispose === "function") k.dispose();
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

/** Reads a derived order written by `chimera derive --out`; the error says what the file should be. */
export function readDerivedOrder(path: string): DerivedOrder {
  let order: DerivedOrder;
  try {
    order = JSON.parse(readFileSync(path, "utf8")) as DerivedOrder;
  } catch (e) {
    throw new Error(`cannot read derived order ${path}: ${(e as Error).message}`);
  }
  if (order?.format !== "chimera-derived-order/1" || !Array.isArray(order.rules) || typeof order.backend?.id !== "string") {
    throw new Error(`${path} is not a derived order (expected format "chimera-derived-order/1"; make one with chimera derive --out)`);
  }
  return order;
}
