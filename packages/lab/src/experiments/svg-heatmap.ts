/** A square matrix of values in [0, 1] with row/column labels; null cells (e.g. the diagonal) are left grey. */
export interface Heatmap {
  title: string;
  labels: string[];
  /** values[row][col] */
  values: (number | null)[][];
}

/** XML-escapes text for an SVG text node or attribute. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** White (0) to dark blue (1), clamped. */
function shade(v: number): string {
  const t = Math.max(0, Math.min(1, v));
  const ch = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${ch(247, 8)},${ch(251, 48)},${ch(255, 107)})`;
}

/** Renders `h` as a standalone SVG document: one cell per pair, its value as a percentage inside. */
export function heatmapSvg(h: Heatmap): string {
  const n = h.labels.length, cell = 64, left = 8 + 7 * Math.max(...h.labels.map((l) => l.length)), top = 40;
  const longest = Math.max(...h.labels.map((l) => l.length));
  const width = Math.max(left + n * cell + 16, 16 + 8.5 * h.title.length), height = top + n * cell + 6 * longest + 24;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<text x="8" y="20" font-size="14" font-weight="bold">${escapeXml(h.title)}</text>`,
  ];
  h.labels.forEach((label, i) => {
    const y = top + i * cell + cell / 2 + 4, x = left + i * cell + cell / 2;
    parts.push(`<text x="${left - 6}" y="${y}" text-anchor="end">${escapeXml(label)}</text>`);
    parts.push(`<text x="${x}" y="${top + n * cell + 8}" text-anchor="end" transform="rotate(-60 ${x} ${top + n * cell + 8})">${escapeXml(label)}</text>`);
  });
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const v = h.values[r]?.[c] ?? null, x = left + c * cell, y = top + r * cell;
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${v === null ? "#ddd" : shade(v)}" stroke="#fff"/>`);
      if (v !== null) {
        parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" fill="${v > 0.5 ? "#fff" : "#000"}">${(100 * v).toFixed(1)}%</text>`);
      }
    }
  }
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
