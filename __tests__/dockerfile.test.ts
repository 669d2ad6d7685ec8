/**
 * The command-line image (Dockerfile). No Docker here to build it, so what can be checked without
 * it is: the facts GitLab CI relies on (a shell: alpine; CMD, no ENTRYPOINT; a non-root user),
 * that .dockerignore lets in what the Dockerfile copies, and that the layout its RUN step makes
 * (the bundle, a link named as the package's bin) runs the CMD, done here in a temp directory.
 */
import { execFile } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** The Dockerfile's instructions: comments dropped, continuation lines joined. */
function instructions(dockerfile: string): Instruction[] {
  const joined = dockerfile
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => {
      const m = /^([A-Za-z]+)\s+(.*)$/.exec(l);
      if (!m) throw new Error(`not an instruction: ${l}`);
      return { keyword: m[1].toUpperCase(), args: m[2].trim() };
    });
}

describe('Dockerfile (the command-line image)', () => {
  const steps = instructions(read('Dockerfile'));
  const all = (keyword: string) => steps.filter((s) => s.keyword === keyword);
  const pkg = JSON.parse(read('package.json')) as { name: string; bin: Record<string, string>; engines: { node: string } };
  const [command] = Object.keys(pkg.bin);

  it('is Node 24 on alpine, one stage', () => {
    expect(all('FROM').map((s) => s.args)).toEqual(['node:24-alpine']);
    expect(Number(/^>=(\d+)/.exec(pkg.engines.node)?.[1])).toBeLessThanOrEqual(24);
  });

  it('has a CMD running the package command, in exec form, and no ENTRYPOINT (GitLab needs no override)', () => {
    expect(all('ENTRYPOINT')).toEqual([]);
    const cmd = all('CMD');
    expect(cmd).toHaveLength(1);
    expect(JSON.parse(cmd[0].args)).toEqual([command, '--help']);
    expect(steps[steps.length - 1].keyword).toBe('CMD');
  });

  it('runs as a non-root user, given by number', () => {
    const users = all('USER');
    expect(users.length).toBeGreaterThan(0);
    const last = users[users.length - 1].args;
    expect(last).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    // Nothing after it runs as root again.
    expect(steps.findIndex((s) => s === users[users.length - 1])).toBeGreaterThan(steps.findIndex((s) => s.keyword === 'RUN'));
  });

  it('copies only what .dockerignore lets in', () => {
    const allowed = read('.dockerignore')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1));
    expect(read('.dockerignore').split('\n')).toContain('*');
    const sources = all('COPY').flatMap((s) => s.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(allowed).toContain(source);
  });

  it("the layout its RUN step makes runs the CMD and --version through the package's command name", async () => {
    const run = all('RUN')[0].args;
    expect(run).toContain(`ln -s /opt/merge-multiarch-action/${pkg.bin[command]} /usr/local/bin/${command}`);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'image-layout-'));
    try {
      // The same steps, under a temp root: COPY dist/cli/, chmod, ln -s.
      const opt = path.join(dir, 'opt', 'merge-multiarch-action');
      await fs.mkdir(path.join(opt, 'dist'), { recursive: true });
      await fs.cp(path.join(ROOT, 'dist', 'cli'), path.join(opt, 'dist', 'cli'), { recursive: true });
      await fs.copyFile(path.join(ROOT, 'package.json'), path.join(opt, 'package.json'));
      await fs.chmod(path.join(opt, pkg.bin[command]), 0o755);
      await fs.mkdir(path.join(dir, 'bin'));
      await fs.symlink(path.join(opt, pkg.bin[command]), path.join(dir, 'bin', command));
      const env = { ...process.env, PATH: `${path.join(dir, 'bin')}:${process.env.PATH ?? ''}` };
      const version = await exec(command, ['--version'], { env, cwd: dir });
      expect(version.stdout).toBe(`${(JSON.parse(read('package.json')) as { version: string }).version}\n`);
      const [cmd, ...args] = JSON.parse(all('CMD')[0].args) as string[];
      const help = await exec(cmd, args, { env, cwd: dir });
      expect(help.stdout).toMatch(new RegExp(`^Usage: ${command} `));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
