/**
 * Smoke test of the benchmark (`npm run bench -- --quick`): tiny fixtures, one run, a short
 * latency. It checks the machinery, never the speed: every scenario gets a row with measured,
 * non-zero figures, for the action and (when the docker CLI is there) for `docker manifest`.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { BenchResult } from '../../bench/bench';

const exec = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const SCENARIOS = ['a', 'b', 'c', 'd', 'e'];

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
      timeout: 170_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    markdown = await fs.readFile(out, 'utf8');
    result = JSON.parse(await fs.readFile(json, 'utf8')) as BenchResult;
  }, 180_000);

  afterAll(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('measures the action on every scenario with non-zero figures', () => {
    expect(result.scenarios.map((s) => s.id)).toEqual(SCENARIOS);
    for (const s of result.scenarios) {
      const [run] = s.series.action ?? [];
      expect({ id: s.id, ok: run?.ok, error: run?.error }).toEqual({ id: s.id, ok: true, error: undefined });
      expect(run.wallMs).toBeGreaterThan(0);
      expect(run.requests).toBeGreaterThan(0);
      expect(run.connections).toBeGreaterThan(0);
      expect(run.bytes).toBeGreaterThan(0);
      expect(run.spanMs).toBeGreaterThan(0);
      expect(run.peakRssBytes).toBeGreaterThan(0);
      expect(s.lowerBoundMs).toBeGreaterThan(0);
      expect(s.phases?.some((p) => p.requests > 0)).toBe(true);
    }
  });

  it('writes a results row per scenario, docker included when it is installed', () => {
    const docker = !result.machine.docker.startsWith('not');
    // Cells may be padded: the report is run through the repository's Prettier.
    const row = (id: string, tool: string, wall: string): RegExp => new RegExp(`^\\| ${id} +\\| ${tool} +\\| ${wall}`, 'm');
    const dockerTool = '`docker manifest` create \\+ push';
    for (const id of SCENARIOS) {
      expect(markdown).toMatch(row(id, 'action', '\\d+ ms'));
      if (docker) expect(markdown).toMatch(row(id, dockerTool, '(\\d+ ms|fails: )'));
    }
    // Measured, not assumed: docker refuses buildx sources.
    if (docker) expect(markdown).toMatch(row('b', dockerTool, 'fails: .*is a manifest list'));
  });

  it('measures the throughput baseline, the start-up and the targets', () => {
    const e = result.scenarios.find((s) => s.id === 'e');
    expect(e?.series['copy-parallel']?.[0]?.ok).toBe(true);
    expect(e?.series['copy-parallel']?.[0]?.bytes).toBeGreaterThan(0);
    expect(result.startup?.entryMs.every((t) => t > 0)).toBe(true);
    expect(markdown).toContain('### Targets');
    expect(markdown).toContain('### Lower bounds');
  });
});
