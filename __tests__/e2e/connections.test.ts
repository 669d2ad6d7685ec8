/**
 * Connections per host (design rules 13 and 14), counted by a TCP proxy that adds a round trip
 * (50 ms) to every exchange and a setup cost (100 ms) to every new connection, in front of a REAL
 * Distribution registry: over TLS with HTTP/2 disabled (`http.http2.disabled`, as registries
 * behind an HTTP/1.1-only front end), over TLS with HTTP/2, and over plain HTTP.
 *
 * The first burst of a two-platform merge is three requests at once (the target tag's HEAD and
 * the two source manifests). On HTTP/1.1 each needs a connection of its own: they must all be
 * opened, and secured, together at start-up, not after the handshake that told the protocol; no
 * more of them may carry requests than requests are in flight; the debug log says how many there
 * were. The registries are on loopback, so plain HTTP is allowed (design rule 14): the burst's
 * plain connections open too, and the first reads go out on them while the TLS handshake
 * decides; a TLS server answers them for nothing.
 */
import path from 'node:path';
import { type LatencyProxy, startLatencyProxy } from '../../bench/latencyProxy';
import { runAction } from '../helpers/action';
import { pushImage } from '../helpers/fixtures';
import { type RunningRegistry, startRegistry } from '../helpers/registry';
import { startTlsRegistry, type TlsRegistry } from '../helpers/tlsRegistry';

const LATENCY = { oneWayMs: 25, setupMs: 100 };
const RTT = 2 * LATENCY.oneWayMs;

let reg: RunningRegistry;
let http1: TlsRegistry;
let http2: TlsRegistry;
const proxies: Record<'http1' | 'http2' | 'plain' | 'farPlain', LatencyProxy> = {} as never;

beforeAll(async () => {
  reg = await startRegistry({ auth: 'none' });
  const storage = path.join(reg.dataDir, 'storage');
  http1 = await startTlsRegistry({ storage, altName: '127.0.0.1', http2: false });
  http2 = await startTlsRegistry({ storage, altName: '127.0.0.1' });
  proxies.http1 = await startLatencyProxy('http1', http1.host, LATENCY);
  proxies.http2 = await startLatencyProxy('http2', http2.host, LATENCY);
  proxies.plain = await startLatencyProxy('plain', reg.host, LATENCY);
  // A connection setup longer than the tool's start-up, even on a busy machine: the first reads
  // are ready while the TLS attempt is still under way.
  proxies.farPlain = await startLatencyProxy('far-plain', reg.host, { ...LATENCY, setupMs: 800 });
  await pushImage(reg, 'conn/src', { platform: 'linux/amd64', tag: 'amd64' });
  await pushImage(reg, 'conn/src', { platform: 'linux/arm64', tag: 'arm64' });
});
afterAll(async () => {
  for (const p of Object.values(proxies)) await p?.close();
  await http1?.stop();
  await http2?.stop();
  await reg?.stop();
});

interface Used {
  readonly connections: number;
  readonly transport: string;
  readonly mostInFlight: number;
  readonly unused: number;
}

/** The debug log's account of one origin's connections. */
function usedOf(stdout: string, origin: string): Used {
  const escaped = origin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(
    `::debug::connections to ${escaped}: (\\d+) \\(([^)]+)\\), at most (\\d+) requests in flight at once(?:; (\\d+) opened early and closed unused)?`,
  ).exec(stdout);
  if (!m) throw new Error(`no connection count for ${origin} in the debug log:\n${stdout}`);
  return { connections: Number(m[1]), transport: m[2], mostInFlight: Number(m[3]), unused: Number(m[4] ?? 0) };
}

/** A two-platform merge into the sources' repository behind `proxy` (nothing to copy), with the debug log on. */
async function merge(proxy: LatencyProxy, tag: string, ca?: string) {
  proxy.reset();
  const host = proxy.host;
  const run = await runAction(
    { sources: `${host}/conn/src:amd64,${host}/conn/src:arm64`, tags: `${host}/conn/src:${tag}` },
    { RUNNER_DEBUG: '1', ...(ca ? { NODE_EXTRA_CA_CERTS: ca } : {}) },
  );
  // Let the last delayed bytes through before reading the counters.
  await new Promise((r) => setTimeout(r, 2 * RTT));
  return { run, seen: proxy.snapshot() };
}

const spread = (times: readonly number[]): number => Math.max(...times) - Math.min(...times);

