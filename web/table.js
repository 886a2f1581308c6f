/*
 * table.js: the events of the current filter, a page at a time, in a
 * Tabulator table (sortable). A row opens its evidence: every sentence that
 * reports the event, with the source, target and verb highlighted from the
 * stored byte spans, converted to string indexes (UTF-16) for non-ASCII text.
 */
"use strict";

const PAGE = 100;

/* The string index in s (UTF-16 code units) of the character that starts at
 * UTF-8 byte offset `bytes` of s; s.length when past the end. */
function byteToIndex(s, bytes) {
  let b = 0;
  for (let i = 0; i < s.length;) {
    if (b >= bytes) return i;
    const cp = s.codePointAt(i);
    b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp > 0xffff ? 2 : 1;
  }
  return s.length;
}

/* The sentence as text nodes and <mark> runs. Spans are [start, end) bytes
 * in the story; the sentence starts at spans.text[0]. */
function highlighted(m) {
  const s = m.text || "";
  const base = m.spans.text ? m.spans.text[0] : 0;
  const role = new Array(s.length).fill("");
  for (const r of ["verb", "target", "source"]) {
    const span = m.spans[r];
    if (!span) continue;
    const a = byteToIndex(s, span[0] - base), z = byteToIndex(s, span[1] - base);
    for (let i = a; i < z; i++) role[i] = r;
  }
  const out = khEl("div", { class: "sentence" });
  let i = 0;
  while (i < s.length) {
    let j = i;
    while (j < s.length && role[j] === role[i]) j++;
    const piece = s.slice(i, j);
    if (role[i]) out.appendChild(khEl("mark", { class: "hl-" + role[i], "data-role": role[i] }, piece));
    else out.appendChild(document.createTextNode(piece));
    i = j;
  }
  return out;
}

async function showEvidence(id) {
  const box = document.getElementById("mentions");
  box.textContent = "";
  try {
    const e = await khApi("event", new URLSearchParams({ id: String(id) }));
    box.appendChild(khEl("p", {}, e.date + "  " + e.source + (e.source_name ? " (" + e.source_name + ")" : "") +
      " → " + (e.target || "-") + (e.target_name ? " (" + e.target_name + ")" : "") + "  " + e.code +
      " " + (e.code_name || "") + "  Goldstein " + e.goldstein));
    for (const m of e.evidence || []) {
      const div = khEl("div", { class: "mention" });
      div.appendChild(khEl("div", { class: "meta" }, (m.publisher || m.story) + ", " + (m.date || "undated") +
        ", sentence " + m.sentence + " (" + m.kind + "), pattern " + (m.pattern || "-")));
      div.appendChild(highlighted(m));
      box.appendChild(div);
    }
    window.khaldunEvidence = e;
  } catch (err) {
    box.appendChild(khEl("p", { class: "error" }, err.message));
  }
}

/* A cell as plain text: never markup. */
function textCell(cell) {
  const v = cell.getValue();
  const span = document.createElement("span");
  span.textContent = v === null || v === undefined ? "" : String(v);
  return span;
}

async function main() {
  khChrome("table");
  const offset = Number(khParam("offset", "0")) || 0;
  const p = khFilter();
  p.set("limit", String(PAGE));
  p.set("offset", String(offset));
  let page;
  try {
    page = await khApi("events", p);
  } catch (e) {
    khStatus(e.message, true);
    window.khaldunReady = true;
    return;
  }
  const rows = page.events.map((e) => ({
    id: e.id, date: e.date, source: e.source, target: e.target, code: e.code, name: e.code_name,
    quad: e.quad, goldstein: e.goldstein, mentions: e.num_mentions,
    place: e.place ? e.place.name : "", text: e.text }));
  const col = (title, field, extra) => Object.assign({ title, field, formatter: textCell }, extra || {});
  const table = new Tabulator("#table", {
    data: rows, layout: "fitDataStretch", index: "id", selectableRows: 1,
    columns: [col("date", "date"), col("source", "source"), col("target", "target"), col("code", "code"),
              col("event", "name"), col("Q", "quad", { sorter: "number" }),
              col("Goldstein", "goldstein", { sorter: "number" }), col("mentions", "mentions", { sorter: "number" }),
              col("place", "place"), col("evidence", "text", { widthGrow: 3 })]
  });
  table.on("rowClick", (ev, row) => showEvidence(row.getData().id));
  table.on("tableBuilt", () => { window.khaldunReady = true; });
  window.khaldunTable = { table, page };
  khStatus("Events " + (page.count ? offset + 1 : 0) + "–" + (offset + page.count) + (page.more ? " (more follow)" : "") + ".");
  const go = (o) => { const url = new URLSearchParams(window.location.search); url.set("offset", String(o)); window.location.search = url.toString(); };
  const prev = document.getElementById("prev"), next = document.getElementById("next");
  prev.disabled = offset === 0;
  next.disabled = !page.more;
  prev.addEventListener("click", () => go(Math.max(0, offset - PAGE)));
  next.addEventListener("click", () => go(offset + PAGE));
}
main();
