/**
 * The npm package as users get it: packed, installed from the tarball into an empty directory
 * with no network (`npm install --offline`, the npm registry pointed at a closed loopback port),
 * and the installed command run: --version, --help, and a dry run against a real registry.
 * It installs because it has no runtime dependency: the bundles in dist/ hold everything.
 */
import { execFile } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../helpers/cli';
import { listTags, pushImage } from '../helpers/fixtures';
import { freePort } from '../helpers/processes';
import { type RunningRegistry, startRegistry } from '../helpers/registry';

const exec = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  bin: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  engines: { node: string };
  repository?: { type: string; url: string };
  publishConfig?: { access?: string; provenance?: boolean };
}
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;
const [command] = Object.keys(pkg.bin);

let reg: RunningRegistry;
let dir: string;
beforeAll(async () => {
  [reg, dir] = await Promise.all([startRegistry({ auth: 'none' }), fs.mkdtemp(path.join(os.tmpdir(), 'package-'))]);
});
afterAll(async () => {
  await reg?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('package.json', () => {
  it('is publishable: not private, public with provenance, a repository, no runtime dependency', () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.publishConfig).toMatchObject({ access: 'public', provenance: true });
    expect(pkg.repository?.url).toMatch(/^git\+https:\/\/github\.com\/[^/]+\/[^/]+\.git$/);
    expect([pkg.dependencies, pkg.optionalDependencies, pkg.peerDependencies]).toEqual([undefined, undefined, undefined]);
    expect(command).toBe(pkg.name);
  });
});

describe('the packed tarball, installed offline into an empty directory', () => {
  let bin: string;
  let installLog: string;

  beforeAll(async () => {
    const packed = await exec('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT });
    const [{ filename }] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
    expect(filename).toBe(`${pkg.name}-${pkg.version}.tgz`);
    const project = path.join(dir, 'project');
    await fs.mkdir(project);
    // No network: --offline, an empty cache of its own, and a registry nobody listens on.
    const closed = `http://127.0.0.1:${await freePort()}/`;
    const install = await exec(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--cache', path.join(dir, 'cache'), path.join(dir, filename)],
      { cwd: project, env: { ...process.env, npm_config_registry: closed } },
    );
    installLog = `${install.stdout}${install.stderr}`;
    bin = path.join(project, 'node_modules', '.bin', command);
  });

  it('installs with nothing fetched: one package, no dependency', async () => {
    expect(installLog).toMatch(/added 1 package/);
    const installed = path.join(path.dirname(path.dirname(bin)), pkg.name);
    await expect(fs.readdir(path.join(installed, 'node_modules'))).rejects.toThrow(/ENOENT/);
    expect((await fs.readdir(path.dirname(path.dirname(bin)))).filter((d) => !d.startsWith('.'))).toEqual([pkg.name]);
  });

  it('--version', async () => {
    const run = await runCli(['--version'], { entry: bin, cwd: dir });
    expect(run).toEqual({ exitCode: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('--help', async () => {
    const run = await runCli(['--help'], { entry: bin, cwd: dir });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: ${command} --source REF`));
    expect(run.stdout).toContain('\nExamples:\n');
  });

  it('a dry run against a real registry: the plan, the digest, nothing written', async () => {
    await pushImage(reg, 'pkg/build', { platform: 'linux/amd64', tag: '7-amd64' });
    await pushImage(reg, 'pkg/build', { platform: 'linux/arm64', tag: '7-arm64' });
    const run = await runCli(['--source', `${reg.host}/pkg/build:7-*`, '--tag', `${reg.host}/pkg/app:7`, '--dry-run', '--json'], {
      entry: bin,
      cwd: dir,
    });
    if (run.exitCode !== 0) throw new Error(run.stderr);
    const out = JSON.parse(run.stdout) as { digest: string; platforms: string[] };
    expect(out.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(out.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(run.stderr).toContain(`${reg.host}/pkg/app:7: would be written (dry run)`);
    expect(await listTags(reg, 'pkg/app')).toEqual([]);
  });
});
