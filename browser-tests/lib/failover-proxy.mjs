// A tiny TCP front on 127.0.0.1 for one browser: each new connection goes to the first target that accepts it,
// so when a node dies its clients' reconnects land on the next one (sessions are clustered, so the cookie works
// there). Open connections are piped as they are and die with their node, as behind a real load balancer.
// hold() keeps new connections waiting, so a test can say things while a page is certainly away; cut() drops the
// open ones, as a broken network path would, without any node going down.

import net from 'node:net';

const HOST = '127.0.0.1';

export async function startFailoverProxy(targetPorts) {
  const open = new Set();
  const served = [];  // the target port of every connection, in order

  const connectTo = (client, index) => {
    const upstream = net.connect({ host: HOST, port: targetPorts[index] });
    open.add(upstream);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      served.push(targetPorts[index]);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      if (!connected && index + 1 < targetPorts.length) connectTo(client, index + 1);
      else client.destroy();
    });
    upstream.on('close', () => {
      open.delete(upstream);
      if (connected) client.destroy();
    });
    client.on('close', () => upstream.destroy());
  };

  let held = null;  // while holding: clients waiting to be connected

  const server = net.createServer((client) => {
    open.add(client);
    client.pause();
    client.on('error', () => {});
    client.on('close', () => open.delete(client));
    if (held) held.push(client);
    else connectTo(client, 0);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, resolve);
  });
  const { port } = server.address();

  return {
    url: `http://${HOST}:${port}`,
    /** How many connections each target port has taken so far. */
    servedBy(targetPort) {
      return served.filter((p) => p === targetPort).length;
    },
    /** New connections wait (as on a slow network) until release(): the browser stays away meanwhile. */
    hold() {
      held ??= [];
    },
    /** Every open connection dropped at once; new ones are taken as before (or held, after hold()). */
    cut() {
      for (const socket of open) socket.destroy();
    },
    release() {
      const waiting = held ?? [];
      held = null;
      for (const client of waiting) if (!client.destroyed) connectTo(client, 0);
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
