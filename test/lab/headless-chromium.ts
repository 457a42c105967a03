import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";

/** The Chromium binary: $CHROMIUM, else Debian's `chromium`; undefined (with why) when it does not run here. */
export function findChromium(): { bin: string } | { missing: string } {
  const bin = process.env.CHROMIUM ?? "chromium";
  const r = spawnSync(bin, ["--version"], { encoding: "utf8", timeout: 20_000 });
  if (r.error || r.status !== 0) return { missing: `${bin} does not run here (${r.error?.message ?? `exit ${r.status}`}); install Debian's chromium (scripts/install-debian-deps.sh)` };
  return { bin };
}

/**
 * A headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON
 * messages ending in NUL on file descriptors 3 and 4), so no WebSocket client and no npm package is
 * needed. --dump-dom and --screenshot wait for the network to go quiet, which a page holding an
 * EventSource never does; this waits for a condition in the page instead.
 */
export class HeadlessChromium {
  private readonly proc: ChildProcess;
  private readonly profile = mkdtempSync(join(tmpdir(), "chimera-chromium-"));
  private readonly waiting = new Map<number, (m: { result?: unknown; error?: { message: string } }) => void>();
  private next = 0;
  private session: string | undefined;

  constructor(bin: string, private readonly size = { width: 1280, height: 900 }) {
    this.proc = spawn(bin, ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-pipe",
      `--user-data-dir=${this.profile}`, `--window-size=${size.width},${size.height}`, "about:blank"], { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] });
    let buf = Buffer.alloc(0);
    (this.proc.stdio[4] as Readable).on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (let k = buf.indexOf(0); k >= 0; k = buf.indexOf(0)) {
        const m = JSON.parse(buf.subarray(0, k).toString("utf8")) as { id?: number; result?: unknown; error?: { message: string } };
        buf = buf.subarray(k + 1);
        if (m.id !== undefined) this.waiting.get(m.id)?.(m);
        if (m.id !== undefined) this.waiting.delete(m.id);
      }
    });
  }

  /** One DevTools command (on the page's session once `open` has attached one). */
  send<T = Record<string, unknown>>(method: string, params: object = {}, timeoutMs = 20_000): Promise<T> {
    const id = ++this.next;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`chromium did not answer ${method} in ${timeoutMs} ms`)), timeoutMs);
      this.waiting.set(id, (m) => {
        clearTimeout(timer);
        if (m.error) reject(new Error(`chromium ${method}: ${m.error.message}`));
        else resolve(m.result as T);
      });
      (this.proc.stdio[3] as Writable).write(JSON.stringify({ id, method, params, ...(this.session ? { sessionId: this.session } : {}) }) + "\0");
    });
  }

  /** Opens `url` in a new tab and attaches to it. */
  async open(url: string): Promise<void> {
    const { targetId } = await this.send<{ targetId: string }>("Target.createTarget", { url });
    this.session = (await this.send<{ sessionId: string }>("Target.attachToTarget", { targetId, flatten: true })).sessionId;
    await this.send("Emulation.setDeviceMetricsOverride", { ...this.size, deviceScaleFactor: 1, mobile: false }); // the viewport is the window size
  }

  /** The value of a JavaScript expression in the page. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send<{ result: { value: T }; exceptionDetails?: { text: string } }>("Runtime.evaluate", { expression, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.text} (${expression})`);
    return r.result.value;
  }

  /** Evaluates `expression` every 100 ms until it is truthy; returns that value (throws with the last one after `timeoutMs`). */
  async waitFor<T>(expression: string, timeoutMs = 15_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    let last: T | string | undefined;
    while (Date.now() < end) {
      try {
        last = await this.evaluate<T>(expression);
        if (last) return last as T;
      } catch (e) {
        last = (e as Error).message; // the page is still loading
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the page never satisfied ${expression} in ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
  }

  /** A PNG of the viewport. */
  async screenshot(): Promise<Buffer> {
    return Buffer.from((await this.send<{ data: string }>("Page.captureScreenshot", { format: "png" })).data, "base64");
  }

  async close(): Promise<void> {
    this.session = undefined;
    await this.send("Browser.close", {}, 5000).catch(() => undefined);
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      await new Promise<void>((done) => {
        const kill = setTimeout(() => this.proc.kill("SIGKILL"), 5000);
        this.proc.once("exit", () => { clearTimeout(kill); done(); });
      });
    }
    rmSync(this.profile, { recursive: true, force: true });
  }
}
