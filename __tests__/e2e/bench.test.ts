/**
 * Smoke test of the benchmark (`npm run bench -- --quick`): tiny fixtures, one run, a short
 * latency, over TLS (HTTP/2 offered), over TLS with HTTP/2 disabled, and over plain HTTP. It
 * checks the machinery, never the speed: every scenario gets a row with measured, non-zero
 * figures in every mode, for the action and (when
 * they are installed) for `docker manifest` and `buildah manifest`.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { BenchResult } from '../../bench/bench';

const exec = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const SCENARIOS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const TRANSPORTS = ['tls', 'tls1', 'plain'] as const;

describe('npm run bench -- --quick', () => {
  let dir: string;
  let markdown: string;
  let result: BenchResult;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-bench-smoke-'));
    const out = path.join(dir, 'BENCHMARKS.md');
    const json = path.join(dir, 'bench.json');
    await exec('npm', ['run', '--silent', 'bench', '--', '--quick', '--out', out, '--json', json], {
      cwd: ROOT,
      timeout: 470_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    markdown = await fs.readFile(out, 'utf8');
    result = JSON.parse(await fs.readFile(json, 'utf8')) as BenchResult;
  }, 480_000);

  afterAll(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('measures the action on every scenario, over each transport, with non-zero figures', () => {
    expect(result.scenarios.map((s) => `${s.transport} ${s.id}`)).toEqual(
      TRANSPORTS.flatMap((t) => SCENARIOS.map((id) => `${t} ${id}`)),
    );
    for (const s of result.scenarios) {
      const [run] = s.series.action ?? [];
      const what = `${s.transport} ${s.id}`;
      expect({ what, ok: run?.ok, error: run?.error }).toEqual({ what, ok: true, error: undefined });
      expect(run.wallMs).toBeGreaterThan(0);
      expect(run.connections).toBeGreaterThan(0);
      expect(run.bytes).toBeGreaterThan(0);
      expect(run.spanMs).toBeGreaterThan(0);
      expect(run.peakRssBytes).toBeGreaterThan(0);
      expect(run.cpuMs).toBeGreaterThan(0);
      expect(s.lowerBoundMs).toBeGreaterThan(0);
      // The processing floor: the same merge with no latency added, for every scenario but the throughput one.
      if (s.id !== 'e') expect({ what, floor: s.series['action-floor']?.map((m) => m.ok) }).toEqual({ what, floor: [true] });
      expect(s.phases?.some((p) => p.requests > 0)).toBe(true);
      expect(s.debugRequests).toBeGreaterThan(0);
      if (s.transport === 'plain') expect(run.requests).toBeGreaterThan(0);
      // Over TLS the proxies see TLS connections only (the token service of (d) excepted).
      if (s.transport !== 'plain') expect(run.tlsConnections).toBeGreaterThan(0);
      // The debug log says how many connections each host had.
      expect(s.connectionsUsed?.some((u) => u.connections > 0)).toBe(true);
    }
  });

  it('measures the re-run (g) as reads only, and (f) at twice the platforms of (c)', () => {
    for (const t of TRANSPORTS) {
      const g = result.scenarios.find((s) => s.id === 'g' && s.transport === t);
      expect(g?.debugByMethod?.GET).toBeGreaterThan(0);
      expect({ t, PUT: g?.debugByMethod?.PUT, POST: g?.debugByMethod?.POST }).toEqual({ t, PUT: undefined, POST: undefined });
    }
    expect(markdown).toMatch(/^\| \(g\) over HTTPS: a re-run only reads +\| \d+ \(debug log\) requests, 0 of them writes/m);
    expect(markdown).toMatch(/^\| f +\| action +\| \d+ ms/m);
    expect(markdown).toMatch(
      /^\| \(c\) over HTTPS +\| \d+ ms +\| \d+ ms +\| \d+ ms +\| \d+ ms +\| \d+ ms +\| \d+ ms = [\d.]+× +\|/m,
    );
  });

  it('writes a results table per transport, a row per scenario, docker and buildah included when installed', () => {
    const docker = !result.machine.docker.startsWith('not');
    const buildah = !result.machine.buildah.startsWith('not');
    const [overTls, plain] = markdown.split('### Over plain HTTP');
    const [tls, tls1] = overTls.split('### Over HTTPS, HTTP/1.1 only');
    expect(tls).toContain('### Over HTTPS');
    expect(tls1).toBeDefined();
    // Cells may be padded: the report is run through the repository's Prettier.
    const row = (id: string, tool: string, wall: string): RegExp => new RegExp(`^\\| ${id} +\\| ${tool} +\\| ${wall}`, 'm');
    const dockerTool = '`docker manifest` create \\+ push';
    const buildahTool = '`buildah manifest` create \\+ add \\+ push';
    for (const section of [tls, tls1, plain]) {
      for (const id of SCENARIOS) {
        expect(section).toMatch(row(id, 'action', '\\d+ ms'));
        // The peers cannot tell a re-run from a first run: (g) has none.
        if (docker && id !== 'g') expect(section).toMatch(row(id, dockerTool, '(\\d+ ms|fails: )'));
        if (buildah && id !== 'g') expect(section).toMatch(row(id, buildahTool, '(\\d+ ms|fails: )'));
      }
    }
    // Measured, not assumed: docker refuses buildx sources.
    if (docker) expect(plain).toMatch(row('b', dockerTool, 'fails: .*is a manifest list'));
    // Over TLS the requests come from the action's debug log; the connections say whether h2 was offered.
    expect(tls).toMatch(/^\| a +\| action +\| \d+ ms[^|]*\| \d+ \(debug log\) +\| \d+[^|]*h2 offered on \d+/m);
    // With HTTP/2 disabled only the handshake that tells the protocol offers it.
    expect(tls1).toMatch(/^\| a +\| action +\| \d+ ms[^|]*\| \d+ \(debug log\) +\| \d+[^|]*h2 offered on 1\b/m);
  });

  it('measures the throughput baseline in both modes, the start-up and the targets', () => {
    for (const t of TRANSPORTS) {
      const e = result.scenarios.find((s) => s.id === 'e' && s.transport === t);
      expect(e?.series['copy-parallel']?.[0]?.ok).toBe(true);
      expect(e?.series['copy-parallel']?.[0]?.bytes).toBeGreaterThan(0);
    }
    expect(result.startup?.entryMs.every((t) => t > 0)).toBe(true);
    // With real inputs, the tap saw each run's first connection and then its first request, the command line's too.
    for (const samples of [result.startup?.withInputs?.action, result.startup?.withInputs?.cli]) {
      expect(samples?.length).toBeGreaterThan(0);
      for (const s of samples ?? []) {
        expect(s.firstConnectionMs).toBeGreaterThan(0);
        expect(s.firstRequestMs).toBeGreaterThanOrEqual(s.firstConnectionMs ?? Infinity);
      }
    }
    expect(markdown).toMatch(/^\| the action with real inputs: first HTTP request +\| \d+ ms/m);
    expect(markdown).toMatch(/\| the command line, real inputs: first connection on the wire ≤ 30 ms over `node -e ''` +\|/);
    expect(result.machine.tlsAlpn.length).toBeGreaterThan(0);
    expect(markdown).toContain('### Targets');
    expect(markdown).toContain('### Lower bounds');
    expect(markdown).toMatch(
      /\| \(a\) over HTTPS: one connection per host carries the requests, over HTTP\/2 +\| .* \| (met|\*\*not met\*\*) +\|/,
    );
    expect(markdown).toMatch(/\| \(e\) over plain HTTP: throughput ≥ 90% of a plain copy +\|/);
    expect(markdown).toMatch(
      /\| \(a\) over HTTPS, HTTP\/1\.1 only: no host gets more connections carrying requests than requests in flight at once \(debug run\) +\| .* \| (met|\*\*not met\*\*) +\|/,
    );
    expect(markdown).toMatch(
      /\| \(a\) over HTTPS, HTTP\/1\.1 only: wall time ≤ 0\.9 × the best peer figure \(buildx imagetools 480 ms, quoted\) +\|/,
    );
  });
});
