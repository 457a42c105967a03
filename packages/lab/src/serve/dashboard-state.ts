import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { uint8ImageDomain } from "@chimera/attack";
import { loadFmnist } from "../fmnist-data.js";
import { findResultsFolders, folderSignature, readRecords, viewFolder, type FolderView } from "./results-scan.js";

/** The fidelity table as the dashboard shows it, and the file it comes from. */
export interface FidelityView {
  source: string;
  suite: string | null;
  seed: number | null;
  scale: string | null;
  /** real and bitIdentical are null where the real library was not there; reason says why. */
  reports: { id: string; real: string | null; bitIdentical: number | null; reason: string | null; regions: { region: string; bitIdentical: number }[] }[];
}

/** Reads a `chimera fidelity --json` report (docs/fidelity/*.json); errors name the file and what was wrong. */
export function readFidelity(path: string): FidelityView {
  let d: { suite?: string; seed?: number; scale?: string; reports?: unknown };
  try {
    d = JSON.parse(readFileSync(path, "utf8")) as typeof d;
  } catch (e) {
    throw new Error(`--fidelity ${path}: ${(e as NodeJS.ErrnoException).code ?? "not JSON"}; expected the JSON that chimera fidelity --json writes (e.g. docs/fidelity/*.json)`);
  }
  if (!Array.isArray(d.reports)) throw new Error(`--fidelity ${path} has no "reports" list; expected the JSON that chimera fidelity --json writes`);
  return {
    source: path, suite: d.suite ?? null, seed: d.seed ?? null, scale: d.scale ?? null,
    reports: (d.reports as FidelityView["reports"]).map((r) => ({
      id: String(r.id), real: r.real === null ? null : String(r.real), bitIdentical: r.bitIdentical === null ? null : Number(r.bitIdentical),
      reason: typeof r.reason === "string" ? r.reason : null,
      regions: (r.regions ?? []).map((g) => ({ region: String(g.region), bitIdentical: Number(g.bitIdentical) })),
    })),
  };
}

/**
 * The results folders the dashboard watches (the --results roots, rescanned, so a run started later
 * appears), each read again only when its files changed. Ids are handed out in discovery order.
 */
export class ResultsWatch {
  private readonly ids = new Map<string, string>();
  private readonly paths = new Map<string, string>();
  private readonly cache = new Map<string, { signature: string; view: FolderView }>();
  private readonly sources = new Map<string, Uint8Array | null>();

  constructor(private readonly roots: readonly string[]) {}

  /** Every folder's view, and a signature of them all that changes when any of their files does. */
  scan(): { views: FolderView[]; signature: string } {
    const views: FolderView[] = [], signs: string[] = [];
    for (const dir of findResultsFolders(this.roots)) {
      let id = this.ids.get(dir);
      if (id === undefined) {
        id = `r${this.ids.size + 1}`;
        this.ids.set(dir, id);
        this.paths.set(id, dir);
      }
      const signature = folderSignature(dir), hit = this.cache.get(dir);
      // the status and the rate move with the clock and the lock's owner: a running folder is read every scan
      const view = hit && hit.signature === signature && hit.view.status !== "running" ? hit.view : viewFolder(id, dir);
      this.cache.set(dir, { signature, view });
      views.push(view);
      signs.push(`${id}=${signature}:${view.status}`);
    }
    return { views, signature: signs.join("\n") };
  }

  /** The folder with dashboard id `id`, or undefined. */
  folder(id: string): string | undefined {
    return this.paths.get(id);
  }

  /** The 8-bit Chimera image of `sample` in `file` of folder `id`, or undefined when there is none. */
  chimeraImage(id: string, file: string, sample: number): Uint8Array | undefined {
    const dir = this.folder(id);
    if (!dir || !/^[\w.-]+\.jsonl$/.test(file)) return undefined;
    const r = readRecords(join(dir, file)).find((x) => x.sample === sample && x.found === true && typeof x.image === "string");
    return r ? new Uint8Array(Buffer.from(r.image as string, "base64")) : undefined;
  }

  /**
   * The source test image `sample` of folder `id`: from the committed fixture or the installed test set,
   * whichever has the sha256 its config.json pins (dataSha256); undefined when neither does here.
   */
  sourceImage(id: string, sample: number): Uint8Array | undefined {
    const dir = this.folder(id);
    if (!dir) return undefined;
    let want: string | undefined;
    try {
      want = (JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as { dataSha256?: string }).dataSha256;
    } catch {
      return undefined;
    }
    if (!want) return undefined;
    if (!this.sources.has(want)) this.sources.set(want, findTestSet(want));
    const all = this.sources.get(want);
    return all && sample >= 0 && (sample + 1) * 784 <= all.length ? all.subarray(sample * 784, (sample + 1) * 784) : undefined;
  }
}

/** The 8-bit test images of the data set whose digest (as setupAttack computes it) is `sha256`, if it is here. */
function findTestSet(sha256: string): Uint8Array | null {
  for (const fixture of [true, false]) {
    try {
      const d = loadFmnist("test", { fixture });
      const got = createHash("sha256").update(new Uint8Array(d.x.buffer, d.x.byteOffset, d.x.byteLength)).update(d.labels).digest("hex");
      if (got === sha256) return uint8ImageDomain.encode(d.x);
    } catch { /* not installed */ }
  }
  return null;
}
