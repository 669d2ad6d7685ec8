/**
 * Runs the benchmark: for each transport (TLS, TLS with HTTP/2 disabled, then plain HTTP), starts the registries behind
 * latency proxies, prepares each scenario, then alternates the action, `docker manifest` and
 * `buildah manifest` runs, counting what crosses the proxies.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeDockerConfig } from '../__tests__/helpers/dockerConfig';
import { type PhaseSummary, phasesOf, summarize } from './debugLog';
import type { Latency, LatencyProxy } from './latencyProxy';
import { type LowerBound, lowerBoundMs } from './lowerBound';
import { killRunningChildren, peakRssMethod } from './measure';
import { type BenchRegistry, startPlainRegistry, startTokenRegistry } from './registry';
import { measureStartupWithInputs, startStartupRig, type StartupSamples } from './startupProbe';
import {
  overTls,
  type PreparedScenario,
  prepare,
  type Registries,
  type ScenarioId,
  type Sizes,
  type Transport,
} from './scenarios';

const TRANSPORT_LABEL: Record<Transport, string> = { tls: 'TLS', tls1: 'TLS, HTTP/1.1 only', plain: 'plain HTTP' };
import {
  buildahVersion,
  dockerVersion,
  runAction,
  runActionStartupOnly,
  runBuildahManifest,
  runDockerManifest,
  runEmptyNode,
  runPlainCopy,
  nodeVersion,
  type ToolRun,
} from './tools';

export interface BenchOptions {
  readonly runs: number;
  readonly warmup: boolean;
  readonly scenarios: readonly ScenarioId[];
  /** TLS first (the headline), then plain HTTP; either may be left out. */
  readonly transports: readonly Transport[];
  readonly latency: Latency;
  readonly sizes: Sizes;
  /** The action's bundled entry (dist/index.js). */
  readonly entry: string;
  /**
   * Another build of the action (its dist/index.js), run right after each run of `entry` with the
   * same inputs: an A/B comparison under the same machine load, run by run.
   */
  readonly baseline?: string;
  /** The Node binary it runs on (and the plain copy and `node -e ''` beside it). */
  readonly node: string;
  /** This benchmark's own bundle, re-run as a child for the plain-copy baseline. */
  readonly benchEntry: string;
  readonly docker: boolean;
  readonly buildah: boolean;
  readonly startupSamples: number;
  /** Also run the action with no latency added (the processing floor), for every scenario but (e). */
  readonly floor: boolean;
  /** Where to keep the timestamped stdout of each scenario's debug run (evidence for the analysis). */
  readonly debugLogDir?: string;
  readonly log: (line: string) => void;
}

/** One measured run, with what crossed the proxies while it ran. */
export interface Measurement {
  readonly ok: boolean;
  readonly error?: string;
  readonly wallMs: number;
  readonly peakRssBytes?: number;
  /** User + system CPU time of the tool's process(es). */
  readonly cpuMs?: number;
  /** HTTP/1.x requests the proxies read (none of those inside TLS). */
  readonly requests: number;
  readonly byMethod: Record<string, number>;
  readonly connections: number;
  /** Connections that did not speak HTTP/1.x (TLS, or a TLS attempt on the plain-HTTP registry). */
  readonly foreignConnections: number;
  /** Connections that began with a TLS ClientHello, and those of them that offered h2. */
  readonly tlsConnections: number;
  readonly h2Connections: number;
  /** Connections by proxy name (`registry-a`, `registry-token-token` …). */
  readonly connectionsByHost: Record<string, number>;
  /** Proxies (hosts) that saw at least one connection, and those that saw a TLS one. */
  readonly hosts: number;
  readonly tlsHosts: number;
  readonly bytes: number;
  /** First connection accepted → last byte delivered, over every proxy. */
  readonly spanMs: number;
}

export type Contestant =
  | 'action'
  | 'baseline'
  | 'docker'
  | 'buildah'
  | 'copy-parallel'
  | 'copy-serial'
  | 'action-direct'
  | 'copy-direct'
  | 'action-floor';

