// tests/serve/load.mjs: a bounded load client for khaldun serve, on loopback.
//
//   node tests/serve/load.mjs URL REQUESTS CONNECTIONS
//
// Sends REQUESTS GETs of URL over CONNECTIONS keep-alive connections, checks each answer is a
// 200 with valid JSON, and prints one line: "requests N errors E seconds S rps R bytes B".
// Exits 1 when any answer was not a 200 with JSON. It measures; it asserts no speed.
import http from "node:http";

const [url, total, conns] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const agent = new http.Agent({ keepAlive: true, maxSockets: conns });
let sent = 0, errors = 0, bytes = 0;
let firstError = "";

function one() {
  return new Promise((resolve) => {
    http.get(url, { agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        bytes += body.length;
        try {
          JSON.parse(body.toString("utf8"));
          if (res.statusCode !== 200) throw new Error("HTTP " + res.statusCode);
        } catch (e) {
          errors++;
          firstError = firstError || e.message;
        }
        resolve();
      });
    }).on("error", (e) => { errors++; firstError = firstError || e.message; resolve(); });
  });
}

async function worker() {
  while (sent < total) {
    sent++;
    await one();
  }
}

const t0 = process.hrtime.bigint();
await Promise.all(Array.from({ length: conns }, worker));
const s = Number(process.hrtime.bigint() - t0) / 1e9;
agent.destroy();
console.log(`requests ${total} errors ${errors} seconds ${s.toFixed(2)} rps ${Math.round(total / s)} bytes ${bytes}` +
            (firstError ? ` first-error ${firstError}` : ""));
process.exit(errors ? 1 : 0);
