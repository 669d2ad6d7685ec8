/**
 * `npm run bench:startup [-- options]`: how long the action and the command line take from
 * process start to their first connection and first HTTP request, with real inputs (a TLS
 * registry on loopback, a Docker config with credentials, several sources), against
 * `node -e ''` (Node's own boot). No latency is added: this measures the process, not the
 * network.
 *
 *   --runs N        samples of each (default 21), interleaved so the machine's load hits all alike
 *   --node FILE|N   the Node the action runs on (a binary or a major version fetched with npx;
 *                   default: the Node running this)
 *   --cli-node FILE|N  the Node the command line runs on (default: the same as --node)
 *   --entry FILE    the action bundle (default dist/index.js)
 *   --cli FILE      the command-line bundle (default dist/cli/index.js)
 *   --json FILE     the samples as JSON
 *   --serve         start the registry, the tap and the Docker config, print the environment and
 *                   the commands that run the action and the command line against them, and wait
 *                   (until interrupted): for profiling by hand
 *   --delay MS, --setup MS  with --serve: a latency proxy (as the bench's) in front of the tap
 *
 * A TLS-terminating tap stands between the tools and the registry: it notes when each TCP
 * connection is accepted and when the first HTTP request arrives on any of them (the first
 * HEADERS frame over HTTP/2, the first bytes over HTTP/1.1), then relays the bytes to the
 * registry, so every run completes as it would.
 */
