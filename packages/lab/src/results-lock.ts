import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

/** What a lock file holds: who writes the folder. */
interface LockOwner { pid: number; host: string; started: string }

/** The lock file's name inside a results folder. */
export const LOCK_FILE = "LOCK";

const held = new Map<string, number>(); // lock files this process holds (with how many holders here), removed at exit
process.once("exit", () => { for (const p of held.keys()) rmSync(p, { force: true }); });

/** A release function that drops one hold and removes the file with the last. */
function releaser(path: string): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const n = (held.get(path) ?? 1) - 1;
    if (n > 0) return void held.set(path, n);
    held.delete(path);
    if (readOwner(path)?.pid === process.pid) rmSync(path, { force: true });
  };
}

/** True when process `pid` on this host is running (signal 0 probes without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // it exists, owned by someone else
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(path, "utf8")) as LockOwner;
    return Number.isInteger(o.pid) && typeof o.host === "string" ? o : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the exclusive lock on results folder `dir`: creates `dir/LOCK` with O_EXCL holding this pid
 * and host, so two writers can never both hold it. A lock left by a dead process on this host is
 * taken over (and `note` says so); a live writer, or one on another host (its liveness cannot be
 * checked from here), makes this throw naming it. Returns the release function (also run at exit).
 * Within one process the lock is re-entrant: each call returns its own release, the last removes the file.
 */
export function lockResultsFolder(dir: string, note: (line: string) => void): () => void {
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  if (held.has(path)) { // this process holds it already (an experiment that locks, then runs arms that lock)
    held.set(path, held.get(path)! + 1);
    return releaser(path);
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(path, "wx");
      try { writeSync(fd, JSON.stringify(me) + "\n"); } finally { closeSync(fd); }
      held.set(path, 1);
      return releaser(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new Error(`cannot lock results folder ${dir}: ${(e as Error).message}`);
    }
    const owner = readOwner(path);
    if (owner === undefined) {
      // Being written this instant by another taker, or garbage: look again before judging it.
      if (attempt < 4) continue;
      throw new Error(`results folder ${dir} has an unreadable lock file ${path}; if no other chimera writes there, delete it`);
    }
    if (owner.host !== me.host) {
      throw new Error(`results folder ${dir} is locked by pid ${owner.pid} on host ${owner.host} (since ${owner.started}); ` +
        `wait for it, use another --out, or delete ${path} if that run is gone`);
    }
    if (alive(owner.pid)) {
      throw new Error(`results folder ${dir} is being written by another chimera run (pid ${owner.pid}, since ${owner.started}); ` +
        `wait for it to finish or use another --out`);
    }
    // Stale: move it aside atomically (only one taker can rename this file), check it was the stale one, retry.
    const aside = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, aside);
    } catch {
      continue; // another taker moved it first
    }
    const moved = readOwner(aside);
    if (moved?.pid !== owner.pid) {
      renameSync(aside, path); // we moved a fresh lock another taker had just made: put it back
      continue;
    }
    rmSync(aside, { force: true });
    note(`took over the lock of ${dir} left by pid ${owner.pid} (no longer running, since ${owner.started})`);
  }
  throw new Error(`cannot lock results folder ${dir}: its lock file ${path} keeps changing; is another run starting there?`);
}