describe('connections per host', () => {
  it('HTTP/1.1 over TLS: the first burst opens and secures its connections together, no more than requests in flight, kept for the run', async () => {
    const { run, seen } = await merge(proxies.http1, 'h1', http1.certPath);
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    const used = usedOf(run.stdout, `https://${proxies.http1.host}`);
    expect(used.transport).toBe('HTTP/1.1');
    // The burst's three requests, each on a connection of its own, opened at start-up.
    expect(used.mostInFlight).toBeGreaterThanOrEqual(3);
    expect(used.connections).toBeGreaterThanOrEqual(3);
    expect(used.connections).toBeLessThanOrEqual(used.mostInFlight);
    // Every connection the proxy saw is one the log accounts for: the TLS ones, and the plain
    // ones loopback gets (design rule 14), which carried the three reads sent ahead.
    const plain = usedOf(run.stdout, `http://${proxies.http1.host}`);
    expect(plain).toMatchObject({ connections: 3, unused: 0 });
    expect(seen.connections).toBe(used.connections + used.unused + plain.connections);
    expect(seen.requests).toBe(3);
    expect(run.stdout).toContain(`${proxies.http1.host} speaks TLS: 3 reads sent ahead over plain HTTP set aside`);
    // Opened together: within one round trip, where opening them after the handshake (which
    // tells HTTP/1.1 from HTTP/2) would take a connection setup and a round trip more. Kept
    // alive: no connection was opened later in the run.
    expect(spread(seen.connectedAt)).toBeLessThan(RTT);
    // Secured together: every ClientHello within one round trip, where TLS started once the
    // handshake said HTTP/1.1 would come a connection setup and a round trip after the first.
    expect(seen.hellos).toHaveLength(used.connections);
    expect(spread(seen.hellos.map((h) => h.at))).toBeLessThan(RTT);
    // Only the handshake offered h2; the others asked for HTTP/1.1 alone.
    expect(seen.tlsConnections).toBe(used.connections);
    expect(seen.h2Connections).toBe(1);
  });

  it('HTTP/2: one connection carries every request; those opened beside its handshake close unused', async () => {
    const { run, seen } = await merge(proxies.http2, 'h2', http2.certPath);
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    const used = usedOf(run.stdout, `https://${proxies.http2.host}`);
    expect(used).toMatchObject({ transport: 'HTTP/2', connections: 1 });
    // The handshake and the two TLS connections beside it (for an HTTP/1.1 burst), these unused.
    expect(used.unused).toBe(2);
    expect(used.unused).toBeLessThanOrEqual(used.mostInFlight);
    expect(seen.tlsConnections).toBe(1 + used.unused);
    expect(seen.h2Connections).toBe(1);
    // The reads sent ahead over plain HTTP reached the TLS server (which answers them 400) and
    // were set aside; nothing else went plain.
    expect(seen.requests).toBe(3);
    expect(run.stdout).toContain(`${proxies.http2.host} speaks TLS: 3 reads sent ahead over plain HTTP set aside`);
    const plain = usedOf(run.stdout, `http://${proxies.http2.host}`);
    expect(seen.connections).toBe(1 + used.unused + plain.connections + plain.unused);
  });

  it('plain HTTP on loopback: decided without a failed connection attempt before the connections it uses, the same way every run', async () => {
    for (const tag of ['plain-1', 'plain-2']) {
      const { run, seen } = await merge(proxies.plain, tag);
      expect(run.errors).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain(`${proxies.plain.host} does not speak TLS`);
      const used = usedOf(run.stdout, `http://${proxies.plain.host}`);
      expect(used.transport).toBe('plain HTTP/1.1');
      expect(used.connections).toBeLessThanOrEqual(used.mostInFlight);
      // The TLS attempts (the handshake and the two beside it) and the plain connections opened
      // at once: none of those the requests used waited for the attempt to fail (a connection
      // setup and a round trip).
      expect(seen.tlsConnections).toBe(3);
      expect(seen.connections).toBe(3 + used.connections);
      expect(spread(seen.connectedAt)).toBeLessThan(RTT);
      expect(usedOf(run.stdout, `https://${proxies.plain.host}`)).toEqual({
        transport: 'not TLS',
        connections: 0,
        unused: 3,
        mostInFlight: 0,
      });
    }
  });

  it('plain HTTP on loopback: the first reads leave before the TLS attempt is refused, and their answers are used', async () => {
    const { run, seen } = await merge(proxies.farPlain, 'ahead');
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`${proxies.farPlain.host} does not speak TLS`);
    // The server answered the handshake's ClientHello by closing; the burst's three reads had
    // reached it over plain HTTP before that, each once.
    const handshake = seen.hellos[0];
    expect(handshake.serverEndedAt).toBeDefined();
    const burst = seen.log.slice(0, 3);
    expect(burst.map((r) => `${r.method} ${r.target}`).sort()).toEqual([
      'GET /v2/conn/src/manifests/amd64',
      'GET /v2/conn/src/manifests/arm64',
      'HEAD /v2/conn/src/manifests/ahead',
    ]);
    expect(burst.every((r) => r.at < handshake.serverEndedAt!)).toBe(true);
    expect(seen.log.filter((r) => r.target === '/v2/conn/src/manifests/amd64' && r.method === 'GET')).toHaveLength(1);
  });
});