import { execFileSync, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { writeDockerConfig } from '../__tests__/helpers/dockerConfig';
import { pushImage } from '../__tests__/helpers/fixtures';
import { selfSignedCert } from '../__tests__/helpers/tokenServer';
import { type Latency, startLatencyProxy } from './latencyProxy';
import { startPlainRegistry } from './registry';
import { median, max, min } from './stats';

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const H2_HEADERS = 0x1;

/** What the tap saw of one run, on this process's `performance.now()` clock. */
interface Seen {
  firstConnection?: number;
  firstRequest?: number;
}

interface Tap {
  readonly host: string;
  readonly certPath: string;
  /** Starts a new run's record. */
  reset(): Seen;
  close(): Promise<void>;
}

/** Calls `onRequest` when the client's first request arrives on this decrypted stream. */
function watchRequests(socket: tls.TLSSocket, onRequest: () => void): (chunk: Buffer) => void {
  if (socket.alpnProtocol !== 'h2') return () => onRequest();
  let buffered = Buffer.alloc(0);
  let prefaceSeen = false;
  let done = false;
  return (chunk) => {
    if (done) return;
    buffered = Buffer.concat([buffered, chunk]);
    if (!prefaceSeen) {
      if (buffered.length < H2_PREFACE.length) return;
      buffered = buffered.subarray(H2_PREFACE.length);
      prefaceSeen = true;
    }
    // HTTP/2 frames: 3 bytes length, 1 type, 1 flags, 4 stream id, then the payload.
    while (buffered.length >= 9) {
      const length = buffered.readUIntBE(0, 3);
      if (buffered[3] === H2_HEADERS) {
        done = true;
        onRequest();
        return;
      }
      if (buffered.length < 9 + length) return;
      buffered = buffered.subarray(9 + length);
    }
  };
}

async function startTap(upstream: { host: string; certPath: string }): Promise<Tap> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-bench-startup-'));
  const { keyPem, certPem, certPath } = await selfSignedCert(dir, 'tap', '/CN=127.0.0.1', '127.0.0.1');
  const ca = await fs.readFile(upstream.certPath);
  const [upHost, upPort] = [upstream.host.slice(0, upstream.host.lastIndexOf(':')), Number(upstream.host.split(':').pop())];
  let seen: Seen = {};
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ key: keyPem, cert: certPem, ALPNProtocols: ['h2', 'http/1.1'] }, (client) => {
    const record = seen;
    const onData = watchRequests(client, () => (record.firstRequest ??= performance.now()));
    const server = tls.connect({ host: upHost, port: upPort, ca, ALPNProtocols: [client.alpnProtocol || 'http/1.1'] });
    sockets.add(server);
    server.once('close', () => sockets.delete(server));
    client.on('data', (chunk: Buffer) => {
      onData(chunk);
      server.write(chunk);
    });
    client.on('end', () => server.end());
    server.pipe(client);
    const drop = () => {
      client.destroy();
      server.destroy();
    };
    client.on('error', drop);
    server.on('error', drop);
    client.on('close', drop);
    server.on('close', drop);
  });
  // Every TCP connection, TLS or not (the action's plain-HTTP connections to a loopback host too).
  server.on('connection', (socket: net.Socket) => {
    seen.firstConnection ??= performance.now();
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    certPath,
    reset: () => (seen = {}),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

interface Sample {
  readonly wallMs: number;
  readonly firstConnectionMs?: number;
  readonly firstRequestMs?: number;
}

/** Runs a process to its end; times its first connection and request through the tap, if given. */
async function sample(command: string, args: readonly string[], env: NodeJS.ProcessEnv, tap?: Tap): Promise<Sample> {
  const seen = tap?.reset() ?? {};
  let output = '';
  const started = performance.now();
  const child = spawn(command, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`);
  const since = (t: number | undefined) => (t === undefined ? undefined : t - started);
  return { wallMs, firstConnectionMs: since(seen.firstConnection), firstRequestMs: since(seen.firstRequest) };
}

interface Options {
  runs: number;
  node: string;
  cliNode: string;
  entry: string;
  cli: string;
  json?: string;
  serve: boolean;
  /** --serve only: the latency proxy's one-way delay and connection cost. */
  latency?: Latency;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Partial<Options> & { runs: number } = { runs: 21 };
  let node: string | undefined;
  let cliNode: string | undefined;
  let serve = false;
  let delay: number | undefined;
  let setup: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--serve') {
      serve = true;
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${argv[i]} needs a value`);
    switch (argv[i++]) {
      case '--runs':
        options.runs = Number(value);
        if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error('--runs needs an integer ≥ 1');
        break;
      case '--node':
        node = value;
        break;
      case '--cli-node':
        cliNode = value;
        break;
      case '--entry':
        options.entry = path.resolve(value);
        break;
      case '--cli':
        options.cli = path.resolve(value);
        break;
      case '--json':
        options.json = value;
        break;
      case '--delay':
        delay = Number(value);
        break;
      case '--setup':
        setup = Number(value);
        break;
      default:
        throw new Error(`unknown option ${argv[i - 1]}`);
    }
  }
  const resolvedNode = node === undefined ? process.execPath : resolveNode(node);
  return {
    runs: options.runs,
    node: resolvedNode,
    cliNode: cliNode === undefined ? resolvedNode : resolveNode(cliNode),
    entry: options.entry ?? path.resolve('dist/index.js'),
    cli: options.cli ?? path.resolve('dist/cli/index.js'),
    json: options.json,
    serve,
    latency: delay === undefined && setup === undefined ? undefined : { oneWayMs: delay ?? 0, setupMs: setup ?? 0 },
  };
}

/** A Node binary, or for a major version (`24`) the one npx fetches into its cache. */
function resolveNode(given: string): string {
  if (!/^\d+$/.test(given)) return given;
  const args = ['-y', '-p', `node@${given}`, 'node', '-e', 'console.log(process.execPath)'];
  return execFileSync('npx', args, { encoding: 'utf8', timeout: 300_000 }).trim();
}

function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('INPUT_') && !k.startsWith('GITHUB_') && k !== 'RUNNER_DEBUG'),
  );
}

