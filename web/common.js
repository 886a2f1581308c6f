/*
 * common.js: what every page of khaldun serve shares: the filter bar (the
 * filters live in the URL, so a view can be shared), calls to the JSON API
 * (docs/serve.md), export links for the current filter, and a safe way to put
 * text on the page (text nodes only: a story's words never become markup).
 */
"use strict";

const KH_FILTERS = ["actor", "dyad", "source", "target", "code", "root", "quad", "from", "to",
                    "country", "place", "text"];

/* The current filter from the URL: only known names, only non-empty values. */
function khFilter() {
  const url = new URLSearchParams(window.location.search);
  const f = new URLSearchParams();
  for (const k of KH_FILTERS) {
    const v = url.get(k);
    if (v) f.set(k, v);
  }
  return f;
}

/* A page parameter that is not a filter (period, offset, ...). */
function khParam(name, fallback) {
  const v = new URLSearchParams(window.location.search).get(name);
  return v === null || v === "" ? fallback : v;
}

/* GET /api/PATH?params, parsed; throws an Error with the API's message. */
async function khApi(path, params) {
  const q = params ? params.toString() : "";
  const r = await fetch("/api/" + path + (q ? "?" + q : ""), { headers: { Accept: "application/json" } });
  const body = await r.json().catch(() => ({ error: "the answer was not JSON (" + r.status + ")" }));
  if (!r.ok) throw new Error(body.error || "HTTP " + r.status);
  return body;
}

function khEl(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function khStatus(text, isError) {
  const s = document.getElementById("status");
  if (!s) return;
  s.textContent = text;
  s.className = isError ? "error" : "";
}

/* The header (page links that keep the filter) and the filter bar. */
function khChrome(page) {
  const f = khFilter();
  const qs = f.toString() ? "?" + f.toString() : "";
  const header = khEl("header");
  header.appendChild(khEl("h1", {}, "khaldun"));
  const nav = khEl("nav");
  for (const [href, name] of [["index.html", "Overview"], ["timeline.html", "Timeline"],
                              ["network.html", "Network"], ["map.html", "Map"], ["table.html", "Table"]]) {
    const a = khEl("a", { href: href + qs }, name);
    if (href.startsWith(page)) a.className = "here";
    nav.appendChild(a);
  }
  header.appendChild(nav);
  const form = khEl("form", { class: "filters", id: "filters" });
  const labels = { actor: "actor (either side)", dyad: "dyad X,Y", code: "code (04*)", quad: "QuadClass",
                   from: "from", to: "to", country: "country (ISO3)" };
  for (const k of KH_FILTERS) {
    const label = khEl("label", {}, labels[k] || k);
    let input;
    if (k === "quad") {
      input = khEl("select", { name: k });
      for (const [v, t] of [["", "any"], ["1", "1 verbal coop."], ["2", "2 material coop."],
                            ["3", "3 verbal conflict"], ["4", "4 material conflict"]]) {
        input.appendChild(khEl("option", { value: v }, t));
      }
    } else {
      input = khEl("input", { name: k, type: k === "from" || k === "to" ? "date" : "text" });
    }
    input.value = f.get(k) || "";
    label.appendChild(input);
    form.appendChild(label);
  }
  form.appendChild(khEl("button", { type: "submit" }, "Apply"));
  const exports = khEl("span", { class: "exports" }, "Export:");
  for (const [fmt, name] of [["csv", "CSV"], ["gdelt", "GDELT"], ["jsonl", "JSON Lines"]]) {
    const p = khFilter();
    p.set("format", fmt);
    exports.appendChild(khEl("a", { href: "/api/export?" + p.toString(), download: "", id: "export-" + fmt }, name));
  }
  form.appendChild(exports);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const url = new URLSearchParams(window.location.search);
    for (const k of KH_FILTERS) url.delete(k);
    url.delete("offset");
    for (const el of form.elements) {
      if (el.name && el.value.trim()) url.set(el.name, el.value.trim());
    }
    window.location.search = url.toString();
  });
  document.body.prepend(form);
  document.body.prepend(header);
}

/* A Goldstein score (-10 .. 10) as a colour: red for conflict, grey, blue for cooperation. */
function khGoldsteinColour(g) {
  const t = Math.max(-1, Math.min(1, g / 10));
  const grey = [150, 150, 150], red = [200, 30, 30], blue = [30, 90, 200];
  const to = t < 0 ? red : blue, a = Math.abs(t);
  const c = grey.map((v, i) => Math.round(v + (to[i] - v) * a));
  return "rgb(" + c.join(",") + ")";
}
