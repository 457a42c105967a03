import { readFileSync } from "node:fs";
import { decodeTree, formatTree } from "@chimera/kernels";
const p = JSON.parse(readFileSync(process.argv[2], "utf8"));
const N = p.shape.n;
for (const g of p.groups) {
  const els = g.elements;
  const rows = [...new Set(els.map((e) => Math.floor(e / N)))], cols = [...new Set(els.map((e) => e % N))];
  console.log(`-- ${els.length} elements; rows ${JSON.stringify(rows.length > 20 ? [rows.slice(0, 10), '...', rows.length] : rows)} cols ${JSON.stringify(cols.length > 20 ? [cols.slice(0, 12), '...', cols.slice(-4), cols.length] : cols)}`);
  console.log(formatTree(decodeTree(g.tree)).slice(0, +(process.argv[3] ?? 100000)));
}
