import { editDistance } from "./cli/args.js";
import { readUserFile } from "./user-file.js";
import { derivedKernel, emulatedKernels, profileSetKernel, type DerivedOrder, referenceKernel, type Kernel, type KernelInfo, type ProbeProfile } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { exactKernel } from "@chimera/defense";
import { remoteKernel } from "./serve/remote-kernel.js";

/** One backend the lab can run: reference, emulated or native, available here or not. */
export type BackendEntry = Pick<KernelInfo, "id" | "kind" | "library" | "version" | "variant" | "threads"> & {
  readonly available: boolean;
  /** Why it is unavailable. */
  readonly reason?: string;
  /** Native only: set when this CPU (after CHIMERA_CPU_FEATURES) is why it cannot run. */
  readonly cpuReason?: string;
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
  if (!b) throw new Error(unknownBackendMessage(id, list));
  if (!b.available) throw new Error(`backend "${id}" is unavailable here: ${b.reason ?? "no reason given"}`);
  return b.create();
}

/** "unknown backend "x"; nearest: a, b, c (N ids in all: chimera backends)": short, whatever the catalog's size. */
export function unknownBackendMessage(id: string, list: readonly Pick<BackendEntry, "id">[] = allBackends()): string {
  const near = list.map((b) => ({ id: b.id, d: editDistance(b.id, id) })).sort((x, y) => x.d - y.d || (x.id < y.id ? -1 : 1)).slice(0, 3);
  return `unknown backend "${id}"; nearest: ${near.map((x) => x.id).join(", ")} ` +
    `(${list.length} ids in all: chimera backends; or profile:FILE, derived:FILE, remote:http://HOST:PORT/ID)`;
}

/**
 * For flag specs: undefined when `id` names a backend the catalog lists (available here or not) or a
 * profile:/derived: file or a remote: backend (checked where it is opened), else the unknown-backend
 * message with the nearest ids.
 */
export function backendIdProblem(id: string): string | undefined {
  if (id.startsWith("profile:") || id.startsWith("derived:") || id.startsWith("remote:")) return undefined;
  const list = allBackends();
  return list.some((b) => b.id === id) ? undefined : unknownBackendMessage(id, list);
}

/** Releases what a kernel holds (a native worker process); a no-op for pure-TypeScript kernels. */
export function releaseKernel(kernel: Kernel): void {
  const k = kernel as Kernel & { dispose?: () => void };
  if (typeof k.dispose === "function") k.dispose();
}

function readProfile(path: string): ProbeProfile {
  const text = readUserFile(path, { what: "probe profile", expected: "a JSON file from chimera probe --out", maxBytes: 64 << 20 }).toString("utf8");
  let profile: ProbeProfile;
  try {
    profile = JSON.parse(text) as ProbeProfile;
  } catch (e) {
    throw new Error(`probe profile ${path} is not JSON (${(e as Error).message}); make one with chimera probe --out`);
  }
  if (profile?.format !== "chimera-probe-profile/1") {
    throw new Error(`${path} is not a probe profile (expected format "chimera-probe-profile/1"; make one with chimera probe --out)`);
  }
  return profile;
}

/** Reads a derived order written by `chimera derive --out`; the error says what the file should be. */
export function readDerivedOrder(path: string): DerivedOrder {
  const text = readUserFile(path, { what: "derived order", expected: "a JSON file from chimera derive --out", maxBytes: 16 << 20 }).toString("utf8");
  let order: DerivedOrder;
  try {
    order = JSON.parse(text) as DerivedOrder;
  } catch (e) {
    throw new Error(`derived order ${path} is not JSON (${(e as Error).message}); make one with chimera derive --out`);
  }
  if (order?.format !== "chimera-derived-order/1" || !Array.isArray(order.rules) || typeof order.backend?.id !== "string") {
    throw new Error(`${path} is not a derived order (expected format "chimera-derived-order/1"; make one with chimera derive --out)`);
  }
  return order;
}
