// nginx in front of chat nodes as shipped: `bin/local-proxy run` renders deploy/nginx/chat.conf for 127.0.0.1 with a
// self-signed certificate and runs nginx in the foreground; this helper owns that process, stops it (SIGTERM, so
// the master takes its workers along) at close() or when the test process exits, and keeps nginx's logs under
// target/browser-tests/logs/<label>/.

import { spawn } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync }
  from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from './servers.mjs';

const LOCAL_PROXY = fileURLToPath(new URL('../../bin/local-proxy', import.meta.url));
const LOGS = fileURLToPath(new URL('../../target/browser-tests/logs/', import.meta.url));

/**
 * GET `url` over https accepting the self-signed certificate for this one request only (no process-wide switch);
 * resolves with { status, headers, body }.
 */
export function insecureGet(url) {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { rejectUnauthorized: false, agent: false, timeout: 5_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body }));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url}`)));
    request.on('error', reject);
  });
}

/**
 * Starts nginx on https://localhost:<port> in front of `nodes` (ChatNodes on 127.0.0.1); resolves once its /health
 * answers 200 through a node. `label` names the log folder. Returns { url, port, httpPort, log(), close() }.
 */
export async function startNginx(label, nodes) {
  const dir = mkdtempSync(path.join(tmpdir(), `chat-bt-nginx-${label}-`));
  const port = await freePort();
  const httpPort = await freePort();
  const output = createWriteStream(path.join(dir, 'local-proxy.log'));
  const proc = spawn(LOCAL_PROXY, ['run'], {
    env: {
      ...process.env,
      PROXY_DIR: dir,
      PROXY_PORT: String(port),
      PROXY_HTTP_PORT: String(httpPort),
      PROXY_NODES: nodes.map((node) => `127.0.0.1:${node.port}`).join(' '),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout.pipe(output, { end: false });
  proc.stderr.pipe(output, { end: false });
  const exited = new Promise((resolve) => {
    proc.once('close', (code, signal) => output.end(() => resolve({ code, signal })));
    proc.once('error', (error) => output.end(() => resolve({ error })));
  });
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  const stopOnExit = () => {
    if (alive()) proc.kill('SIGTERM');
    if (!process.env.KEEP_TMP) rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopOnExit);

  const read = (name) => (existsSync(path.join(dir, name)) ? readFileSync(path.join(dir, name), 'utf8') : '');
  const log = () => ['local-proxy.log', 'error.log'].map((name) => `${name}:\n${read(name)}`).join('\n');
  const proxy = {
    url: `https://localhost:${port}`,
    port,
    httpPort,
    log,
    /** Stops nginx and waits for it, keeps its logs, removes its folder. */
    async close() {
      if (alive()) proc.kill('SIGTERM');
      await exited;
      process.removeListener('exit', stopOnExit);
      const logs = path.join(LOGS, label);
      mkdirSync(logs, { recursive: true });
      for (const name of ['local-proxy.log', 'error.log', 'access.log', 'chat.conf']) {
        if (existsSync(path.join(dir, name))) copyFileSync(path.join(dir, name), path.join(logs, `nginx-${name}`));
      }
      if (process.env.KEEP_TMP) console.log(`kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(`nginx on https://127.0.0.1:${port}/health`, async () => {
      if (!alive()) throw new Error(`bin/local-proxy run ended early; ${log().slice(-3000)}`);
      return (await insecureGet(`https://127.0.0.1:${port}/health`)).status === 200;
    });
  } catch (e) {
    await proxy.close();
    throw e;
  }
  return proxy;
}
