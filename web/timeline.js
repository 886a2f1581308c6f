/*
 * timeline.js: a dyad's, actor's or code's events over time (the filter),
 * per day, week, month or year: events per QuadClass stacked, and the count
 * with the mean Goldstein score, drawn with uPlot from /api/series.
 */
"use strict";

const QUADS = ["verbal cooperation", "material cooperation", "verbal conflict", "material conflict"];
const QUAD_COLOURS = ["#7fb3e6", "#2f6db5", "#f2a36b", "#c0392b"];

/* A period ("YYYY", "YYYY-MM", "YYYY-MM-DD") as Unix seconds at its start, UTC. */
function periodTime(p) {
  const [y, m, d] = p.split("-").map(Number);
  return Date.UTC(y, (m || 1) - 1, d || 1) / 1000;
}

function chartWidth(id) {
  return Math.max(400, document.getElementById(id).clientWidth || 800);
}

function draw(series) {
  const x = series.map((r) => periodTime(r.period));
  /* Stacked: each line is the sum of the QuadClasses up to it; bands fill between. */
  const stacks = [];
  let acc = x.map(() => 0);
  for (let q = 0; q < 4; q++) {
    acc = acc.map((v, i) => v + series[i].quad[q]);
    stacks.push(acc.slice());
  }
  /* Drawn from the top of the stack down, with opaque fills, so each band
   * shows one QuadClass; the legend shows each class's own count. */
  const order = [3, 2, 1, 0];
  const quadOpts = {
    width: chartWidth("quad-chart"), height: 300,
    series: [{}].concat(order.map((q) => ({
      label: String(q + 1) + " " + QUADS[q], stroke: QUAD_COLOURS[q], fill: QUAD_COLOURS[q],
      value: (u, v, si, i) => (i === null || i === undefined ? "" : series[i].quad[q]) }))),
    axes: [{}, { label: "events" }]
  };
  const quadPlot = new uPlot(quadOpts, [x].concat(order.map((q) => stacks[q])),
                             document.getElementById("quad-chart"));
  const goldOpts = {
    width: chartWidth("gold-chart"), height: 260,
    series: [{}, { label: "events", stroke: "#2f5d8a", width: 2, scale: "n" },
             { label: "mean Goldstein", stroke: "#8a2f5d", width: 2, scale: "g", dash: [6, 4] }],
    scales: { g: { range: [-10, 10] } },
    axes: [{}, { scale: "n", label: "events" }, { scale: "g", side: 1, label: "Goldstein", grid: { show: false } }]
  };
  const goldPlot = new uPlot(goldOpts, [x, series.map((r) => r.events), series.map((r) => r.goldstein_mean)],
                             document.getElementById("gold-chart"));
  window.khaldunTimeline = { series, quadPlot, goldPlot };
}

async function main() {
  khChrome("timeline");
  const period = khParam("period", "month");
  const sel = document.getElementById("period");
  sel.value = period;
  sel.addEventListener("change", () => {
    const url = new URLSearchParams(window.location.search);
    url.set("period", sel.value);
    window.location.search = url.toString();
  });
  try {
    const p = khFilter();
    p.set("period", period);
    const s = await khApi("series", p);
    const total = s.series.reduce((a, r) => a + r.events, 0);
    khStatus(total + " events in " + s.series.length + " " + s.period + "s" +
             (s.undated ? " (" + s.undated + " without a date, not shown)" : "") + ".");
    if (s.series.length) draw(s.series);
    else window.khaldunTimeline = { series: [] };
  } catch (e) {
    khStatus(e.message, true);
  }
  window.khaldunReady = true;
}
main();
