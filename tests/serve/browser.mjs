// tests/browser/serve.mjs: khaldun serve's pages in headless Chromium (Debian's chromium,
// driven by puppeteer-core from npm), against a running server on the example store.
//
//   node tests/browser/serve.mjs BASE_URL SCREENSHOT_DIR
//
// Opens each page and checks what a person sees against the JSON API:
//   overview   the top actors and codes tables have the API's rows
//   timeline   the plotted points (counts, mean Goldstein, stacked QuadClasses) are the
//              API's series, for a filter given in the URL, by month and by day
//   network    the nodes and edges are the API's for the filter, edge colours by Goldstein
//   map        the basemap is drawn, and each marker sits at its place's coordinates
//   table      the rows are the API's events in order; the filter form puts the filter in
//              the URL and the rows follow it; export links carry the filter; a row click
//              shows the evidence with source, target and verb highlighted exactly where the
//              stored byte spans say, on a sentence with non-ASCII text before the spans
//   injection  a story holding <script> and <img onerror> shows as text in the table and the
//              evidence view, and runs nothing
// On every page: no console error, no page error, and no request to anything but the server
// (the browser also has every other host mapped to nowhere). Screenshots go to SCREENSHOT_DIR.
// Prints "ok serve/browser/NAME" or "FAIL serve/browser/NAME (why)" lines; render times
// are printed for the record, never asserted.
import puppeteer from "puppeteer-core";
import fs from "node:fs";

const [base, shots] = process.argv.slice(2);
const origin = new URL(base).origin;
const T = "serve/browser";
let failures = 0;
const ok = (name, note) => console.log(`ok   ${T}/${name}${note ? " (" + note + ")" : ""}`);
const fail = (name, why) => { failures++; console.log(`FAIL ${T}/${name} (${why})`); };
const check = (name, cond, why, note) => (cond ? ok(name, note) : fail(name, why));
const api = async (path) => {
  const r = await fetch(base + "api/" + path);
  if (!r.ok) throw new Error(`api/${path}: HTTP ${r.status}`);
  return r.json();
};
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

const exe = fs.existsSync("/usr/lib/chromium/chromium") ? "/usr/lib/chromium/chromium" : "/usr/bin/chromium";
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || exe,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
});
const outside = [];
const problems = [];
const times = [];

async function open(name, path) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  page.on("console", (m) => { if (m.type() === "error") problems.push(`${name}: console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`${name}: page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`${name}: request failed: ${r.url()}`));
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(origin + "/") && !u.startsWith("data:")) outside.push(`${name}: ${u}`);
  });
  const t0 = Date.now();
  await page.goto(base + path, { waitUntil: "load" });
  await page.waitForFunction(() => window.khaldunReady === true, { timeout: 20000 });
  times.push(`${name} ${Date.now() - t0} ms`);
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

