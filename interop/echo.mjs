// A stand-in downstream service: answers every request with 200 and a JSON description of what it received
// (method, raw path with query, and the x-* headers, where the gateway's identity headers are).
//
//   PORT=9001 node echo.mjs        (used by ../scripts/demo.sh; e2e.mjs imports startEcho)
import http from "node:http";

/** Starts the echo server on `port` (0 = any free port); resolves to { port, close() }. */
export async function startEcho({ port = 0, host = "127.0.0.1", log = false } = {}) {
  const server = http.createServer((req, res) => {
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.startsWith("x-")));
    const body = JSON.stringify({ echo: true, method: req.method, path: req.url, headers });
    if (log) console.log(`${req.method} ${req.url} ${JSON.stringify(headers)}`);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(body);
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return {
    port: server.address().port,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const echo = await startEcho({ port: Number(process.env.PORT ?? 9001), log: process.env.LOG !== "0" });
  console.log(`READY http://127.0.0.1:${echo.port}`);
  const stop = async () => {
    await echo.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