export interface ScenarioResult {
  readonly id: ScenarioId;
  readonly title: string;
  readonly transport: Transport;
  readonly lowerBound: LowerBound;
  readonly lowerBoundMs: number;
  readonly series: Partial<Record<Contestant, Measurement[]>>;
  /** From one extra action run with RUNNER_DEBUG=1. */
  readonly phases?: readonly PhaseSummary[];
  readonly debugRun?: Measurement;
  /** The requests the debug run's log names (over TLS the proxies cannot count them). */
  readonly debugRequests?: number;
  /** The same, by method (`GET`, `PUT` …). */
  readonly debugByMethod?: Record<string, number>;
  /** What the debug run's log says of each origin's connections at the end of the run. */
  readonly connectionsUsed?: readonly ConnectionsUsed[];
}

export interface ConnectionsUsed {
  readonly origin: string;
  readonly transport: string;
  readonly connections: number;
  readonly mostInFlight: number;
  readonly unused: number;
}

/** The action's `connections to <origin>: N (<transport>), at most M requests in flight at once[; U opened early and closed unused]` lines. */
export function connectionsInLog(lines: ToolRun['lines']): ConnectionsUsed[] {
  return lines.flatMap(({ text }) => {
    const m =
      /^::debug::connections to (\S+): (\d+) \(([^)]+)\), at most (\d+) requests in flight at once(?:; (\d+) opened early and closed unused)?/.exec(
        text,
      );
    return m
      ? [{ origin: m[1], connections: Number(m[2]), transport: m[3], mostInFlight: Number(m[4]), unused: Number(m[5] ?? 0) }]
      : [];
  });
}

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly kernel: string;
  readonly registry: string;
  readonly docker: string;
  readonly buildah: string;
  /** What the TLS registries picked when offered h2 and http/1.1 (ALPN), checked as each started. */
  readonly tlsAlpn: readonly string[];
  readonly peakRss: string;
  /** The commit, whether src/ or dist/ had uncommitted changes, and the entry's SHA-256. */
  readonly code: string;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
}

export interface StartupResult {
  readonly emptyNodeMs: readonly number[];
  readonly entryMs: readonly number[];
  /** With real inputs, to the first connection and the first HTTP request (bench/startupProbe.ts). */
  readonly withInputs?: StartupSamples;
}

export interface BenchResult {
  readonly options: Omit<BenchOptions, 'log'>;
  readonly machine: MachineInfo;
  readonly startup?: StartupResult;
  readonly scenarios: readonly ScenarioResult[];
  readonly durationMs: number;
  readonly date: string;
}

const execFileP = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function registryVersion(): Promise<string> {
  try {
    return (await execFileP('docker-registry', ['--version'], { timeout: 10_000 })).stdout.trim();
  } catch {
    return 'unknown';
  }
}

/**
 * Copies the entry's directory (an ncc bundle is self-contained) to a temp dir and measures the
 * copy, so a rebuild of dist/ during a long run cannot mix two builds in one report.
 */
