import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../../packages/lab/bin/chimera.js", import.meta.url));

/** A `chimera serve` child process on loopback and the URL it announced. */
export interface ServeProcess {
  url: string;
  port: number;
  proc: ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** Starts `chimera serve ARGS` (add --port 0 for a free port) and waits up to 30 s for its first line. */
export function startServe(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ServeProcess> {
  const proc = spawn(process.execPath, [bin, "serve", ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "", err = "";
  proc.stderr!.on("data", (d) => void (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill("SIGKILL"); reject(new Error(`chimera serve did not start in 30 s; stderr: ${err}`)); }, 30_000);
    proc.on("exit", (code) => { clearTimeout(timer); reject(new Error(`chimera serve exited with ${code} before listening; stderr: ${err}`)); });
    proc.stdout!.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/[^ ]+:(\d+))/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      proc.removeAllListeners("exit");
      resolve({
        url: m[1]!, port: Number(m[2]), proc, stderr: () => err,
        stop: () => new Promise<void>((done) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return done();
          const kill = setTimeout(() => proc.kill("SIGKILL"), 5000);
          proc.once("exit", () => { clearTimeout(kill); done(); });
          proc.kill("SIGTERM");
        }),
      });
    });
  });
}
