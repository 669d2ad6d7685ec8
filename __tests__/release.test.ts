/**
 * What a release needs, checked on every change: the CHANGELOG has notes for package.json's
 * version (the release workflow publishes exactly those), the notes script finds them, and the
 * release workflow pins every action it uses by commit.
 */
import { execFile } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const SCRIPT = path.join(ROOT, 'scripts', 'release-notes.sh');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('release notes (scripts/release-notes.sh)', () => {
  it("prints the CHANGELOG section of package.json's version", async () => {
    const { version } = JSON.parse(read('package.json')) as { version: string };
    const { stdout } = await exec('bash', [SCRIPT, version]);
    const changelog = read('CHANGELOG.md');
    const start = changelog.indexOf(`## [${version}]`);
    expect(start).toBeGreaterThan(changelog.indexOf('## [Unreleased]'));
    expect(stdout.trim().length).toBeGreaterThan(0);
    expect(changelog.slice(start)).toContain(stdout.trim().split('\n')[0]);
    expect(stdout).not.toMatch(/^## /m);
  });

  it('takes one section only, without link references, and fails when there is none', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'notes-'));
    try {
      const file = path.join(dir, 'CHANGELOG.md');
      await fs.writeFile(
        file,
        [
          '# Changelog',
          '## [Unreleased]',
          '- next',
          '## [1.1.0] - 2026-01-02',
          '',
          '### Fixed',
          '- b',
          '## [1.0.0] - 2026-01-01',
          '- a',
          '## [1.0.1-rc.1] - 2026-01-01',
          '',
          '[1.1.0]: https://example.com/1.1.0',
          '',
        ].join('\n'),
      );
      expect((await exec('bash', [SCRIPT, '1.1.0', file])).stdout).toBe('### Fixed\n- b\n');
      expect((await exec('bash', [SCRIPT, '1.0.0', file])).stdout).toBe('- a\n');
      await expect(exec('bash', [SCRIPT, '1.0.1-rc.1', file])).rejects.toThrow(/no notes for 1\.0\.1-rc\.1/);
      await expect(exec('bash', [SCRIPT, '2.0.0', file])).rejects.toThrow(/no notes for 2\.0\.0/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

/** The jobs of a workflow, by name: each job's lines (two-space names under `jobs:`). */
function jobsOf(workflow: string): Record<string, string> {
  const body = workflow.slice(workflow.indexOf('\njobs:\n') + '\njobs:\n'.length);
  const jobs: Record<string, string> = {};
  let name = '';
  for (const line of body.split('\n')) {
    const start = /^ {2}([\w-]+):\s*$/.exec(line);
    if (start) name = start[1];
    else if (name) jobs[name] = `${jobs[name] ?? ''}${line}\n`;
  }
  return jobs;
}

describe('release workflow', () => {
  const workflow = read('.github/workflows/release.yml');
  const jobs = jobsOf(workflow);

  it('pins every third-party action by full commit SHA, with the version in a comment; ./ is this action', () => {
    const uses = [...workflow.matchAll(/uses:\s*(\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, action, rest] of uses) {
      if (action === './') continue;
      expect(action).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      expect(rest).toMatch(/# v\d+/);
    }
  });

  it('runs on version tags, runs CI, publishes the notes and moves the major tag', () => {
    expect(workflow).toContain("tags: ['v*.*.*']");
    expect(jobs.check).toContain('bash .ci/run');
    expect(jobs.check).toContain('bash scripts/release-notes.sh "$version"');
    expect(jobs.release).toMatch(/gh release create[\s\S]*--notes-file/);
    expect(jobs.release).toContain('git push --force origin "refs/tags/$major"');
    expect(jobs.release).toMatch(/needs: \[check, npm, image\]/);
  });

  it('publishes to npm with trusted publishing: OIDC, npm 11.5.1 or newer, provenance, no token secret', () => {
    expect(jobs.npm).toMatch(/needs: check/);
    expect(jobs.npm).toMatch(/^ {6}id-token: write/m);
    const npm = /npm install --global npm@(\d+)\.(\d+)\.(\d+)\b/.exec(jobs.npm);
    expect(npm).not.toBeNull();
    const [major, minor, patch] = (npm ?? []).slice(1).map(Number);
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(11 * 1e6 + 5 * 1e3 + 1);
    expect(jobs.npm).toMatch(/npm publish .*--provenance/);
    expect(jobs.npm).toContain('registry-url: https://registry.npmjs.org');
    // No token: neither an npm token secret nor NODE_AUTH_TOKEN anywhere in the workflow.
    expect(workflow).not.toMatch(/NODE_AUTH_TOKEN|NPM_TOKEN|secrets\.(?!GITHUB_TOKEN\b)/);
    // The tarball published is the one the checks packed.
    expect(jobs.check).toContain('npm pack --pack-destination "$RUNNER_TEMP/release"');
    expect(jobs.npm).toContain('npm publish "$RUNNER_TEMP/release/merge-multiarch-action-$version.tgz"');
  });

  it('builds the image per platform in parallel jobs, each appending its own with this action (no merge job)', () => {
    expect(jobs.image).toContain('- platform: linux/amd64');
    expect(jobs.image).toContain('- platform: linux/arm64');
    expect(jobs.image).toContain('runs-on: ${{ matrix.runner }}');
    expect(jobs.image).toContain('platforms: ${{ matrix.platform }}');
    expect(jobs.image).toContain('push-by-digest=true');
    expect(jobs.image).toMatch(
      /uses: \.\/\n {8}with:\n {10}sources: \$\{\{ env\.IMAGE \}\}@\$\{\{ steps\.build\.outputs\.digest \}\}\n {10}tags: \$\{\{ steps\.meta\.outputs\.tags \}\}\n {10}append: true\n/,
    );
    // No other job merges: ./ runs in the image job only.
    expect(
      Object.entries(jobs)
        .filter(([, lines]) => /uses: \.\//.test(lines))
        .map(([name]) => name),
    ).toEqual(['image']);
    expect(jobs.image).toMatch(/^ {6}packages: write/m);
  });
});
