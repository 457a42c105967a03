import type { CommandIO } from "./command.js";

/**
 * A progress bar on stderr: redrawn in place on a terminal, one line per 10% (and at the end)
 * otherwise, so logs stay readable. Shows done/total, rate and ETA.
 */
export class Progress {
  private readonly start = Date.now();
  private lastDecile = -1;
  private lastDraw = 0;

  constructor(
    private readonly io: CommandIO,
    private readonly label: string,
    private readonly total: number,
    private readonly unit = "it",
  ) {}

  /** Reports `done` items finished; `extra` is appended (e.g. the running loss). */
  update(done: number, extra = ""): void {
    const now = Date.now();
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const decile = Math.floor(frac * 10);
    if (this.io.isTTY) {
      if (now - this.lastDraw < 100 && done < this.total) return;
      this.lastDraw = now;
      this.io.err(`\r${this.line(done, frac, now, extra)}\x1b[K${done >= this.total ? "\n" : ""}`);
    } else if (decile > this.lastDecile) {
      this.lastDecile = decile;
      this.io.err(`${this.line(done, frac, now, extra)}\n`);
    }
  }

  private line(done: number, frac: number, now: number, extra: string): string {
    const width = 24, filled = Math.round(frac * width);
    const secs = (now - this.start) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? (this.total - done) / rate : 0;
    const bar = "#".repeat(filled) + "-".repeat(width - filled);
    return `${this.label} [${bar}] ${done}/${this.total} ${rate >= 10 ? rate.toFixed(0) : rate.toPrecision(2)} ${this.unit}/s ` +
      `${secs.toFixed(1)}s elapsed, ETA ${eta.toFixed(1)}s${extra ? " " + extra : ""}`;
  }
}
