// A TCP proxy for fault injection in the benchmark (the NATS reconnect row): forwards 127.0.0.1:<port> to
// <host>:<port>. SIGUSR1 cuts it (every open connection reset, every new one reset on arrival, so the client sees
// the service go down at once rather than hang); SIGUSR2 restores it (clients reconnect on their own). Each change
// is logged with its time.
//   node bench/tools/tcp-proxy.mjs <listen port> <target host:port>
import net from 'node:net';

const [listen, target] = process.argv.slice(2);
const [host, port] = (target ?? '').split(':');
if (!Number(listen) || !host || !Number(port)) {
  throw new Error('usage: node tcp-proxy.mjs <listen port> <target host:port>');
}

let cut = false;
const open = new Set();
const log = (what) => console.log(`${new Date().toISOString()} ${what}`);

net.createServer((client) => {
  if (cut) {
    client.resetAndDestroy();
    return;
  }
  const upstream = net.connect(Number(port), host);
  const pair = { client, upstream };
  open.add(pair);
  const close = () => {
    open.delete(pair);
    client.destroy();
    upstream.destroy();
  };
  for (const socket of [client, upstream]) {
    socket.setNoDelay(true);
    socket.on('error', close);
    socket.on('close', close);
  }
  client.pipe(upstream);
  upstream.pipe(client);
}).listen(Number(listen), '127.0.0.1', () => log(`listening on ${listen}, forwarding to ${target}`));

process.on('SIGUSR1', () => {
  cut = true;
  log(`cut: ${open.size} connections reset`);
  for (const { client, upstream } of open) {
    client.resetAndDestroy();
    upstream.resetAndDestroy();
  }
  open.clear();
});
process.on('SIGUSR2', () => {
  cut = false;
  log('restored');
});
