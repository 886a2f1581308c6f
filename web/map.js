/*
 * map.js: the event places of the current filter on an offline world map:
 * Natural Earth countries (world-atlas TopoJSON through topojson-client) as
 * a Leaflet layer, no tile server; a circle per place (area: events; colour:
 * mean Goldstein), from /api/places.
 */
"use strict";

/* Rings that cross the antimeridian (Russia, Fiji) are unwrapped so Leaflet
 * does not draw them across the whole map; Antarctica (id 010) is left out. */
function unwrap(fc) {
  fc.features = fc.features.filter((f) => f.id !== "010");
  for (const f of fc.features) {
    const g = f.geometry;
    if (!g) continue;
    const polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
    for (const poly of polys) {
      for (const ring of poly) {
        for (let i = 1; i < ring.length; i++) {
          const d = ring[i][0] - ring[i - 1][0];
          if (d > 180) ring[i][0] -= 360;
          else if (d < -180) ring[i][0] += 360;
        }
      }
    }
  }
  return fc;
}

async function main() {
  khChrome("map");
  const map = L.map("map", { worldCopyJump: true, minZoom: 1, maxZoom: 10 }).setView([25, 20], 2);
  window.khaldunMap = { map, markers: [] };
  try {
    const [world, places] = await Promise.all([
      fetch("vendor/countries-110m.json").then((r) => { if (!r.ok) throw new Error("no basemap"); return r.json(); }),
      khApi("places", khFilter())]);
    L.geoJSON(unwrap(topojson.feature(world, world.objects.countries)), {
      style: { color: "#8c96a3", weight: 0.6, fillColor: "#eef0ea", fillOpacity: 1 }, interactive: false
    }).addTo(map);
    const max = Math.max(1, ...places.places.map((p) => p.events));
    for (const p of places.places) {
      const m = L.circleMarker([p.lat, p.lon], {
        radius: 4 + 16 * Math.sqrt(p.events / max), color: "#333", weight: 1,
        fillColor: khGoldsteinColour(p.goldstein_mean), fillOpacity: 0.8
      }).addTo(map);
      const pop = khEl("div");
      pop.appendChild(khEl("strong", {}, p.name + (p.country ? " (" + p.country + ")" : "")));
      pop.appendChild(khEl("div", {}, p.events + " events, mean Goldstein " + p.goldstein_mean.toFixed(2)));
      const f = khFilter();
      f.set("place", p.name);
      pop.appendChild(khEl("a", { href: "table.html?" + f.toString() }, "the events"));
      m.bindPopup(pop);
      window.khaldunMap.markers.push({ place: p, marker: m });
    }
    khStatus(places.places.length + " places for " + (places.events - places.unplaced) + " of " +
             places.events + " events (the others have no place with coordinates)" +
             (places.truncated ? "; truncated" : "") + ".");
  } catch (e) {
    khStatus(e.message, true);
  }
  window.khaldunReady = true;
}
main();