try {
  // --- overview ---
  {
    const page = await open("index", "index.html");
    const want = await api("top?by=actors");
    const got = await page.$$eval("#top-actors tr td:first-child", (tds) => tds.map((t) => t.textContent));
    check("index", same(got, want.rows.map((r) => r.key)), `actors ${got} vs ${want.rows.map((r) => r.key)}`,
          `${got.length} actors`);
    await shot(page, "index");
    await page.close();
  }
  // --- timeline: the URL's filter and period, points against the API ---
  for (const [name, query] of [["timeline", "period=month"], ["timeline-filter", "actor=IRN*&period=day"]]) {
    const page = await open(name, "timeline.html?" + query);
    const want = await api("series?" + query);
    const got = await page.evaluate(() => {
      const t = window.khaldunTimeline;
      return { x: t.goldPlot.data[0], n: t.goldPlot.data[1], g: t.goldPlot.data[2],
               top: t.quadPlot.data[1], q1: t.quadPlot.data[4] };
    });
    const wx = want.series.map((r) => {
      const [y, m, d] = r.period.split("-").map(Number);
      return Date.UTC(y, (m || 1) - 1, d || 1) / 1000;
    });
    const good = same(got.x, wx) && same(got.n, want.series.map((r) => r.events)) &&
      same(got.g, want.series.map((r) => r.goldstein_mean)) &&
      same(got.top, want.series.map((r) => r.events)) && same(got.q1, want.series.map((r) => r.quad[0]));
    check(name, good && want.series.length > 0, `plotted ${JSON.stringify(got)} vs ${JSON.stringify(want.series)}`,
          `${want.series.length} points`);
    await shot(page, name);
    await page.close();
  }
  // --- network ---
  for (const [name, query] of [["network", ""], ["network-filter", "actor=IRN*"]]) {
    const page = await open(name, "network.html?" + query);
    const want = await api("network?" + query);
    const got = await page.evaluate(() => {
      const cy = window.khaldunNetwork.cy;
      return { nodes: cy.nodes().map((n) => n.id()).sort(),
               edges: cy.edges().map((e) => e.data("source") + ">" + e.data("target") + ":" + e.style("line-color")).sort() };
    });
    const colour = (g) => page.evaluate((v) => khGoldsteinColour(v), g);
    const wantEdges = [];
    for (const e of want.edges) wantEdges.push(e.source + ">" + e.target + ":" + await colour(e.goldstein_mean));
    wantEdges.sort();
    const good = same(got.nodes, want.nodes.map((n) => n.id).sort()) && same(got.edges, wantEdges);
    check(name, good && got.nodes.length > 0, `drawn ${JSON.stringify(got)} vs ${JSON.stringify(wantEdges)}`,
          `${got.nodes.length} nodes, ${got.edges.length} edges`);
    await shot(page, name);
    await page.close();
  }
  // --- map ---
  {
    const page = await open("map", "map.html");
    const want = await api("places");
    const got = await page.evaluate(() => ({
      markers: window.khaldunMap.markers.map((m) => [m.marker.getLatLng().lat, m.marker.getLatLng().lng]),
      paths: document.querySelectorAll("#map path").length
    }));
    const good = same(got.markers, want.places.map((p) => [p.lat, p.lon])) && got.paths > 100;
    check("map", good && want.places.length > 0, `markers ${JSON.stringify(got)} vs ${JSON.stringify(want.places)}`,
          `${got.markers.length} markers, ${got.paths} paths`);
    await shot(page, "map");
    await page.close();
  }
  // --- table: rows, filter form and URL, exports, evidence with non-ASCII spans ---
  {
    const page = await open("table", "table.html");
    const want = await api("events?limit=100&offset=0");
    const ids = await page.evaluate(() => window.khaldunTable.table.getData().map((r) => r.id));
    check("table", same(ids, want.events.map((e) => e.id)), `rows ${ids} vs ${want.events.map((e) => e.id)}`,
          `${ids.length} rows`);
    // The filter form: actor and QuadClass into the URL, and the rows follow.
    await page.type("#filters input[name=actor]", "IRN*");
    await page.select("#filters select[name=quad]", "1");
    await Promise.all([page.waitForNavigation(), page.click("#filters button[type=submit]")]);
    await page.waitForFunction(() => window.khaldunReady === true, { timeout: 20000 });
    const url = new URL(page.url());
    const fwant = await api("events?actor=IRN*&quad=1&limit=100&offset=0");
    const frows = await page.evaluate(() => window.khaldunTable.table.getData().map((r) => r.id));
    const exportHref = await page.$eval("#export-csv", (a) => a.getAttribute("href"));
    check("table-filter", url.searchParams.get("actor") === "IRN*" && url.searchParams.get("quad") === "1" &&
          same(frows, fwant.events.map((e) => e.id)) && frows.length > 0 &&
          fwant.events.every((e) => e.quad === 1 && (e.source.startsWith("IRN") || (e.target || "").startsWith("IRN"))) &&
          (exportHref.includes("actor=IRN*") || exportHref.includes("actor=IRN%2A")),
          `url ${page.url()} rows ${frows} export ${exportHref}`, `${frows.length} rows`);
    await page.close();
  }
  {
    // A sentence whose spans come after curly quotes and an accented letter.
    // A sentence with non-ASCII text before its target's span, so byte offsets and string
    // indexes differ there.
    const all = await api("events?limit=1000");
    let target = null, ev = null;
    for (const e of all.events) {
      if (!e.target || !/[^\x00-\x7f]/.test(e.text || "")) continue;
      const full = await api("event?id=" + e.id);
      const m0 = full.evidence[0];
      if (!m0.spans.target) continue;
      const before = Buffer.from(m0.text, "utf8").subarray(0, m0.spans.target[0] - m0.spans.text[0]);
      if (before.some((b) => b >= 0x80)) { target = e; ev = full; break; }
    }
    if (!target) throw new Error("no event with non-ASCII text before its target in the store");
    const page = await open("table-evidence", "table.html");
    const row = await page.evaluateHandle((id) => {
      const el = window.khaldunTable.table.getRow(id).getElement();
      el.scrollIntoView();
      return el.querySelector(".tabulator-cell");
    }, target.id);
    await row.click();
    await page.waitForFunction(() => window.khaldunEvidence && document.querySelectorAll("#mentions mark").length > 0,
                               { timeout: 10000 });
    const marks = await page.$$eval("#mentions div.mention:first-of-type mark", (ms) => ms.map((m) => [m.dataset.role, m.textContent]));
    // The expected words, cut from the sentence's UTF-8 bytes here, independently of the page.
    const m = ev.evidence[0];
    const bytes = Buffer.from(m.text, "utf8");
    const cut = (span) => bytes.subarray(span[0] - m.spans.text[0], span[1] - m.spans.text[0]).toString("utf8");
    const wantMarks = {};
    for (const r of ["source", "target", "verb"]) if (m.spans[r]) wantMarks[r] = cut(m.spans[r]);
    const gotMarks = {};
    for (const [r, t] of marks) gotMarks[r] = (gotMarks[r] || "") + t;
    // Where spans overlap the source wins, then the target: compare each role's own words.
    let good = marks.length > 0;
    for (const [r, t] of Object.entries(gotMarks)) good = good && wantMarks[r] && wantMarks[r].includes(t);
    good = good && gotMarks.source === wantMarks.source;
    const plain = await page.$eval("#mentions div.mention:first-of-type .sentence", (d) => d.textContent);
    check("evidence-highlight", good && plain === m.text,
          `marks ${JSON.stringify(gotMarks)} vs ${JSON.stringify(wantMarks)} in ${m.text}`,
          `event ${target.id}: ${Object.entries(gotMarks).map(([r, t]) => r + "=" + t).join(", ")}`);
    await shot(page, "table");
    await page.close();
  }
  // --- injection: markup in a story is text ---
  {
    const page = await open("injection", "table.html?text=khPwned");
    const want = await api("events?text=khPwned");
    await page.click(".tabulator-row");
    await page.waitForFunction(() => window.khaldunEvidence, { timeout: 10000 });
    const got = await page.evaluate(() => ({
      pwned: window.khPwned,
      imgs: document.querySelectorAll("#table img, #mentions img").length,
      scripts: document.querySelectorAll("#table script, #mentions script").length,
      cell: [...document.querySelectorAll(".tabulator-cell")].map((c) => c.textContent).find((t) => t.includes("<script>")),
      evidence: document.querySelector("#mentions .sentence").textContent
    }));
    check("injection", want.events.length === 1 && got.pwned === undefined && got.imgs === 0 && got.scripts === 0 &&
          got.cell === want.events[0].text && got.evidence === want.events[0].text,
          JSON.stringify(got), "shown as text, nothing ran");
    await page.close();
  }
} catch (e) {
  fail("run", e.stack.split("\n").slice(0, 3).join(" | "));
}
await browser.close();
check("console", problems.length === 0, problems.slice(0, 5).join("; "));
check("offline", outside.length === 0, "requests left the server: " + outside.slice(0, 5).join("; "),
      "every request went to " + origin);
console.log(`    render (until the page's data is drawn, not asserted): ${times.join(", ")}`);
process.exit(failures ? 1 : 0);