async function snapshotEntry(entry: string): Promise<{ entry: string; remove(): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-bench-entry-'));
  await fs.cp(path.dirname(entry), dir, { recursive: true });
  return { entry: path.join(dir, path.basename(entry)), remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

async function codeVersion(entry: string, snapshot: string): Promise<string> {
  // The entry and the chunks it loads (`<id>.index.js` beside it): a change to either is another build.
  const dir = path.dirname(snapshot);
  const chunks = (await fs.readdir(dir)).filter((f) => /^\d+\.index\.js$/.test(f)).sort();
  const digest = createHash('sha256').update(await fs.readFile(snapshot));
  for (const chunk of chunks) digest.update(await fs.readFile(path.join(dir, chunk)));
  const hash = digest.digest('hex').slice(0, 12);
  try {
    const cwd = path.dirname(entry);
    const commit = (await execFileP('git', ['rev-parse', '--short', 'HEAD'], { cwd })).stdout.trim();
    const dirty = (
      await execFileP('git', ['status', '--porcelain', '--', 'src', 'dist'], { cwd: path.join(cwd, '..') })
    ).stdout.trim();
    return `commit ${commit}${dirty ? ' with uncommitted changes in src/ or dist/' : ''}, ${path.basename(path.dirname(entry))}/${path.basename(entry)} and its chunks sha256 ${hash}…`;
  } catch {
    return `${entry} sha256 ${hash}…`;
  }
}

/** Resets the proxies, runs `fn`, and reads what crossed them. */
async function measured(
  proxies: readonly LatencyProxy[],
  latency: Latency,
  fn: () => Promise<ToolRun>,
): Promise<{ m: Measurement; run: ToolRun; connectedAt: number[] }> {
  for (const p of proxies) p.reset();
  const run = await fn();
  // Let the last delayed bytes through before reading the counters.
  await sleep(2 * latency.oneWayMs + 20);
  const snaps = proxies.map((p) => p.snapshot());
  const byMethod: Record<string, number> = {};
  for (const s of snaps) for (const [k, n] of Object.entries(s.byMethod)) byMethod[k] = (byMethod[k] ?? 0) + n;
  const firsts = snaps.map((s) => s.firstActivity).filter((t): t is number => t !== undefined);
  const lasts = snaps.map((s) => s.lastActivity).filter((t): t is number => t !== undefined);
  const m: Measurement = {
    ok: run.ok,
    error: run.error,
    wallMs: run.wallMs,
    peakRssBytes: run.peakRssBytes,
    cpuMs: run.cpuMs,
    requests: snaps.reduce((n, s) => n + s.requests, 0),
    byMethod,
    connections: snaps.reduce((n, s) => n + s.connections, 0),
    foreignConnections: snaps.reduce((n, s) => n + s.foreignConnections, 0),
    tlsConnections: snaps.reduce((n, s) => n + s.tlsConnections, 0),
    h2Connections: snaps.reduce((n, s) => n + s.h2Connections, 0),
    connectionsByHost: Object.fromEntries(proxies.map((p, i) => [p.name, snaps[i].connections])),
    hosts: snaps.filter((s) => s.connections > 0).length,
    tlsHosts: snaps.filter((s) => s.tlsConnections > 0).length,
    bytes: snaps.reduce((n, s) => n + s.bytesUp + s.bytesDown, 0),
    spanMs: firsts.length && lasts.length ? Math.max(...lasts) - Math.min(...firsts) : 0,
  };
  return { m, run, connectedAt: snaps.flatMap((s) => s.connectedAt) };
}

/**
 * The registries of one transport, started on first use. Over TLS every registry's certificate
 * is appended to one PEM bundle (`caFile`), what NODE_EXTRA_CA_CERTS names for the action.
 */
function lazyRegistries(transport: Transport, latency: Latency, started: BenchRegistry[], caFile: string): Registries {
  const tls = overTls(transport);
  const http2 = transport !== 'tls1';
  const once = (start: () => Promise<BenchRegistry>): (() => Promise<BenchRegistry>) => {
    let pending: Promise<BenchRegistry> | undefined;
    return () =>
      (pending ??= start().then(async (r) => {
        started.push(r);
        if (r.certPath) await fs.appendFile(caFile, await fs.readFile(r.certPath));
        return r;
      }));
  };
  const name = (n: string) => `${n}${tls ? '-tls' : ''}`;
  return {
    transport,
    caFile: tls ? caFile : undefined,
    plain: once(() => startPlainRegistry(name('registry-a'), latency, tls, http2)),
    second: once(() => startPlainRegistry(name('registry-b'), latency, tls, http2)),
    token: once(() => startTokenRegistry(name('registry-token'), latency, tls, http2)),
  };
}

async function withDockerConfig<T>(auths: PreparedScenario['auths'], fn: (dir: string) => Promise<T>): Promise<T> {
  const config = await writeDockerConfig(auths);
  try {
    return await fn(config.dir);
  } finally {
    await config.cleanup();
  }
}

/** The requests an action run's debug log names, in all and by method. */
function requestsInLog(lines: ToolRun['lines']): { count: number; byMethod: Record<string, number> } {
  const byMethod: Record<string, number> = {};
  let count = 0;
  for (const l of lines) {
    const m = /^::debug::(GET|HEAD|PUT|POST|PATCH|DELETE) \S+ → \d{3} /.exec(l.text);
    if (!m) continue;
    count++;
    byMethod[m[1]] = (byMethod[m[1]] ?? 0) + 1;
  }
  return { count, byMethod };
}

async function runScenario(s: PreparedScenario, options: BenchOptions): Promise<ScenarioResult> {
  const { latency, log } = options;
  const series: Partial<Record<Contestant, Measurement[]>> = {};
  const record = (who: Contestant, m: Measurement): void => {
    (series[who] ??= []).push(m);
    const what = m.ok
      ? `${Math.round(m.wallMs)} ms, ${m.requests} requests seen, ${m.connections} connections (${m.tlsConnections} TLS, ${m.h2Connections} offering h2)`
      : `failed: ${m.error}`;
    log(`  ${s.transport} ${s.id} ${who}: ${what}`);
  };
  const tools = { caFile: s.caFile, node: options.node };
  const action = (label: string, debug = false, direct = false, entry = options.entry) =>
    measured(s.proxies, latency, () =>
      withDockerConfig(s.auths, (dockerConfig) =>
        runAction(
          entry,
          direct && s.direct
            ? { sources: s.direct.sources, tags: [s.direct.target(label)] }
            : { sources: s.sources, tags: [s.target(label)] },
          { ...tools, dockerConfig, debug },
        ),
      ),
    );
  const docker = (label: string) =>
    measured(s.proxies, latency, () =>
      withDockerConfig(s.auths, (dir) => runDockerManifest(s.sources, s.target(label), dir, tools)),
    );
  const buildah = (label: string) =>
    measured(s.proxies, latency, () =>
      withDockerConfig(s.auths, (dir) => runBuildahManifest(s.sources, s.target(label), dir, tools)),
    );
  const copy = (label: string, parallel: boolean, direct: boolean) =>
    measured(s.proxies, latency, () => runPlainCopy(options.benchEntry, s.copy!.spec(label, parallel, direct), tools));

  if (s.before) {
    const before = await withDockerConfig(s.auths, (dockerConfig) =>
      runAction(options.entry, { sources: s.before!.sources, tags: [s.before!.target] }, { ...tools, dockerConfig }),
    );
    if (!before.ok) throw new Error(`(${s.id}): the merge to re-run failed: ${before.error}`);
  }
  // The action is warmed up once (Node loads and compiles the bundle; the page cache fills).
  // The peers are native binaries, already paged in by `--version`: their runs are the slowest
  // of the bench, so they get no extra run.
  if (options.warmup) await action(`${s.transport}-action-warmup`);
  const { baseline } = options;
  if (baseline && options.warmup) await action(`${s.transport}-baseline-warmup`, false, false, baseline);
  const peerRuns = Math.min(options.runs, s.peerRuns ?? options.runs);
  for (let i = 1; i <= options.runs; i++) {
    const label = `${s.transport}-${i}`;
    record('action', (await action(`action-${label}`)).m);
    if (baseline) record('baseline', (await action(`baseline-${label}`, false, false, baseline)).m);
    if (options.docker && i <= peerRuns) record('docker', (await docker(`docker-${label}`)).m);
    if (options.buildah && i <= peerRuns) record('buildah', (await buildah(`buildah-${label}`)).m);
    if (s.copy) {
      record('copy-parallel', (await copy(`par-${label}`, true, false)).m);
      record('copy-serial', (await copy(`ser-${label}`, false, false)).m);
      record('action-direct', (await action(`direct-${label}`, false, true)).m);
      record('copy-direct', (await copy(`pardirect-${label}`, true, true)).m);
    }
  }
  // The processing floor: the same runs through the same proxies with no latency added, so
  // what is left is the work of the action, the registries and the proxies on this machine's CPUs.
  if (options.floor && !s.copy) {
    for (const p of s.proxies) p.setLatency({ oneWayMs: 0, setupMs: 0 });
    try {
      for (let i = 1; i <= options.runs; i++) record('action-floor', (await action(`floor-${s.transport}-${i}`)).m);
    } finally {
      for (const p of s.proxies) p.setLatency(latency);
    }
  }
  const debug = await action(`${s.transport}-action-debug`, true);
  const exitedAt = debug.run.startedAt + debug.run.wallMs;
  if (options.debugLogDir) {
    await fs.mkdir(options.debugLogDir, { recursive: true });
    const text = debug.run.lines.map((l) => `+${String(l.at - debug.run.startedAt).padStart(5)} ms ${l.text}`).join('\n');
    await fs.writeFile(path.join(options.debugLogDir, `${s.transport}-${s.id}.log`), `${text}\n`);
  }
  const phases = summarize(phasesOf(debug.run.lines, debug.run.startedAt, exitedAt), debug.connectedAt);
  const logged = requestsInLog(debug.run.lines);
  return {
    id: s.id,
    title: s.title,
    transport: s.transport,
    lowerBound: s.lowerBound,
    lowerBoundMs: lowerBoundMs(s.lowerBound, latency, s.transport),
    series,
    phases,
    debugRun: debug.m,
    debugRequests: logged.count,
    debugByMethod: logged.byMethod,
    connectionsUsed: connectionsInLog(debug.run.lines),
  };
}

async function measureStartup(options: BenchOptions): Promise<StartupResult> {
  const emptyNodeMs: number[] = [];
  const entryMs: number[] = [];
  for (let i = 0; i < options.startupSamples; i++) {
    emptyNodeMs.push(await runEmptyNode(options));
    entryMs.push(await runActionStartupOnly(options.entry, options));
  }
  // The command line beside the action, on the same Node, when its bundle is there.
  const cli = path.join(path.dirname(options.entry), 'cli', 'index.js');
  const hasCli = await fs.access(cli).then(
    () => true,
    () => false,
  );
  const rig = await startStartupRig();
  try {
    const withInputs = await measureStartupWithInputs(rig, {
      runs: options.startupSamples,
      node: options.node,
      entry: options.entry,
      cli: hasCli ? cli : undefined,
    });
    return { emptyNodeMs, entryMs, withInputs };
  } finally {
    await rig.stop();
  }
}

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const started = Date.now();
  const loadBefore = os.loadavg();
  const snapshot = await snapshotEntry(options.entry);
  const baseline = options.baseline ? await snapshotEntry(options.baseline) : undefined;
  const [registry, docker, buildah, rss, code] = await Promise.all([
    registryVersion(),
    dockerVersion(),
    buildahVersion(),
    peakRssMethod(),
    codeVersion(options.entry, snapshot.entry),
  ]);
  const useDocker = options.docker && docker !== undefined;
  if (options.docker && !docker) options.log('docker CLI not found: docker columns are skipped');
  const useBuildah = options.buildah && buildah !== undefined;
  if (options.buildah && !buildah) options.log('buildah not found (apt-get install buildah): buildah columns are skipped');
  const opts = { ...options, entry: snapshot.entry, baseline: baseline?.entry, docker: useDocker, buildah: useBuildah };
  const caDir = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-bench-ca-'));

  const registries: BenchRegistry[] = [];
  const alpnSeen = new Set<string>();
  const stopAll = async (): Promise<void> => {
    for (const r of registries) if (r.alpn) alpnSeen.add(r.alpn);
    await Promise.all(registries.splice(0).map((r) => r.stop()));
  };
  // Ctrl-C or a kill must not leave registries behind: stop them (by PID) first.
  const onSignal = (signal: NodeJS.Signals): void => {
    killRunningChildren();
    void stopAll().finally(() => process.kill(process.pid, signal));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const scenarios: ScenarioResult[] = [];
  let startup: StartupResult;
  try {
    options.log('start-up: node -e "" vs the action failing at input parsing, and with real inputs to its first request');
    startup = await measureStartup(opts);
    for (const transport of options.transports) {
      const regs = lazyRegistries(transport, options.latency, registries, path.join(caDir, `${transport}-ca.pem`));
      for (const id of options.scenarios) {
        options.log(`scenario ${id} over ${TRANSPORT_LABEL[transport]}: pushing fixtures`);
        const prepared = await prepare(id, regs, options.sizes);
        options.log(prepared.title);
        scenarios.push(await runScenario(prepared, opts));
      }
      // One transport's registries at a time: the machine is small.
      await stopAll();
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await stopAll();
    await snapshot.remove();
    await baseline?.remove();
    await fs.rm(caDir, { recursive: true, force: true });
  }
  const { log: _log, ...measuredWith } = opts;
  const recorded = { ...measuredWith, entry: options.entry, baseline: options.baseline };
  return {
    options: recorded,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
      node: await nodeVersion(options.node),
      kernel: `${os.type()} ${os.release()}`,
      registry,
      docker: docker ?? 'not installed',
      buildah: buildah ?? 'not installed',
      tlsAlpn: [...alpnSeen],
      peakRss: rss,
      code,
      loadBefore,
      loadAfter: os.loadavg(),
    },
    startup,
    scenarios,
    durationMs: Date.now() - started,
    date: new Date(started).toISOString(),
  };
}

/** Where the bench bundle lives once built (`npm run bench` builds it there). */
export function defaultPaths(cwd: string): { entry: string } {
  return { entry: path.join(cwd, 'dist', 'index.js') };
}

export async function assertEntry(entry: string): Promise<void> {
  await fs.access(entry).catch(() => {
    throw new Error(`${entry} not found: run "npm run build" first`);
  });
}
