/**
 * Start-up with real inputs, to the first connection and the first HTTP request: a
 * TLS-terminating tap stands between the tools and a TLS registry on loopback (no latency
 * added). It notes when each TCP connection is accepted and when the first HTTP request arrives
 * on any of them (the first HEADERS frame over HTTP/2, the first bytes over HTTP/1.1), then
 * relays the bytes to the registry, so every run completes as it would. Used by the bench's
 * start-up table and by `npm run bench:startup`.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { writeDockerConfig } from '../__tests__/helpers/dockerConfig';
import { pushImage } from '../__tests__/helpers/fixtures';
import { selfSignedCert } from '../__tests__/helpers/tokenServer';
import { type BenchRegistry, startPlainRegistry } from './registry';

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const H2_HEADERS = 0x1;

/** What the tap saw of one run, on this process's `performance.now()` clock. */
interface Seen {
  firstConnection?: number;
  firstRequest?: number;
}

export interface Tap {
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

export async function startTap(upstream: { host: string; certPath: string }): Promise<Tap> {
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

export interface Sample {
  readonly wallMs: number;
  readonly firstConnectionMs?: number;
  readonly firstRequestMs?: number;
}

/** Runs a process to its end; times its first connection and request through the tap, if given. */
export async function sample(command: string, args: readonly string[], env: NodeJS.ProcessEnv, tap?: Tap): Promise<Sample> {
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

/** Everything the start-up runs need: the registry, the tap, a Docker config, the sources. */
export interface StartupRig {
  readonly tap: Tap;
  readonly registry: BenchRegistry;
  /** The Docker config dir (credentials for this registry and two others, as docker/login-action leaves them). */
  readonly dockerConfig: string;
  readonly sources: readonly string[];
  /** A fresh target per run. */
  target(label: string): string;
  /** The environment of a run: the Docker config and the tap's CA (NODE_EXTRA_CA_CERTS). */
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export const STARTUP_PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/ppc64le'];

/** Starts the rig: a TLS registry with one image per platform, the tap in front of it, a Docker config. */
export async function startStartupRig(): Promise<StartupRig> {
  const registry = await startPlainRegistry('startup', { oneWayMs: 0, setupMs: 0 }, true);
  try {
    const tap = await startTap({ host: registry.servedHost, certPath: registry.certPath! });
    for (const platform of STARTUP_PLATFORMS) {
      await pushImage({ host: registry.directHost }, 'startup/app', { platform, tag: platform.replace(/\//g, '-') });
    }
    const config = await writeDockerConfig({
      [tap.host]: { username: 'bench', password: 'not-checked' },
      'ghcr.io': { username: 'someone', password: 'ghp_not-used' },
      'registry.example.com': { username: 'ci', password: 'not-used' },
    });
    return {
      tap,
      registry,
      dockerConfig: config.dir,
      sources: STARTUP_PLATFORMS.map((p) => `${tap.host}/startup/app:${p.replace(/\//g, '-')}`),
      target: (label) => `${tap.host}/startup/app:${label}`,
      env: { ...startupBaseEnv(), DOCKER_CONFIG: config.dir, NODE_EXTRA_CA_CERTS: tap.certPath },
      stop: async () => {
        await config.cleanup();
        await tap.close();
        await registry.stop();
      },
    };
  } catch (err) {
    await registry.stop();
    throw err;
  }
}

/** The bench's environment without the runner's variables. */
export function startupBaseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('INPUT_') && !k.startsWith('GITHUB_') && k !== 'RUNNER_DEBUG'),
  );
}

export interface StartupSamples {
  /** `node -e ''` on the action's Node, to exit. */
  readonly bootMs: number[];
  readonly action: Sample[];
  /** The command line, when measured; `cliBootMs` when it runs on another Node. */
  readonly cli: Sample[];
  readonly cliBootMs: number[];
}

/**
 * `runs` rounds of: `node -e ''`, the action (`entry` on `node`) and, if given, the command
 * line (`cli` on `cliNode`), interleaved so the machine's load hits all alike.
 */
export async function measureStartupWithInputs(
  rig: StartupRig,
  o: { runs: number; node: string; entry: string; cli?: string; cliNode?: string },
): Promise<StartupSamples> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-bench-startup-run-'));
  const outputs = path.join(work, 'output');
  const summary = path.join(work, 'summary');
  const cliNode = o.cliNode ?? o.node;
  const samples: StartupSamples = { bootMs: [], action: [], cli: [], cliBootMs: [] };
  try {
    for (let i = 0; i < o.runs; i++) {
      await fs.writeFile(outputs, '');
      await fs.writeFile(summary, '');
      samples.bootMs.push((await sample(o.node, ['-e', ''], startupBaseEnv())).wallMs);
      if (o.cli && cliNode !== o.node) samples.cliBootMs.push((await sample(cliNode, ['-e', ''], startupBaseEnv())).wallMs);
      const actionEnv = {
        ...rig.env,
        INPUT_SOURCES: rig.sources.join('\n'),
        INPUT_TAGS: rig.target(`action-${i}`),
        GITHUB_OUTPUT: outputs,
        GITHUB_STEP_SUMMARY: summary,
      };
      samples.action.push(await sample(o.node, [o.entry], actionEnv, rig.tap));
      if (o.cli) {
        const args = [o.cli, ...rig.sources.flatMap((s) => ['--source', s]), '--tag', rig.target(`cli-${i}`)];
        samples.cli.push(await sample(cliNode, args, rig.env, rig.tap));
      }
    }
    return samples;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}
