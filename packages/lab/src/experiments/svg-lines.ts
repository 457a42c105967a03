import { escapeXml } from "./svg-heatmap.js";

/** Named curves y(x) over a shared log-scaled x axis, y in [0, 1]. */
export interface LogLineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  x: readonly number[];
  series: readonly { name: string; y: readonly number[] }[];
}

const palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

/** Renders `c` as a standalone SVG document: axes with decade ticks, one polyline and legend entry per series. */
export function logLineChartSvg(c: LogLineChart): string {
  // the legend sits below the axes, one line per series, so long backend names are never cut
  const w = 640, left = 60, right = 20, top = 40, pw = w - left - right, ph = 280, h = top + ph + 50 + 16 * c.series.length;
  const lo = Math.log10(Math.min(...c.x)), hi = Math.log10(Math.max(...c.x));
  const px = (x: number) => left + (hi > lo ? (Math.log10(x) - lo) / (hi - lo) : 0.5) * pw;
  const py = (y: number) => top + (1 - Math.max(0, Math.min(1, y))) * ph;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">${escapeXml(c.title)}</text>`,
    `<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#000"/>`,
  ];
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) {
    parts.push(`<line x1="${px(10 ** e)}" y1="${top + ph}" x2="${px(10 ** e)}" y2="${top + ph + 5}" stroke="#000"/>`);
    parts.push(`<text x="${px(10 ** e)}" y="${top + ph + 18}" text-anchor="middle">1e${e}</text>`);
  }
  for (const y of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${left - 5}" y1="${py(y)}" x2="${left}" y2="${py(y)}" stroke="#000"/>`);
    parts.push(`<text x="${left - 8}" y="${py(y) + 4}" text-anchor="end">${y}</text>`);
  }
  parts.push(`<text x="${left + pw / 2}" y="${top + ph + 36}" text-anchor="middle">${escapeXml(c.xLabel)}</text>`);
  parts.push(`<text x="14" y="${top + ph / 2}" text-anchor="middle" transform="rotate(-90 14 ${top + ph / 2})">${escapeXml(c.yLabel)}</text>`);
  c.series.forEach((s, k) => {
    const color = palette[k % palette.length]!;
    const points = c.x.map((x, i) => `${px(x).toFixed(1)},${py(s.y[i] ?? 0).toFixed(1)}`).join(" ");
    parts.push(`<polyline points="${points}" fill="none" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${left}" y="${top + ph + 60 + 16 * k}" fill="${color}">— ${escapeXml(s.name)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
