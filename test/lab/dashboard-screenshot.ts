import { writeFileSync } from "node:fs";
import { findChromium, HeadlessChromium } from "./headless-chromium.js";

/**
 * node build/test/lab/dashboard-screenshot.js URL OUT.png: a 1280×900 screenshot of a chimera serve
 * dashboard once its event stream is open and every image has loaded (docs/serve/dashboard.png).
 * `chromium --screenshot` shoots before the gallery's images arrive, and with --virtual-time-budget
 * it never returns while the page holds its EventSource; this waits for the page instead.
 */
const [url, out] = process.argv.slice(2);
if (!url || !out) throw new Error("usage: node build/test/lab/dashboard-screenshot.js URL OUT.png");
const chromium = findChromium();
if ("missing" in chromium) throw new Error(chromium.missing);
const page = new HeadlessChromium(chromium.bin);
try {
  await page.open(url);
  await page.waitFor(`document.getElementById("live").dataset.state === "open" && [...document.images].every((i) => i.complete)`, 30_000);
  writeFileSync(out, await page.screenshot());
} finally {
  await page.close();
}
