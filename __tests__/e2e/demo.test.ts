/**
 * `npm run demo` works: its main function merges the two pushed per-arch images for real,
 * prints the digest the registry then serves, renders the summary as text, and stops
 * the registry it started. `npm run demo -- --keep` leaves the registry running and prints
 * command-line calls that work against it; `npm run demo -- --stop` stops it.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { getManifest, MediaTypes, sha256Digest } from '../helpers/fixtures';
import { type DemoResult, type KeptRegistry, renderLog, runDemo, summaryToText } from '../../scripts/demo';

const exec = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run demo', () => {
  it('merges the per-arch images and prints the digest the registry serves', async () => {
    const printed: string[] = [];
    let served: { digest?: string; bytes?: Buffer; mediaType?: string } = {};
    let registryPid = 0;
    const result: DemoResult = await runDemo({
      print: (text) => printed.push(text),
      beforeStop: async (registry, r) => {
        registryPid = registry.pid;
        // Read independently of the demo's own check: raw HTTP from the test helpers.
        served = await getManifest(registry, 'demo/app', 'latest');
        expect(r.tags).toContain(`${registry.host}/demo/app:latest`);
      },
    });
    const text = printed.join('\n');

    expect(result.run.exitCode).toBe(0);
    expect(served.digest).toBe(result.run.outputs.digest);
    expect(served.digest).toBe(sha256Digest(result.run.outputs.manifest));
    expect(served.bytes?.toString()).toBe(result.run.outputs.manifest);
    expect(served.mediaType).toBe(MediaTypes.ociIndex);
    expect(text).toContain(`digest: ${served.digest}`);

    // The buildx-style sources were unwrapped: their image manifests, not the indexes, are the children.
    const index = JSON.parse(result.run.outputs.manifest);
    expect(index.manifests.map((m: { digest: string }) => m.digest)).toEqual(result.sources.map((s) => s.image.digest));
    expect(result.run.outputs.platforms).toBe('linux/amd64,linux/arm64');
    expect(index.annotations['org.opencontainers.image.description']).toMatch(/demo/);
    expect(result.rerun.outputs.digest).toBe(result.run.outputs.digest);
    // The pattern stood for both per-arch tags, each resolved to the index buildx pushed.
    expect(result.run.outputs.sources.split('\n')).toEqual(result.sources.map((s) => `${s.reference}@${s.index.digest}`));
    expect(text).toContain('matches 2 tags');

    // The summary is printed as readable text: no HTML left, the table's rows are there.
    const summaryStart = text.indexOf('Job summary');
    expect(summaryStart).toBeGreaterThan(0);
    const summary = text.slice(summaryStart);
    expect(summary).not.toMatch(/<\/?(table|tr|td|th|code|p|ul|li|h3|b)>/);
    expect(summary).toMatch(/linux\/arm64\s+sha256:/);
    expect(text).toContain('▸ Resolve sources');

    expect(isRunning(registryPid)).toBe(false);
  });
});

/** Running and not a zombie (an orphan's parent may be slow to reap it). */
function isLive(pid: number): boolean {
  if (!isRunning(pid)) return false;
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('npm run demo -- --keep', () => {
  it('leaves the registry running, prints calls the command line answers, and --stop stops it', async () => {
    const run = await exec('npm', ['run', '--silent', 'demo', '--', '--keep'], { cwd: ROOT, maxBuffer: 16 << 20 });
    const lines = run.stdout.split('\n');
    const state = path.join(ROOT, '.tmp', 'demo-registry.json');
    const kept = JSON.parse(await fs.readFile(state, 'utf8')) as KeptRegistry;
    try {
      expect(isLive(kept.pid)).toBe(true);
      // The shell lines to try: from `export REG=…` to the first blank line.
      const start = lines.findIndex((l) => l.startsWith('export REG='));
      expect(start).toBeGreaterThan(0);
      const calls = lines.slice(start, lines.indexOf('', start));
      expect(calls[0]).toBe(`export REG=${kept.host}`);
      const kinds = calls.slice(1).join('\n');
      for (const what of ['--json', '--dry-run', '1001-*', '--help']) expect(kinds).toContain(what);
      // Every call, run as printed by a shell from the repository, succeeds.
      const results = await exec('sh', ['-ec', calls.join('\n')], { cwd: ROOT, maxBuffer: 16 << 20 });
      expect(results.stdout).toMatch(new RegExp(`^${kept.host.replace(/\./g, '\\.')}/try/app@sha256:[0-9a-f]{64}$`, 'm'));
      const json = results.stdout.split('\n').find((l) => l.startsWith('{'));
      expect((await getManifest({ host: kept.host }, 'try/app', '2')).digest).toBe(JSON.parse(json!).digest);
      expect((await getManifest({ host: kept.host }, 'try/app', '3')).status).toBe(404); // the dry run wrote nothing
      expect((await getManifest({ host: kept.host }, 'try/arm-only', '1')).status).toBe(200);
      expect(run.stdout).toContain('npm run demo -- --stop');
      expect(run.stdout).toMatch(/npx --yes --package=\.\/merge-multiarch-action-\d+\.\d+\.\d+\.tgz merge-multiarch-action /);
    } finally {
      const stop = await exec('npm', ['run', '--silent', 'demo', '--', '--stop'], { cwd: ROOT });
      expect(stop.stdout).toContain(`Stopped the registry on ${kept.host} (pid ${kept.pid})`);
    }
    expect(isLive(kept.pid)).toBe(false);
    expect(existsSync(kept.dataDir)).toBe(false);
    expect(existsSync(state)).toBe(false);
  }, 240_000);
});

describe('demo rendering', () => {
  it('turns the summary HTML into aligned text', () => {
    const html =
      '<h3>Multi-arch merge</h3>\n<p>Index <code>sha256:abc</code> (x &amp; y), 2 platforms.</p>\n' +
      '<table><tr><th>Platform</th><th>Size</th></tr><tr><td><code>linux/amd64</code></td><td>1 KiB</td></tr></table>\n' +
      '<p><b>Tags</b></p>\n<ul><li><code>r/a:1</code>: written</li><li>two</li></ul>\n';
    expect(summaryToText(html)).toBe(
      [
        'Multi-arch merge',
        '----------------',
        '',
        'Index sha256:abc (x & y), 2 platforms.',
        '',
        'Platform     Size',
        '-----------  -----',
        'linux/amd64  1 KiB',
        '',
        'Tags',
        '  • r/a:1: written',
        '  • two',
      ].join('\n'),
    );
  });

  it('shows groups and annotations, and debug lines only when asked', () => {
    const stdout =
      '::group::Resolve sources\nline%0A\n::debug::GET http://r/v2/ → 200 (3 ms)\n::endgroup::\n::notice::skipped%0Atwo\nafter\n';
    expect(renderLog(stdout, false)).toBe('▸ Resolve sources\n  line%0A\nNOTICE: skipped\ntwo\nafter');
    expect(renderLog(stdout, true)).toContain('  [debug] GET http://r/v2/ → 200 (3 ms)');
  });
});
