import { chainRange, collapsible, isLeaf, type SumTree } from "./tree.js";

/** A drawable node: a leaf, a chain collapsed into one box, or an addition. */
interface Drawn {
  label: string;
  kind: "leaf" | "c" | "chain" | "fma-chain" | "add";
  fusedIn: boolean;
  children: Drawn[];
  x: number;
  y: number;
}

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function collapse(t: SumTree, cLeaf: number, fusedIn: boolean): Drawn {
  if (isLeaf(t)) {
    return { label: t.leaf === cLeaf ? "C" : String(t.leaf), kind: t.leaf === cLeaf ? "c" : "leaf", fusedIn, children: [], x: 0, y: 0 };
  }
  const ch = chainRange(t);
  if (collapsible(ch)) {
    const runs = ch.runs.map((r) => (r.first === r.last ? `${r.first}` : `${r.first}..${r.last}${r.step > 1 ? ` step ${r.step}` : ""}`));
    return { label: `${runs.join(", ")} (${ch.leaves})`, kind: ch.fused ? "fma-chain" : "chain", fusedIn, children: [], x: 0, y: 0 };
  }
  return { label: "+", kind: "add", fusedIn, children: t.children.map((c, i) => collapse(c, cLeaf, Boolean(t.fused?.[i]))), x: 0, y: 0 };
}

function boxLines(d: Drawn): string[] {
  return d.kind === "chain" || d.kind === "fma-chain" ? [d.kind, d.label] : [d.label];
}

function boxWidth(d: Drawn): number {
  return d.kind === "add" ? 24 : Math.max(24, ...boxLines(d).map((l) => l.length * 6.4 + 12));
}

/**
 * An SVG picture of a summation tree: additions as circles, leaves (product indices, C) at the
 * bottom of their branch, sequential chains collapsed into one box ("fma-chain" when every step is a
 * fused multiply-add), fused edges drawn bold. `cLeaf` is the leaf index that stands for C (β = 1),
 * or -1. People look at trees; they do not read them.
 */
export function treeSvg(tree: SumTree, opts: { title?: string; cLeaf?: number } = {}): string {
  const root = collapse(tree, opts.cLeaf ?? -1, false);
  const rowH = 56, pad = 24, top = opts.title ? 40 : pad;
  let nextX = 0, maxDepth = 0;
  const place = (d: Drawn, depth: number) => {
    d.y = depth;
    maxDepth = Math.max(maxDepth, depth);
    if (d.children.length === 0) {
      const w = boxWidth(d) + 8; // x is the box centre, in pixels
      d.x = nextX + w / 2;
      nextX += w;
    } else {
      for (const c of d.children) place(c, depth + 1);
      d.x = d.children.reduce((s, c) => s + c.x, 0) / d.children.length;
    }
  };
  place(root, 0);
  const width = nextX + 2 * pad, height = (maxDepth + 1) * rowH + top + pad + 8;
  const px = (d: Drawn) => pad + d.x, py = (d: Drawn) => top + d.y * rowH + 16;
  const parts: string[] = [];
  const walk = (d: Drawn) => {
    for (const c of d.children) {
      parts.push(`<line x1="${px(d)}" y1="${py(d)}" x2="${px(c)}" y2="${py(c)}" stroke="#555" stroke-width="${c.fusedIn ? 3.5 : 1.2}"/>`);
      walk(c);
    }
  };
  walk(root);
  const nodes: string[] = [];
  const draw = (d: Drawn) => {
    const x = px(d), y = py(d);
    if (d.kind === "add") nodes.push(`<circle cx="${x}" cy="${y}" r="9" fill="#fff" stroke="#333"/><text x="${x}" y="${y + 4}" text-anchor="middle" font-size="12">+</text>`);
    else {
      const fill = d.kind === "c" ? "#f6d38b" : d.kind === "fma-chain" ? "#9ecae1" : d.kind === "chain" ? "#c7e9c0" : "#eee";
      const w = boxWidth(d);
      const lines = boxLines(d);
      const h = 16 * lines.length + 4;
      nodes.push(`<rect x="${x - w / 2}" y="${y - 10}" width="${w}" height="${h}" rx="4" fill="${fill}" stroke="#333"/>` +
        lines.map((l, i) => `<text x="${x}" y="${y + 3 + 16 * i}" text-anchor="middle" font-size="11">${escapeXml(l)}</text>`).join(""));
    }
    d.children.forEach(draw);
  };
  draw(root);
  const title = opts.title ? `<text x="${pad}" y="24" font-size="14" font-weight="bold">${escapeXml(opts.title)}</text>` : "";
  const legend = `<text x="${pad}" y="${height - 6}" font-size="10" fill="#555">bold edge: product fused into the addition (FMA); blue box: FMA chain; green box: multiply-then-add chain; C: prior value of C</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.max(width, 700)}" height="${height + 10}" font-family="sans-serif">` +
    `<rect width="100%" height="100%" fill="#fff"/>${title}${parts.join("")}${nodes.join("")}${legend}</svg>\n`;
}
