/**
 * Where the action's time goes, from one run with RUNNER_DEBUG=1: every `::debug::METHOD URL →
 * status (N ms)` line, placed on the bench's clock by its arrival time, is grouped into the
 * phases the action prints (`::group::…`), and each phase's sequential round trips are counted
 * as the longest chain of requests where each starts after the previous one ended.
 */
import type { TimedLine } from './measure';

export interface LoggedRequest {
  readonly method: string;
  readonly url: URL;
  readonly status: string;
  /** Arrival of the line minus the duration it reports; `end` is the arrival (headers received). */
  readonly start: number;
  readonly end: number;
}

export interface Phase {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly requests: readonly LoggedRequest[];
}

export interface PhaseSummary {
  readonly name: string;
  readonly ms: number;
  readonly requests: number;
  /** The longest chain of requests sent one after the other: the phase's sequential round trips. */
  readonly sequential: number;
  /** Most requests in flight at once. */
  readonly peakConcurrency: number;
  /** Connections the proxies accepted during the phase. */
  readonly connections: number;
  /** `HEAD manifest 404 ×2, PUT manifest 201 ×1 …` */
  readonly breakdown: string;
}

const DEBUG_REQUEST = /^::debug::(GET|HEAD|PUT|POST|PATCH|DELETE) (\S+) → (\S+).* \((\d+) ms\)$/;
/** Two timestamps closer than this are treated as the same instant (line and timer granularity). */
const SLACK_MS = 3;

export function parseRequest({ at, text }: TimedLine): LoggedRequest | undefined {
  const m = DEBUG_REQUEST.exec(text);
  if (!m) return undefined;
  // A request that got no HTTP answer (a TLS attempt on a plain registry, a reset) logs its error.
  const status = /^\d{3}$/.test(m[3]) ? m[3] : 'failed';
  return { method: m[1], url: new URL(m[2]), status, start: at - Number(m[4]), end: at };
}

/** `manifest`, `blob`, `mount`, `upload-start`, `upload`, `ping`, `token`: what a request was for. */
export function kindOf(r: Pick<LoggedRequest, 'url'>): string {
  const p = r.url.pathname;
  if (p === '/v2/' || p === '/v2') return 'ping';
  if (/\/manifests\//.test(p)) return 'manifest';
  if (/\/blobs\/uploads\/?$/.test(p)) return r.url.searchParams.has('mount') ? 'mount' : 'upload-start';
  if (/\/blobs\/uploads\//.test(p)) return 'upload';
  if (/\/blobs\//.test(p)) return 'blob';
  return 'token';
}

/**
 * Splits the run at `::group::` / `::endgroup::` lines; time outside groups is a phase of its
 * own. A request belongs to the phase among whose lines it was printed (lines of one chunk
 * share a timestamp, so their order decides, not their time).
 */
export function phasesOf(lines: readonly TimedLine[], spawnedAt: number, exitedAt: number): Phase[] {
  type Open = { name: string; start: number; end: number; requests: LoggedRequest[] };
  const phases: Open[] = [];
  let current: Open = { name: 'start-up (load, inputs, credentials)', start: spawnedAt, end: exitedAt, requests: [] };
  const next = (name: string, at: number): void => {
    current.end = at;
    phases.push(current);
    current = { name, start: at, end: exitedAt, requests: [] };
  };
  for (const line of lines) {
    if (line.text.startsWith('::group::')) next(line.text.slice('::group::'.length), line.at);
    else if (line.text.startsWith('::endgroup::')) next(phases.length < 2 ? 'plan' : 'between phases', line.at);
    else {
      const request = parseRequest(line);
      if (request) current.requests.push(request);
    }
  }
  current.end = exitedAt;
  if (current.name === 'between phases') current.name = 'report and exit';
  phases.push(current);
  return phases.filter((p) => p.end > p.start || p.requests.length > 0);
}

/** Longest chain r1 → r2 → … with each sent after the previous was answered. */
export function sequentialRoundTrips(requests: readonly LoggedRequest[]): number {
  const sorted = [...requests].sort((a, b) => a.end - b.end);
  const chain: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let best = 1;
    for (let j = 0; j < i; j++) {
      if (sorted[j].end <= sorted[i].start + SLACK_MS) best = Math.max(best, chain[j] + 1);
    }
    chain.push(best);
  }
  return chain.length === 0 ? 0 : Math.max(...chain);
}

export function peakConcurrency(requests: readonly LoggedRequest[]): number {
  const events = requests.flatMap((r) => [
    { t: r.start + SLACK_MS, d: 1 },
    { t: r.end, d: -1 },
  ]);
  events.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let peak = 0;
  for (const e of events) {
    now += e.d;
    peak = Math.max(peak, now);
  }
  return peak;
}

function breakdown(requests: readonly LoggedRequest[]): string {
  const counts = new Map<string, number>();
  for (const r of requests) {
    const key = `${r.method} ${kindOf(r)} ${r.status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(', ');
}

export function summarize(phases: readonly Phase[], connectionTimes: readonly number[]): PhaseSummary[] {
  return phases.map((p) => ({
    name: p.name,
    ms: p.end - p.start,
    requests: p.requests.length,
    sequential: sequentialRoundTrips(p.requests),
    peakConcurrency: peakConcurrency(p.requests),
    connections: connectionTimes.filter((t) => t >= p.start && t < p.end).length,
    breakdown: breakdown(p.requests),
  }));
}
