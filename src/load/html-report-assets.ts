/**
 * The CSS and the inline script of the load report page (see html-report.ts). Both are plain
 * strings so the report stays one self-contained file. The script reads the summary JSON from
 * `<script type="application/json" id="summary">` and draws the charts with uPlot (inlined before it).
 */

export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1f2937; --muted: #6b7280; --line: #e5e7eb; --bg: #fff; --band: #f9fafb;
  --pass: #15803d; --fail: #b91c1c; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: var(--fg); background: var(--bg); }
header, main, footer { max-width: 80rem; margin: 0 auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin: 1rem 0 0.25rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem; border-bottom: 1px solid var(--line); padding-bottom: 0.25rem; }
.meta { color: var(--muted); margin: 0 0 1rem; overflow-wrap: anywhere; }
.totals { display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: 0.5rem; margin: 0; }
.totals div { background: var(--band); border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 0.75rem; }
.totals dt { color: var(--muted); font-size: 0.8rem; }
.totals dd { margin: 0; font-size: 1.15rem; font-weight: 600; font-variant-numeric: tabular-nums;
  overflow-wrap: anywhere; }
.verdict { font-weight: 600; margin: 1rem 0 0; }
.pass { color: var(--pass); }
.fail { color: var(--fail); }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.9rem; }
caption { text-align: left; color: var(--muted); padding: 0.25rem 0; caption-side: top; }
th, td { padding: 0.3rem 0.6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--band); white-space: nowrap; }
tbody th { font-weight: 500; min-width: 8rem; max-width: 24rem; overflow-wrap: break-word; }
td.num, thead th.num { text-align: right; white-space: nowrap; }
tbody tr:nth-child(even) { background: var(--band); }
/* The name column stays in view while a wide table scrolls sideways on a phone. */
tbody th, thead th:first-child { position: sticky; left: 0; z-index: 1; background: var(--bg); }
thead th:first-child, tbody tr:nth-child(even) th { background: var(--band); }
.table-wrap + .charts { margin-top: 1.5rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 30rem), 1fr)); gap: 1rem; }
figure { margin: 0; min-width: 0; }
figcaption { font-weight: 600; margin-bottom: 0.25rem; }
.chart { min-width: 0; width: 100%; min-height: 2rem; }
.chart .u-legend { font-size: 12px; }
.empty { color: var(--muted); }
footer { color: var(--muted); font-size: 0.8rem; margin: 2rem auto 1rem; }
`;

export const REPORT_SCRIPT = `
(function () {
  "use strict";
  var summary = JSON.parse(document.getElementById("summary").textContent);
  var points = summary.timeSeries || [];
  var colors = ["#16a34a", "#2563eb", "#d97706", "#dc2626", "#7c3aed"];
  var height = 240;
  var charts = [];

  function column(key) {
    return points.map(function (p) { return p[key]; });
  }
  function widthOf(el) {
    return Math.max(200, Math.floor(el.clientWidth));
  }
  function line(label, i, extra) {
    var s = { label: label, stroke: colors[i % colors.length], width: 1.5 };
    for (var k in extra || {}) s[k] = extra[k];
    return s;
  }
  function draw(id, opts, data) {
    var el = document.getElementById(id);
    if (!el) return;
    if (!data[0] || data[0].length === 0) {
      el.textContent = "No data.";
      el.className += " empty";
      return;
    }
    opts.width = widthOf(el);
    opts.height = height;
    charts.push({ el: el, plot: new uPlot(opts, data, el) });
  }
  function overTime(yLabel, labels) {
    return {
      scales: { x: { time: false } },
      axes: [{ label: "seconds" }, { label: yLabel }],
      series: [{ label: "t (s)" }].concat(labels.map(function (l, i) { return line(l, i); })),
    };
  }

  draw("chart-latency", overTime("ms", ["p50", "p90", "p99", "max"]),
    [column("t"), column("p50"), column("p90"), column("p99"), column("max")]);
  draw("chart-throughput", overTime("per second", ["requests/s", "journeys/s", "errors/s"]),
    [column("t"), column("rps"), column("journeys"), column("errors")]);

  var open = summary.model && summary.model.kind === "open";
  var activeLabels = [open ? "in flight" : "active users"];
  var activeData = [column("t"), column("active")];
  if (open) {
    activeLabels.push("dropped/s");
    activeData.push(column("dropped"));
  }
  draw("chart-active", overTime(open ? "journeys" : "users", activeLabels), activeData);

  var buckets = summary.distribution || [];
  var bounds = buckets.map(function (b) { return b[0]; });
  var counts = buckets.map(function (b) { return b[1]; });
  var logX = bounds.length > 1 && bounds.every(function (b) { return b > 0; });
  draw("chart-distribution", {
    scales: { x: { time: false, distr: logX ? 3 : 1 } },
    axes: [{ label: "latency (ms, bucket upper bound)" }, { label: "requests" }],
    series: [
      { label: "≤ ms" },
      line("requests", 1, { fill: "rgba(37, 99, 235, 0.25)", paths: uPlot.paths.stepped({ align: -1 }) }),
    ],
  }, [bounds, counts]);

  var pending = 0;
  window.addEventListener("resize", function () {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () {
      charts.forEach(function (c) { c.plot.setSize({ width: widthOf(c.el), height: height }); });
    });
  });
})();
`;