function row(name: string, values: readonly number[], boot: number): string {
  const m = median(values);
  const f = (n: number) => `${Math.round(n)} ms`;
  return `| ${name} | ${f(m)} | ${f(m - boot)} | ${f(min(values))} | ${f(max(values))} |`;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const latency = { oneWayMs: 0, setupMs: 0 };
  const registry = await startPlainRegistry('startup', latency, true);
  const tap = await startTap({ host: registry.servedHost, certPath: registry.certPath! });
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-bench-startup-run-'));
  const platforms = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/ppc64le'];
  try {
    for (const platform of platforms) {
      await pushImage({ host: registry.directHost }, 'startup/app', { platform, tag: platform.replace(/\//g, '-') });
    }
    // As docker/login-action leaves it: this registry and a few others.
    const config = await writeDockerConfig({
      [tap.host]: { username: 'bench', password: 'not-checked' },
      'ghcr.io': { username: 'someone', password: 'ghp_not-used' },
      'registry.example.com': { username: 'ci', password: 'not-used' },
    });
    const sources = platforms.map((p) => `${tap.host}/startup/app:${p.replace(/\//g, '-')}`);
    const env = { ...baseEnv(), DOCKER_CONFIG: config.dir, NODE_EXTRA_CA_CERTS: tap.certPath };
    const outputs = path.join(work, 'output');
    const summary = path.join(work, 'summary');
    if (o.serve) {
      const proxy = o.latency ? await startLatencyProxy('startup', tap.host, o.latency) : undefined;
      const host = proxy?.host ?? tap.host;
      const sources = platforms.map((p) => `${host}/startup/app:${p.replace(/\//g, '-')}`);
      const config = await writeDockerConfig({ [host]: { username: 'bench', password: 'not-checked' } });
      const q = (v: string) => `'${v}'`;
      process.stdout.write(
        [
          `export DOCKER_CONFIG=${q(config.dir)} NODE_EXTRA_CA_CERTS=${q(tap.certPath)}`,
          `INPUT_SOURCES=${q(sources.join('\n'))} INPUT_TAGS=${q(`${host}/startup/app:by-hand`)} ${o.node} ${o.entry}`,
          `${o.cliNode} ${o.cli} ${sources.map((s) => `--source ${s}`).join(' ')} --tag ${host}/startup/app:by-hand-cli`,
          'waiting; interrupt to stop',
          '',
        ].join('\n'),
      );
      await new Promise<void>((resolve) => process.once('SIGINT', resolve));
      await config.cleanup();
      await proxy?.close();
      return;
    }
    const samples: Record<'boot' | 'cliBoot' | 'action' | 'cli', Sample[]> = { boot: [], cliBoot: [], action: [], cli: [] };
    const sameNode = o.node === o.cliNode;
    for (let i = 0; i < o.runs; i++) {
      await fs.writeFile(outputs, '');
      await fs.writeFile(summary, '');
      samples.boot.push(await sample(o.node, ['-e', ''], baseEnv()));
      if (!sameNode) samples.cliBoot.push(await sample(o.cliNode, ['-e', ''], baseEnv()));
      const actionEnv = {
        ...env,
        INPUT_SOURCES: sources.join('\n'),
        INPUT_TAGS: `${tap.host}/startup/app:action-${i}`,
        GITHUB_OUTPUT: outputs,
        GITHUB_STEP_SUMMARY: summary,
      };
      samples.action.push(await sample(o.node, [o.entry], actionEnv, tap));
      const cliArgs = [o.cli, ...sources.flatMap((s) => ['--source', s]), '--tag', `${tap.host}/startup/app:cli-${i}`];
      samples.cli.push(await sample(o.cliNode, cliArgs, env, tap));
    }
    const boot = median(samples.boot.map((s) => s.wallMs));
    const cliBoot = sameNode ? boot : median(samples.cliBoot.map((s) => s.wallMs));
    const version = async (node: string) =>
      (await new Promise<string>((resolve) => {
        const c = spawn(node, ['--version']);
        let out = '';
        c.stdout.on('data', (d: Buffer) => (out += d.toString()));
        c.once('close', () => resolve(out.trim()));
      })) || node;
    const firsts = (xs: Sample[], k: 'firstConnectionMs' | 'firstRequestMs') => xs.map((s) => s[k]!).filter((v) => v !== undefined);
    const lines = [
      `Start-up with real inputs (${platforms.length} sources on a TLS registry on loopback, a Docker config with credentials), ${o.runs} samples each, no latency added. Action on Node ${await version(o.node)}, command line on Node ${await version(o.cliNode)}. Load average after: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}.`,
      '',
      '| from process start | median | over `node -e ""` | min | max |',
      '| --- | --- | --- | --- | --- |',
      row('`node -e ""` (action Node), to exit', samples.boot.map((s) => s.wallMs), boot),
      row('action: first connection', firsts(samples.action, 'firstConnectionMs'), boot),
      row('action: first HTTP request', firsts(samples.action, 'firstRequestMs'), boot),
      row('action: exit (whole merge, no latency)', samples.action.map((s) => s.wallMs), boot),
      ...(sameNode ? [] : [row('`node -e ""` (command-line Node), to exit', samples.cliBoot.map((s) => s.wallMs), cliBoot)]),
      row('command line: first connection', firsts(samples.cli, 'firstConnectionMs'), cliBoot),
      row('command line: first HTTP request', firsts(samples.cli, 'firstRequestMs'), cliBoot),
      row('command line: exit (whole merge, no latency)', samples.cli.map((s) => s.wallMs), cliBoot),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (o.json) await fs.writeFile(o.json, JSON.stringify({ options: o, samples }, null, 2));
    await config.cleanup();
  } finally {
    await tap.close();
    await registry.stop();
    await fs.rm(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
