/*
 * network.js: who acts on whom for the current filter: actors as nodes
 * (size: events), directed edges coloured by mean Goldstein (width: events),
 * drawn with cytoscape from /api/network. Clicking an actor filters on it.
 */
"use strict";

async function main() {
  khChrome("network");
  try {
    const net = await khApi("network", khFilter());
    const maxEvents = Math.max(1, ...net.edges.map((e) => e.events));
    const elements = net.nodes.map((n) => ({ data: { id: n.id, events: n.events } })).concat(
      net.edges.map((e, i) => ({ data: { id: "e" + i, source: e.source, target: e.target, events: e.events,
        goldstein: e.goldstein_mean, colour: khGoldsteinColour(e.goldstein_mean),
        width: 1 + 7 * e.events / maxEvents } })));
    const cy = cytoscape({
      container: document.getElementById("cy"),
      elements,
      style: [
        { selector: "node", style: { label: "data(id)", "font-size": 11, "background-color": "#2f5d8a",
          width: "mapData(events, 1, 50, 14, 48)", height: "mapData(events, 1, 50, 14, 48)" } },
        { selector: "edge", style: { "curve-style": "bezier", "target-arrow-shape": "triangle",
          "line-color": "data(colour)", "target-arrow-color": "data(colour)", width: "data(width)" } }
      ],
      layout: { name: net.nodes.length > 1 ? "cose" : "grid", animate: false, randomize: false }
    });
    cy.on("tap", "node", (ev) => {
      const url = new URLSearchParams(window.location.search);
      url.set("actor", ev.target.id());
      url.delete("dyad");
      window.location.search = url.toString();
    });
    window.khaldunNetwork = { cy, answer: net };
    khStatus(net.nodes.length + " actors, " + net.edges.length + " directed dyads" +
             (net.truncated ? " (the " + net.edges.length + " largest of " + net.dyads + ")" : "") + ".");
  } catch (e) {
    khStatus(e.message, true);
  }
  window.khaldunReady = true;
}
main();
