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

describe('release workflow', () => {
  const workflow = read('.github/workflows/release.yml');

  it('pins every action by full commit SHA, with the version in a comment', () => {
    const uses = [...workflow.matchAll(/uses:\s*(\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, action, rest] of uses) {
      expect(action).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      expect(rest).toMatch(/# v\d+/);
    }
  });

  it('runs on version tags, runs CI, publishes the notes and moves the major tag', () => {
    expect(workflow).toContain("tags: ['v*.*.*']");
    expect(workflow).toContain('bash .ci/run');
    expect(workflow).toContain('bash scripts/release-notes.sh "$version"');
    expect(workflow).toMatch(/gh release create[\s\S]*--notes-file/);
    expect(workflow).toContain('git push --force origin "refs/tags/$major"');
  });
});
