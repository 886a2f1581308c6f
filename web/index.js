/* index.js: the overview: store counts and the top actors and codes for the filter. */
"use strict";

function topTable(id, rows, withName) {
  const t = document.getElementById(id);
  const head = khEl("tr");
  for (const h of (withName ? ["code", "name"] : ["actor"]).concat(["events", "mentions", "mean Goldstein"])) {
    head.appendChild(khEl("th", {}, h));
  }
  t.appendChild(head);
  for (const r of rows) {
    const tr = khEl("tr");
    const key = khEl("td");
    const p = khFilter();
    p.set(withName ? "code" : "actor", r.key);
    key.appendChild(khEl("a", { href: "table.html?" + p.toString() }, r.key));
    tr.appendChild(key);
    if (withName) tr.appendChild(khEl("td", {}, r.name));
    tr.appendChild(khEl("td", { class: "num" }, r.events));
    tr.appendChild(khEl("td", { class: "num" }, r.mentions));
    tr.appendChild(khEl("td", { class: "num" }, r.goldstein_mean.toFixed(2)));
    t.appendChild(tr);
  }
}

async function main() {
  khChrome("index");
  try {
    const f = khFilter();
    const [info, actors, codes] = await Promise.all([
      khApi("info"), khApi("top", new URLSearchParams(f.toString() + "&by=actors")),
      khApi("top", new URLSearchParams(f.toString() + "&by=codes"))]);
    document.getElementById("info").textContent =
      "The store holds " + info.stories + " stories, " + info.events + " events and " +
      info.mentions + " mentions (khaldun " + info.version + ").";
    topTable("top-actors", actors.rows, false);
    topTable("top-codes", codes.rows, true);
    khStatus(f.toString() ? "Filter: " + f.toString() : "All events.");
    window.khaldunReady = true;
  } catch (e) {
    khStatus(e.message, true);
    window.khaldunReady = true;
  }
}
main();
