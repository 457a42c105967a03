/**
 * The dashboard page: one HTML document with its CSS and JavaScript inline, no framework and
 * nothing fetched from elsewhere. The script reads /dashboard.json once, then keeps the experiments,
 * the gallery and the figures current from /events (server-sent events). Every value from the
 * server is put in with textContent or as an attribute, never as HTML.
 */
export const dashboardPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>chimera serve</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #f6f6f4; }
  header { background: #23303d; color: #fff; padding: 10px 20px; display: flex; gap: 20px; align-items: baseline; }
  header h1 { font-size: 18px; margin: 0; }
  #live { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: #777; }
  #live[data-state="open"] { background: #2e7d32; }
  #live[data-state="error"] { background: #c62828; }
  main { padding: 8px 20px 20px; display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.3fr); gap: 0 24px; }
  section { margin-top: 12px; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 15px; margin: 8px 0 6px; border-bottom: 1px solid #ccc; }
  table { border-collapse: collapse; width: 100%; background: #fff; }
  th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #e4e4e4; font-size: 13px; }
  th { background: #eceae6; }
  td[title] { max-width: 360px; overflow: hidden; text-overflow: ellipsis; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .note { color: #666; font-size: 12px; margin: 4px 0; }
  .bar { width: 120px; height: 10px; background: #ddd; display: inline-block; vertical-align: middle; }
  .bar > span { display: block; height: 100%; background: #1f77b4; }
  .status-running { color: #1565c0; font-weight: 600; }
  .status-finished { color: #2e7d32; }
  .status-stopped { color: #8d6e00; }
  #gallery { display: flex; flex-wrap: wrap; gap: 10px; }
  .chimera { background: #fff; border: 1px solid #ddd; padding: 6px; font-size: 12px; width: 190px; }
  td.wrap { white-space: normal; max-width: 330px; }
  .chimera img { width: 84px; height: 84px; image-rendering: pixelated; border: 1px solid #ccc; }
  .chimera .missing { width: 84px; height: 84px; font-size: 10px; color: #777; border: 1px dashed #ccc; overflow: hidden; }
  .chimera .pair { display: flex; gap: 6px; }
  .chimera .labels span { display: inline-block; margin-right: 6px; }
  #figures img { max-width: 48%; background: #fff; border: 1px solid #ddd; margin: 4px; }
</style>
</head>
<body>
<header><h1>chimera serve</h1><span id="cpu">…</span><span id="live" data-state="connecting">connecting</span><span id="updates" data-count="0"></span></header>
<main>
<section class="wide"><h2>Experiments</h2><table><thead><tr><th>folder</th><th>run</th><th>backends</th><th>status</th><th>progress</th><th>records</th><th>Chimeras</th><th>rate</th><th>ETA</th></tr></thead><tbody id="experiments"></tbody></table><p class="note" id="experiments-note"></p></section>
<section class="wide"><h2>Chimera gallery: source | Chimera, and the label on each backend</h2><p class="note" id="gallery-note"></p><div id="gallery"></div></section>
<section><h2>Backends</h2><table><thead><tr><th>id</th><th>kind</th><th>library</th><th>version</th><th>threads</th></tr></thead><tbody id="backends"></tbody></table><p class="note" id="backends-note"></p></section>
<section><h2>Fidelity: emulation vs real library (bit-identical outputs)</h2><table><thead><tr><th>emulation</th><th>real library</th><th>bit-identical</th><th>worst region</th></tr></thead><tbody id="fidelity"></tbody></table><p class="note" id="fidelity-source"></p></section>
<section class="wide"><h2>Figures</h2><div id="figures"></div></section>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const GALLERY = 10; // the latest Chimeras shown
function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  return e;
}
function row(cells, attrs) {
  const tr = el("tr", null, attrs);
  for (const c of cells) tr.append(c instanceof Node ? wrap(c) : el("td", c));
  return tr;
}
function cellWrap(tr, k, title) {
  tr.children[k].className = "wrap";
  if (title) tr.children[k].title = title;
  return tr;
}
function wrap(node) { const td = el("td"); td.append(node); return td; }
const pct = (v) => (100 * v).toFixed(v === 1 ? 0 : 2) + "%";
function duration(s) {
  if (s === null || s === undefined) return "-";
  if (s < 90) return Math.round(s) + " s";
  if (s < 5400) return Math.round(s / 60) + " min";
  return (s / 3600).toFixed(1) + " h";
}
function showBackends(d) {
  $("cpu").textContent = d.cpu.model + " · " + d.cpu.cores + " cores · " + d.cpu.arch;
  const tb = $("backends"); tb.replaceChildren();
  for (const b of d.backends) tb.append(row([b.id, b.kind, b.library, b.version, b.threads], { "data-backend": b.id }));
  $("backends-note").textContent = d.backends.length ? "served as remote:" + location.origin + "/ID" : "no backends served (chimera serve --backends A,B to serve some)";
}
function showFidelity(f) {
  const tb = $("fidelity"); tb.replaceChildren();
  if (f.problem) { $("fidelity-source").textContent = f.source + ": " + f.problem; return; }
  for (const r of f.reports) {
    const worst = r.regions.slice().sort((a, b) => a.bitIdentical - b.bitIdentical)[0];
    if (r.real === null) { tb.append(row([r.id, "not run here: " + (r.reason || "no real library").slice(0, 40) + "…", "-", "-"], { title: r.reason || "" })); continue; }
    tb.append(row([r.id, r.real, pct(r.bitIdentical), worst && worst.bitIdentical < 1 ? worst.region + " " + pct(worst.bitIdentical) : "-"]));
  }
  $("fidelity-source").textContent = "from " + f.source + " (chimera fidelity --json: suite " + f.suite + ", seed " + f.seed + ", scale " + f.scale + ")";
}
function showResults(views) {
  const tb = $("experiments"); tb.replaceChildren();
  let total = 0;
  for (const v of views) {
    total += v.records;
    const bar = el("span", null, { class: "bar" }), fill = el("span");
    // Without plan.json (folders written before runs wrote one) the size is unknown: full once finished, else empty.
    fill.style.width = v.planned ? Math.min(100, 100 * v.records / v.planned).toFixed(1) + "%" : v.status === "finished" ? "100%" : "0";
    bar.append(fill);
    const status = el("span", v.status, { class: "status-" + v.status });
    const tr = row([v.path.split("/").slice(-2).join("/"), v.kind + (v.shard ? " shard " + v.shard : ""), v.backends.join(", "), status, bar,
      v.records + (v.planned === null ? "" : " / " + v.planned), v.found,
      v.perMinute === null ? "-" : v.perMinute.toFixed(1) + "/min", v.status === "running" ? duration(v.etaSeconds) : "-"],
      { "data-folder": v.id, "data-records": v.records, "data-status": v.status });
    cellWrap(tr, 0, v.path);
    cellWrap(tr, 2);
    tb.append(tr);
  }
  tb.setAttribute("data-total", total);
  $("experiments-note").textContent = views.length ? "" : "no results folders (chimera serve --results DIR)";
  const g = $("gallery"); g.replaceChildren();
  const shown = views.flatMap((v) => v.chimeras.map((c) => [v, c])).slice(-GALLERY);
  $("gallery-note").textContent = shown.length ? "the latest " + shown.length + " Chimeras found" : "no Chimera found yet";
  for (const [v, c] of shown) {
    const card = el("div", null, { class: "chimera", "data-sample": c.sample });
    const base = "/results/" + encodeURIComponent(v.id) + "/images/" + encodeURIComponent(c.file) + "/" + c.sample + "/";
    const pair = el("div", null, { class: "pair" });
    const source = el("img", null, { src: base + "source.png", alt: "source " + c.sample, title: "source, true class " + c.trueLabel });
    // The server has no source when the folder pins no data digest or its data set is not installed here.
    source.addEventListener("error", () => source.replaceWith(el("div", "source not here: its data set is not installed, or the folder pins no data digest", { class: "missing" })));
    pair.append(source, el("img", null, { src: base + "chimera.png", alt: "Chimera " + c.sample, title: "Chimera" }));
    const labels = el("div", null, { class: "labels" });
    c.backends.forEach((b, i) => labels.append(el("span", b + ": " + c.labels[i], { title: b })));
    const dist = c.distances ? "L∞ " + c.distances.linf + ", L2 " + c.distances.l2.toFixed(1) + ", L0 " + c.distances.l0 + " px" : "";
    card.append(pair, el("div", "sample " + c.sample + " (class " + c.trueLabel + ")"), labels, el("div", dist, { class: "note" }));
    g.append(card);
  }
  const figs = $("figures"); figs.replaceChildren();
  for (const v of views) for (const f of v.figures) {
    figs.append(el("img", null, { src: "/results/" + encodeURIComponent(v.id) + "/figures/" + encodeURIComponent(f), alt: f + " of " + v.path }));
  }
}
fetch("/dashboard.json").then((r) => r.json()).then((d) => {
  showBackends(d); showFidelity(d.fidelity); showResults(d.results);
  const es = new EventSource("/events");
  es.addEventListener("open", () => { $("live").dataset.state = "open"; $("live").textContent = "live"; });
  es.addEventListener("error", () => { $("live").dataset.state = "error"; $("live").textContent = "reconnecting"; });
  es.addEventListener("results", (e) => {
    showResults(JSON.parse(e.data));
    const u = $("updates"); u.dataset.count = String(Number(u.dataset.count) + 1);
    u.textContent = "updated " + new Date().toLocaleTimeString();
  });
}).catch((e) => { $("live").dataset.state = "error"; $("live").textContent = "cannot read /dashboard.json: " + e; });
</script>
</body>
</html>
`;
