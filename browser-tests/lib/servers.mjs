// Real chat nodes for the browser tests: java processes started from the built jar on 127.0.0.1, each on a fresh
// temporary database (HSQLDB files, or a PostgreSQL database on request), and killed when the test file ends (also
// on SIGINT/SIGTERM and on any exit).

import { execFile, spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
const LOGS = fileURLToPath(new URL('../../target/browser-tests/logs/', import.meta.url));
const started = new Set();  // every child process still running

export function chatJar() {
  const jar = process.env.CHAT_JAR;
  if (!jar || !existsSync(jar)) {
    throw new Error(`CHAT_JAR must name the built jar (mvn package builds target/chat.jar); got ${jar ?? 'nothing'}`);
  }
  return jar;
}

/**
 * A port nobody listens on right now (127.0.0.1 only), below Linux's ephemeral range (32768-60999): a port the
 * kernel handed out as free could become the local end of an outgoing connection before the server binds it.
 */
export async function freePort() {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_768);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port between 20000 and 32767 after 100 tries');
}

function canListen(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.on('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** Polls `check` until it returns a truthy value, or fails with `what` and the last error after `timeout` ms. */
export async function waitFor(what, check, { timeout = 30_000, interval = 200 } = {}) {
  const deadline = Date.now() + timeout;
  let last = null;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not after ${timeout} ms${last ? ` (last error: ${last.message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * This runner's environment without the CHAT_ variables: a node takes every CHAT_ variable as config and refuses
 * one that names no key, so neither the runner's own CHAT_JAR nor a developer's CHAT_HTTP_PORT may reach it; each
 * node runs on exactly its config file.
 */
function childEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CHAT_')));
}

/** A started process with its log; `kill()` sends SIGKILL and resolves once it is gone. */
class Child {
  constructor(name, args, logFile) {
    this.name = name;
    this.logFile = logFile;
    const log = createWriteStream(logFile);
    // Started in the temp folder: a node serves webroot/ from its working folder before its own copy, and the
    // page under test must be the one inside the jar.
    this.proc = spawn('java', args, { cwd: path.dirname(logFile), env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout.pipe(log, { end: false });
    this.proc.stderr.pipe(log, { end: false });
    this.ended = false;
    // 'close' comes after both output streams are drained, so the log is whole once this resolves; 'error'
    // alone comes when java could not be started at all.
    this.exited = new Promise((resolve) => {
      const end = (how) => {
        if (this.ended) return;
        this.ended = true;
        started.delete(this);
        log.end(() => resolve(how));
      };
      this.proc.once('close', (code, signal) => end({ code, signal }));
      this.proc.once('error', (error) => {
        log.write(`could not start java: ${error.message}\n`);
        end({ error });
      });
    });
    started.add(this);
  }

  get alive() {
    return !this.ended && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Resolves with how it ended: `{ code, signal }`. */
  async kill(signal = 'SIGKILL') {
    if (this.alive) this.proc.kill(signal);
    return this.exited;
  }

  log() {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** Fails with the end of the log when the process died early, so a broken start is not a 30 s timeout. */
  ensureAlive() {
    if (!this.alive) throw new Error(`${this.name} exited early; its log ends:\n${this.log().slice(-3000)}`);
  }
}

const folders = new Set();  // temp folders not yet removed

// The PostgreSQL server the Java tests use too (.ci/run sets it up): role chat/chat with CREATEDB.
const POSTGRES = { host: HOST, port: 5432, user: 'chat', password: 'chat' };
const databases = new Set();  // PostgreSQL databases not yet dropped

function psqlArgs(database, statement) {
  return ['-h', POSTGRES.host, '-p', String(POSTGRES.port), '-U', POSTGRES.user, '-d', database,
    '-v', 'ON_ERROR_STOP=1', '-X', '-q', '-A', '-t', '-c', statement];
}

const psqlEnv = () => ({ ...process.env, PGPASSWORD: POSTGRES.password, PGCONNECT_TIMEOUT: '10' });

/** Runs one SQL statement with psql on `database`; resolves with its unaligned output. */
function psql(database, statement) {
  return new Promise((resolve, reject) => {
    execFile('psql', psqlArgs(database, statement), { env: psqlEnv(), timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`psql on ${database}: ${stderr.trim() || error.message}\n  ${statement}`));
      else resolve(stdout.trim());
    });
  });
}

const dropStatement = (name) => `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`;

function killAllNow() {
  for (const child of started) {
    try {
      child.proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const name of databases) spawnSync('psql', psqlArgs('postgres', dropStatement(name)), { env: psqlEnv() });
  if (!process.env.KEEP_TMP) for (const dir of folders) rmSync(dir, { recursive: true, force: true });
}
process.once('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAllNow();
    process.exit(130);
  });
}

/** A chat node process; `url` is its page, `health()` its /health answer. */
export class ChatNode extends Child {
  constructor(name, configFile, port, logFile) {
    super(name, ['-jar', chatJar(), '-conf', configFile], logFile);
    this.configFile = configFile;
    this.port = port;
    this.url = `http://${HOST}:${port}`;
  }

  async health() {
    const response = await fetch(`${this.url}/health`);
    return { status: response.status, body: await response.json() };
  }

  /** Open event-bus sockets on this node (its chat_sockets metric); needs a node started with metrics on. */
  async openSockets() {
    if (!this.metricsUrl) throw new Error(`${this.name} was started without metrics`);
    const text = await (await fetch(`${this.metricsUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => /^chat_sockets(\{[^}]*\})? /.test(l));
    if (!line) throw new Error(`${this.name}: no chat_sockets in its metrics`);
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }

  /** Resolves when /health says UP and the node sees `clusterSize` members. */
  async ready(clusterSize = 1, timeout = 60_000) {
    await waitFor(`${this.name} healthy with clusterSize ${clusterSize}`, async () => {
      this.ensureAlive();
      const { status, body } = await this.health();
      return status === 200 && body.status === 'UP' && body.clusterSize === clusterSize;
    }, { timeout, interval: 250 });
    return this;
  }
}

/** A temporary folder for one test file's databases, configs and logs. */
export class Workspace {
  constructor(label) {
    this.label = label;
    this.dir = mkdtempSync(path.join(tmpdir(), `chat-bt-${label}-`));
    folders.add(this.dir);
    this.children = [];
    this.databases = [];
  }

  file(name, content) {
    const file = path.join(this.dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return file;
  }

  /** `config.http` adds to the http section the node gets (host and port); the rest goes in as it is. */
  async startNode(name, { http, ...config }) {
    const port = await freePort();
    const full = {
      http: { host: HOST, port, ...http },
      // the tests make their people from 127.0.0.1, several at once: the limits per address are lifted
      security: { bcryptCost: 4, passwordChecksAtOncePerAddress: 1000, loginsPerAddress: 100000 },
      rooms: ['general', 'news'],
      // a closed page shows its user offline within a test's wait (PresenceGraceTest tests the grace itself)
      presence: { offlineGraceSeconds: 1 },
      ...config,
    };
    const node = new ChatNode(name, this.file(`${name}.json`, full), port, path.join(this.dir, `${name}.log`));
    this.children.push(node);
    return node;
  }

  /** One node on its own file database, or on `db` (e.g. postgres().db). */
  async singleNode(db = { url: `jdbc:hsqldb:file:${this.dir}/db/chat` }) {
    const node = await this.startNode('node1', { db });
    return node.ready(1);
  }

  /**
   * A fresh database on the local PostgreSQL server, dropped by close(): `db` is a node's db config for it,
   * `sql(statement)` runs a statement on it with psql.
   */
  async postgres() {
    const name = `chat_bt_${this.label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
    await psql('postgres', `CREATE DATABASE ${name}`);
    databases.add(name);
    this.databases.push(name);
    return {
      db: { url: `jdbc:postgresql://${POSTGRES.host}:${POSTGRES.port}/${name}`, user: POSTGRES.user,
        password: POSTGRES.password },
      sql: (statement) => psql(name, statement),
    };
  }

  /**
   * HSQLDB's server from the same jar, then `size` (two unless told) clustered nodes on it; resolves when each sees
   * them all. `options` as for clusterOn.
   */
  async cluster(size = 2, options = {}) {
    const dbPort = await freePort();
    const db = new Child('hsqldb', ['-cp', chatJar(), 'org.hsqldb.server.Server',
      '--database.0', `file:${this.dir}/db/chat`, '--dbname.0', 'chat', '--address', HOST, '--port', String(dbPort)],
    path.join(this.dir, 'hsqldb.log'));
    this.children.push(db);
    // Its own "online" line rather than a probe connection, which it would log as a protocol error.
    await waitFor('HSQLDB server online', async () => {
      db.ensureAlive();
      return db.log().includes(`is online on port ${dbPort}`);
    });
    return this.clusterOn({ url: `jdbc:hsqldb:hsql://${HOST}:${dbPort}/chat` }, size, options);
  }

  /**
   * `size` clustered nodes on the database `db`; resolves when every one sees them all. Options: `http`, keys added
   * to each node's http section (e.g. trustedProxies); `metrics: true`, each node's metrics on a port of its own
   * (node.openSockets() reads them); `assistant: false`, no built-in assistant (its socket is one more of a node's).
   */
  async clusterOn(db, size, { http, metrics = false, assistant = true } = {}) {
    const hzPorts = [];
    for (let i = 0; i < size; i++) hzPorts.push(await freePort());
    const name = `bt-${randomBytes(6).toString('hex')}`;
    const nodes = [];
    for (const [i, hzPort] of hzPorts.entries()) {
      const metricsPort = metrics ? await freePort() : null;
      const node = await this.startNode(`node${i + 1}`, {
        db,
        http,
        cluster: { enabled: true, host: HOST, port: hzPort, members: hzPorts.map((p) => `${HOST}:${p}`), name },
        ...(metrics && { metrics: { enabled: true, host: HOST, port: metricsPort } }),
        ...(!assistant && { bots: { assistant: false } }),
      });
      if (metrics) node.metricsUrl = `http://${HOST}:${metricsPort}`;
      nodes.push(node);
    }
    await Promise.all(nodes.map((node) => node.ready(size, 90_000)));
    return nodes;
  }

  /**
   * An operator's restart: SIGTERM, wait for the node to drain and exit, start it again from the same config on
   * the same port. Resolves with the new process once it is UP in a cluster of `clusterSize`.
   */
  async restart(node, clusterSize) {
    const { code, signal } = await node.kill('SIGTERM');
    // 143 is the JVM's status after shutdown hooks ran on SIGTERM: the drain finished
    if (code !== 143) throw new Error(`${node.name} ended with ${code ?? signal} on SIGTERM; log:\n${node.log()}`);
    const restarts = this.children.filter((c) => c.name === node.name).length;
    const again = new ChatNode(node.name, node.configFile, node.port,
      path.join(this.dir, `${node.name}-restart${restarts}.log`));
    this.children.push(again);
    return again.ready(clusterSize, 90_000);
  }

  /**
   * Kills the nodes first, then the database server; keeps their logs under target/browser-tests/logs/, removes
   * the folder unless KEEP_TMP is set, and drops the PostgreSQL databases.
   */
  async close() {
    const nodes = this.children.filter((c) => c instanceof ChatNode);
    await Promise.all(nodes.map((c) => c.kill()));
    await Promise.all(this.children.map((c) => c.kill()));
    const logs = path.join(LOGS, this.label);
    mkdirSync(logs, { recursive: true });
    for (const child of this.children) copyFileSync(child.logFile, path.join(logs, path.basename(child.logFile)));
    if (process.env.KEEP_TMP) {
      console.log(`kept ${this.dir}`);
    } else {
      rmSync(this.dir, { recursive: true, force: true });
    }
    folders.delete(this.dir);
    for (const name of this.databases) {
      await psql('postgres', dropStatement(name));
      databases.delete(name);
    }
  }
}
