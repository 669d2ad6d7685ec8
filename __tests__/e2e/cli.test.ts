/**
 * The command line tool as users run it: the bundle (dist/cli/index.js, the package's bin) in a
 * child process outside GitHub Actions, against real Distribution registries.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { runAction } from '../helpers/action';
import { CLI_ENTRY, type CliRun, runCli, workflowCommands } from '../helpers/cli';
import { type JsonResult, jsonResult } from '../../src/cli/json';
import { digestTag, pushCosignSignature, signingKey } from '../helpers/attachments';
import { writeDockerConfig } from '../helpers/dockerConfig';
import { type FaultProxy, startFaultProxy } from '../helpers/faultProxy';
import { blobExists, getManifest, listTags, MediaTypes, pushBuildxImage, pushImage, sha256Digest } from '../helpers/fixtures';
import { type RunningRegistry, startRegistry } from '../helpers/registry';

const exec = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
/** The action's output names, in action.yml's order: --json has exactly these keys. */
async function outputNames(): Promise<string[]> {
  const yml = await fs.readFile(path.join(ROOT, 'action.yml'), 'utf8');
  const block = yml.slice(yml.indexOf('\noutputs:\n'), yml.indexOf('\nruns:'));
  return [...block.matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]);
}

/** Runs the tool; outside GitHub Actions it never prints a `::` workflow command, whatever happens. */
async function cli(args: readonly string[], options: Parameters<typeof runCli>[1] = {}): Promise<CliRun> {
  const run = await runCli(args, options);
  expect(workflowCommands(run)).toEqual([]);
  return run;
}

/** The one JSON object --json prints, after checking stdout holds exactly that. */
function jsonOf(run: CliRun): JsonResult & { manifest: { manifests: Array<{ digest: string }>; annotations?: unknown } } {
  if (run.exitCode !== 0) throw new Error(`exit ${run.exitCode}:\n${run.stderr}`);
  const lines = run.stdout.split('\n');
  expect(lines).toHaveLength(2); // one line, then the final newline
  expect(lines[1]).toBe('');
  return JSON.parse(lines[0]);
}

let reg: RunningRegistry;
beforeAll(async () => {
  reg = await startRegistry({ auth: 'none' });
});
afterAll(async () => {
  await reg?.stop();
});

const at = (repo: string) => `${reg.host}/${repo}`;

describe('merge', () => {
  it('--json prints the outputs the action sets, and the registry holds them under several tags', async () => {
    const amd = await pushImage(reg, 'cli/app', { platform: 'linux/amd64', tag: 'build-amd64' });
    const arm = await pushImage(reg, 'cli/app', { platform: 'linux/arm64/v8', tag: 'build-arm64', format: 'docker' });
    const args = ['--source', `${at('cli/app')}:build-amd64`, '--source', `${at('cli/app')}:build-arm64`];
    const run = await cli([...args, '--tag', `${at('cli/app')}:1.0`, '--tag', `${at('cli/other')}:latest`, '--json']);
    const out = jsonOf(run);
    expect(Object.keys(out)).toEqual(await outputNames());
    expect(out.sources).toEqual([`${at('cli/app')}:build-amd64@${amd.digest}`, `${at('cli/app')}:build-arm64@${arm.digest}`]);
    // The index as an object: written back as pushed (two-space indentation), it has the digest.
    const pushed = JSON.stringify(out.manifest, null, 2);
    expect(out.digest).toBe(sha256Digest(pushed));
    expect(out.image).toBe(`${at('cli/app')}@${out.digest}`);
    expect(out.platforms).toEqual(['linux/amd64', 'linux/arm64/v8']);
    expect(out.attestations).toEqual([]);
    expect(out['media-type']).toBe(MediaTypes.ociIndex);
    expect(out.manifest.manifests.map((m) => m.digest)).toEqual([amd.digest, arm.digest]);
    for (const [repo, tag] of [
      ['cli/app', '1.0'],
      ['cli/other', 'latest'],
    ]) {
      const stored = await getManifest(reg, repo, tag);
      expect(stored.digest).toBe(out.digest);
      expect(stored.bytes?.toString()).toBe(pushed);
    }
    // The other repository got the children and their blobs.
    expect(await blobExists(reg, 'cli/other', amd.layers[0].digest)).toBe(true);
    // Logs on stderr, plain lines (stderr is not a terminal here).
    expect(run.stderr).toContain('== Resolve sources');
    expect(run.stderr).toContain(`${at('cli/app')}:1.0: written`);
    // The "tagged" lines come in the order the tags were given.
    expect(run.stderr.split('\n').filter((l) => l.startsWith('tagged '))).toEqual([
      `tagged ${at('cli/app')}:1.0 → ${out.digest}`,
      `tagged ${at('cli/other')}:latest → ${out.digest}`,
    ]);
    expect(run.stderr).not.toContain('\x1b[');

    // The action, given the same inputs, sets the very same values.
    const action = await runAction({
      sources: `${at('cli/app')}:build-amd64\n${at('cli/app')}:build-arm64`,
      tags: `${at('cli/app')}:1.0, ${at('cli/other')}:latest`,
    });
    expect(action.exitCode).toBe(0);
    expect(jsonResult(action.outputs as never)).toEqual(out);

    // Without --json, stdout holds the image reference alone.
    const plain = await cli([...args, '--tag', `${at('cli/app')}:1.0`]);
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout).toBe(`${out.image}\n`);
    expect(plain.stderr).toContain('already at this digest');
  });

  it('keeps buildx attestations with --attestations keep', async () => {
    const amd = await pushBuildxImage(reg, 'cli/bx-amd64', { platform: 'linux/amd64', tag: 'b' });
    const arm = await pushBuildxImage(reg, 'cli/bx-arm64', { platform: 'linux/arm64', tag: 'b' });
    const out = jsonOf(
      await cli([
        '--source',
        `${at('cli/bx-amd64')}:b`,
        '--source',
        `${at('cli/bx-arm64')}:b`,
        '--tag',
        `${at('cli/bx')}:1`,
        '--attestations',
        'keep',
        '--json',
      ]),
    );
    const index = out.manifest;
    expect(index.manifests.map((m) => m.digest)).toEqual([
      amd.image.digest,
      arm.image.digest,
      amd.attestation.digest,
      arm.attestation.digest,
    ]);
    expect(out.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect((await getManifest(reg, 'cli/bx', amd.attestation.digest)).status).toBe(200);
    expect((await getManifest(reg, 'cli/bx', '1')).digest).toBe(out.digest);
  });

  it('--platform (repeated and comma-separated) and --annotation (a value may hold commas)', async () => {
    for (const p of ['linux/amd64', 'linux/arm64', 'linux/s390x', 'linux/ppc64le']) {
      await pushImage(reg, 'cli/multi', { platform: p, tag: p.replace('/', '-') });
    }
    const out = jsonOf(
      await cli([
        ...['linux-amd64', 'linux-arm64', 'linux-s390x', 'linux-ppc64le'].flatMap((t) => ['--source', `${at('cli/multi')}:${t}`]),
        '--tag',
        `${at('cli/multi')}:picked`,
        '--platform',
        'linux/s390x,linux/amd64',
        '--platform',
        'linux/arm64',
        '--annotation',
        'org.opencontainers.image.description=one, two',
        '--annotation',
        'org.opencontainers.image.version=1.0',
        '--json',
      ]),
    );
    const index = out.manifest;
    // The unlisted platform is dropped; the others keep the sources' order.
    expect(out.platforms).toEqual(['linux/amd64', 'linux/arm64', 'linux/s390x']);
    expect(index.annotations).toEqual({
      'org.opencontainers.image.description': 'one, two',
      'org.opencontainers.image.version': '1.0',
    });
    expect((await getManifest(reg, 'cli/multi', 'picked')).digest).toBe(out.digest);
  });

  it('--dry-run gives the digest the real run then writes, and writes nothing', async () => {
    await pushImage(reg, 'cli/dry-src', { platform: 'linux/amd64', tag: 'a' });
    await pushImage(reg, 'cli/dry-src', { platform: 'linux/arm64', tag: 'b' });
    const args = ['--source', `${at('cli/dry-src')}:a`, '--source', `${at('cli/dry-src')}:b`, '--tag', `${at('cli/dry')}:1`];
    const dry = await cli([...args, '--dry-run', '--json']);
    const planned = jsonOf(dry);
    expect(dry.stderr).toContain('would be written (dry run)');
    expect(await listTags(reg, 'cli/dry')).toEqual([]);
    const real = jsonOf(await cli([...args, '--json']));
    expect(real).toEqual(planned);
    expect((await getManifest(reg, 'cli/dry', '1')).digest).toBe(planned.digest);
  });

  it('a source tag pattern, then --append adding a platform to the index a tag holds', async () => {
    const amd = await pushImage(reg, 'cli/pat', { platform: 'linux/amd64', tag: 'b-amd64' });
    const arm = await pushImage(reg, 'cli/pat', { platform: 'linux/arm64', tag: 'b-arm64' });
    const s390x = await pushImage(reg, 'cli/pat', { platform: 'linux/s390x', tag: 'c-s390x' });
    const first = jsonOf(await cli(['--source', `${at('cli/pat')}:b-*`, '--tag', `${at('cli/pat-out')}:1`, '--json']));
    expect(first.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(first.sources).toEqual([`${at('cli/pat')}:b-amd64@${amd.digest}`, `${at('cli/pat')}:b-arm64@${arm.digest}`]);
    const run = await cli(['--source', `${at('cli/pat')}:c-s390x`, '--tag', `${at('cli/pat-out')}:1`, '--append', '--json']);
    const appended = jsonOf(run);
    expect(appended.platforms).toEqual(['linux/amd64', 'linux/arm64', 'linux/s390x']);
    expect(appended.sources).toEqual([`${at('cli/pat-out')}:1@${first.digest}`, `${at('cli/pat')}:c-s390x@${s390x.digest}`]);
    expect((await getManifest(reg, 'cli/pat-out', '1')).digest).toBe(appended.digest);
  });

  it('on a terminal: one live progress line per target repository, redrawn in place', async () => {
    await pushImage(reg, 'cli/tty-src', { platform: 'linux/amd64', tag: 'a', layerSize: 256 * 1024 });
    await pushImage(reg, 'cli/tty-src', { platform: 'linux/arm64', tag: 'b', layerSize: 256 * 1024 });
    const args = ['--source', `${at('cli/tty-src')}:a`, '--source', `${at('cli/tty-src')}:b`];
    for (const repo of ['cli/tty-one', 'cli/tty-two']) args.push('--tag', `${at(repo)}:1`);
    // `script` gives the tool a pseudo-terminal, as an interactive shell would.
    const quoted = [process.execPath, CLI_ENTRY, ...args].map((a) => `'${a}'`).join(' ');
    const { stdout: screen } = await exec('script', ['-qefc', `stty cols 200; ${quoted}`, '/dev/null'], {
      env: { ...process.env, DOCKER_CONFIG: '/nonexistent', GITHUB_ACTIONS: '' },
    });
    expect(workflowCommands({ exitCode: 0, stdout: screen, stderr: '' })).toEqual([]);
    const esc = String.fromCharCode(27);
    expect(screen).toContain(`${esc}[`); // redrawn in place: cursor up, clear
    for (const repo of ['cli/tty-one', 'cli/tty-two']) {
      // The line each repository is left with: both children pushed, its blobs copied or mounted.
      expect(screen).toMatch(
        new RegExp(`${at(repo).replace(/\./g, '\\.')}: 2/2 manifests · blobs \\d+ mounted, \\d+ copied, 0 present`),
      );
    }
  });

  it('carries a cosign signature with the child by default, and leaves it with --referrers skip', async () => {
    const amd = await pushImage(reg, 'cli/signed', { platform: 'linux/amd64', tag: 'a' });
    const sig = await pushCosignSignature(reg, 'cli/signed', amd.digest, signingKey().privateKey);
    const sigTag = `${digestTag(amd.digest)}.sig`;
    const carried = await cli(['--source', `${at('cli/signed')}:a`, '--tag', `${at('cli/signed-out')}:1`]);
    expect(carried.exitCode).toBe(0);
    expect((await getManifest(reg, 'cli/signed-out', sigTag)).digest).toBe(sig.digest);
    expect(carried.stderr).toContain('== Carry referrers');
    expect(carried.stderr).toContain(`referrers of linux/amd64 ${amd.digest}: 1 found, 1 carried`);

    const skipped = await cli([
      '--source',
      `${at('cli/signed')}:a`,
      '--tag',
      `${at('cli/signed-skip')}:1`,
      '--referrers',
      'skip',
    ]);
    expect(skipped.exitCode).toBe(0);
    expect(await listTags(reg, 'cli/signed-skip')).toEqual(['1']);
    expect(skipped.stderr).not.toContain('referrers of');
  });

  it('a missing source: exit 1, naming it, nothing on stdout and nothing written', async () => {
    await pushImage(reg, 'cli/present', { platform: 'linux/amd64', tag: 'a' });
    const run = await cli([
      '--source',
      `${at('cli/present')}:a`,
      '--source',
      `${at('cli/absent')}:nope`,
      '--tag',
      `${at('cli/never')}:1`,
      '--json',
    ]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: .*cli\/absent.*nope/m);
    expect(await listTags(reg, 'cli/never')).toEqual([]);
  });
});

describe('credentials', () => {
  let basic: RunningRegistry;
  let token: RunningRegistry;
  beforeAll(async () => {
    [basic, token] = await Promise.all([startRegistry({ auth: 'htpasswd' }), startRegistry({ auth: 'token' })]);
  });
  afterAll(async () => {
    await Promise.all([basic?.stop(), token?.stop()]);
  });

  async function sources(r: RunningRegistry, repo: string): Promise<string[]> {
    await pushImage(r, repo, { platform: 'linux/amd64', tag: 'amd64' });
    await pushImage(r, repo, { platform: 'linux/arm64', tag: 'arm64' });
    return ['--source', `${r.host}/${repo}:amd64`, '--source', `${r.host}/${repo}:arm64`];
  }

  it('reads the Docker config, as docker login leaves it', async () => {
    const args = await sources(basic, 'cfg/src');
    const config = await writeDockerConfig({ [basic.host]: { username: basic.username!, password: basic.password! } });
    try {
      const out = jsonOf(
        await cli([...args, '--tag', `${basic.host}/cfg/out:1`, '--json'], { env: { DOCKER_CONFIG: config.dir } }),
      );
      expect((await getManifest(basic, 'cfg/out', '1')).digest).toBe(out.digest);
      // Without it: refused, exit 1.
      const anonymous = await cli([...args, '--tag', `${basic.host}/cfg/out:2`]);
      expect(anonymous.exitCode).toBe(1);
      expect(anonymous.stdout).toBe('');
    } finally {
      await config.cleanup();
    }
  });

  it.each(['htpasswd', 'token'] as const)(
    "reads DOCKER_AUTH_CONFIG as GitLab CI sets it (%s registry): the JSON, or a file-type variable's path",
    async (mode) => {
      const r = mode === 'htpasswd' ? basic : token;
      const args = await sources(r, 'gitlab/src');
      const auth = Buffer.from(`${r.username}:${r.password}`).toString('base64');
      const json = JSON.stringify({ auths: { [r.host]: { auth } } });
      const fromJson = jsonOf(
        await cli([...args, '--tag', `${r.host}/gitlab/out:1`, '--json'], { env: { DOCKER_AUTH_CONFIG: json } }),
      );
      expect((await getManifest(r, 'gitlab/out', '1')).digest).toBe(fromJson.digest);
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitlab-file-var-'));
      try {
        await fs.writeFile(path.join(dir, 'DOCKER_AUTH_CONFIG'), json);
        const run = await cli([...args, '--tag', `${r.host}/gitlab/out:2`, '--verbose'], {
          env: { DOCKER_AUTH_CONFIG: path.join(dir, 'DOCKER_AUTH_CONFIG') },
        });
        expect(run.exitCode).toBe(0);
        expect(`${run.stdout}${run.stderr}`).not.toContain(r.password!);
        expect(`${run.stdout}${run.stderr}`).not.toContain(auth);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
      // Broken, it fails the run without quoting it.
      const broken = await cli([...args, '--tag', `${r.host}/gitlab/out:3`], { env: { DOCKER_AUTH_CONFIG: json.slice(0, -2) } });
      expect(broken.exitCode).toBe(1);
      expect(broken.stderr).toContain('DOCKER_AUTH_CONFIG is not valid JSON');
      expect(broken.stderr).not.toContain(auth);
    },
  );

  it.each(['htpasswd', 'token'] as const)(
    '--username with --password-stdin (%s registry); the password is never printed',
    async (mode) => {
      const r = mode === 'htpasswd' ? basic : token;
      const args = await sources(r, 'stdin/src');
      const run = await cli(
        [...args, '--tag', `${r.host}/stdin/out:1`, '--username', r.username!, '--password-stdin', '--json', '--verbose'],
        { stdin: `${r.password}\n` },
      );
      const out = jsonOf(run);
      expect((await getManifest(r, 'stdin/out', '1')).digest).toBe(out.digest);
      expect(run.stderr).toContain('debug: '); // --verbose logs every request…
      for (const secret of [r.password!, Buffer.from(`${r.username}:${r.password}`).toString('base64')]) {
        expect(run.stderr).not.toContain(secret); // …and never the credentials
        expect(run.stdout).not.toContain(secret);
      }
      // A wrong password: exit 1.
      const wrong = await cli([...args, '--tag', `${r.host}/stdin/out:2`, '--username', r.username!, '--password-stdin'], {
        stdin: 'not-the-password',
      });
      expect(wrong.exitCode).toBe(1);
      expect(wrong.stderr).not.toContain('not-the-password');
    },
  );
});

describe('bad usage', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(reg.host);
    await pushImage(reg, 'usage/src', { platform: 'linux/amd64', tag: 'a' });
  });
  afterAll(async () => {
    await proxy?.close();
  });

  // Every case names the flag at fault; `@` stands for the registry (through a proxy that sees every request).
  const cases: Array<[string, string[], RegExp, string?]> = [
    ['an unknown flag', ['--source', '@/usage/src:a', '--tag', '@/usage/out:1', '--force'], /unknown flag --force\n/],
    [
      'a misspelt flag',
      ['--sources', '@/usage/src:a', '--tag', '@/usage/out:1'],
      /unknown flag --sources; did you mean --source\?/,
    ],
    ['no --source', ['--tag', '@/usage/out:1'], /--source: at least one image reference is required/],
    ['no --tag', ['--source', '@/usage/src:a'], /--tag: at least one target reference/],
    ['a malformed reference', ['--source', '@/Usage/Src:a', '--tag', '@/usage/out:1'], /--source: .*Usage\/Src/],
    [
      'a target with a digest',
      ['--source', '@/usage/src:a', '--tag', `@/usage/out@sha256:${'a'.repeat(64)}`],
      /--tag: .*has a digest/,
    ],
    [
      'a tag pattern in --tag',
      ['--source', '@/usage/src:a', '--tag', '@/usage/out:1-*'],
      /--tag: .*patterns .* are for sources only/,
    ],
    [
      'an unknown referrers mode',
      ['--source', '@/usage/src:a', '--tag', '@/usage/out:1', '--referrers', 'drop'],
      /--referrers: "drop" is not one of copy, skip/,
    ],
    ['a value for --append', ['--source', '@/usage/src:a', '--tag', '@/usage/out:1', '--append=true'], /--append/],
    [
      'a malformed platform',
      ['--source', '@/usage/src:a', '--tag', '@/usage/out:1', '--platform', 'linux'],
      /--platform: "linux"/,
    ],
    [
      'a duplicate platform',
      ['--source', '@/usage/src:a', '--tag', '@/usage/out:1', '--platform', 'linux/amd64,linux/amd64'],
      /--platform: /,
    ],
    [
      'an unknown attestations mode',
      ['--source', '@/usage/src:a', '--tag', '@/usage/out:1', '--attestations', 'drop'],
      /--attestations: "drop" is not one of strip, keep/,
    ],
    [
      'an unknown media type',
      ['--source', '@/usage/src:a', '--tag', '@/usage/out:1', '--media-type', 'v1'],
      /--media-type: "v1"/,
    ],
    [
      '--media-type twice',
      ['--source', '@/usage/src:a', '--tag', '@/usage/out:1', '--media-type', 'oci', '--media-type', 'docker'],
      /--media-type is given 2 times/,
    ],
    [
      'an annotation without =',
      ['--source', '@/usage/src:a', '--tag', '@/usage/out:1', '--annotation', 'novalue'],
      /--annotation: "novalue" is not key=value/,
    ],
    [
      'a malformed insecure registry',
      ['--source', '@/usage/src:a', '--tag', '@/usage/out:1', '--insecure-registry', 'a b'],
      /--insecure-registry: "a b"/,
    ],
    ['a flag without its value', ['--source', '@/usage/src:a', '--tag'], /--tag/],
    ['a value for --dry-run', ['--source', '@/usage/src:a', '--tag', '@/usage/out:1', '--dry-run=yes'], /--dry-run/],
    ['a positional argument', ['@/usage/src:a', '--tag', '@/usage/out:1'], /Unexpected argument/],
    [
      '--password-stdin without --username',
      ['--source', '@/usage/src:a', '--tag', '@/usage/out:1', '--password-stdin'],
      /--password-stdin needs --username/,
      'pw',
    ],
    [
      '--username without --password-stdin',
      ['--source', '@/usage/src:a', '--tag', '@/usage/out:1', '--username', 'u'],
      /--username needs --password-stdin/,
    ],
    [
      'an empty password on stdin',
      ['--source', '@/usage/src:a', '--tag', '@/usage/out:1', '--username', 'u', '--password-stdin'],
      /stdin holds no password/,
      '\n',
    ],
  ];

  it.each(cases.map(([name, args, message, stdin]) => ({ name, args, message, stdin })))(
    '$name: exit 2, nothing on stdout, no request',
    async ({ args, message, stdin }) => {
      proxy.reset();
      const run = await cli(
        args.map((a) => a.replace(/^@/, proxy.host).replace(/=@/, `=${proxy.host}`)),
        { stdin },
      );
      expect(run.exitCode).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toMatch(/^error: /);
      expect(run.stderr).toContain("Run 'merge-multiarch-action --help' for usage.");
      expect(proxy.requests).toEqual([]);
    },
  );

  it('the proxy does see the requests of a run that goes ahead (the check above can fail)', async () => {
    proxy.reset();
    const run = await cli(['--source', `${proxy.host}/usage/src:a`, '--tag', `${proxy.host}/usage/out:1`, '--dry-run']);
    expect(run.exitCode).toBe(0);
    expect(proxy.requests.length).toBeGreaterThan(0);
  });
});

describe('--help and --version', () => {
  it('--help prints the usage on stdout, every flag included, and exits 0', async () => {
    const run = await cli(['--help']);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Usage: merge-multiarch-action --source REF/);
    for (const flag of ['--source', '--tag', '--attestations', '--platform', '--annotation', '--media-type', '--dry-run']) {
      expect(run.stdout).toContain(`  ${flag}`);
    }
    expect(run.stdout).toContain('--password-stdin');
    expect(run.stdout).toContain('Exit status: 0 merged, 1 the merge failed, 2 bad usage');
  });

  it("--version prints package.json's version", async () => {
    const pkg = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const run = await cli(['--version']);
    expect(run).toEqual({ exitCode: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});

describe('the package', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-pack-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('ships the bundles (entries and chunks), action.yml, README, LICENSE and CHANGELOG only, and the tool runs from them without node_modules', async () => {
    const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    // Each bundle is a small entry and the chunks it loads once its connections are opening.
    const CHUNK = /^dist\/(cli\/)?\d+\.index\.js$/;
    const files = packed.files.map((f) => f.path).sort();
    expect(files.filter((f) => CHUNK.test(f) && !f.startsWith('dist/cli/')).length).toBeGreaterThan(0);
    expect(files.filter((f) => CHUNK.test(f) && f.startsWith('dist/cli/')).length).toBeGreaterThan(0);
    expect(files.filter((f) => !CHUNK.test(f))).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'action.yml',
      'dist/cli/index.js',
      'dist/cli/licenses.txt',
      'dist/index.js',
      'dist/licenses.txt',
      'package.json',
    ]);
    await exec('tar', ['-xzf', path.join(dir, packed.filename), '-C', dir]);
    const pkg = path.join(dir, 'package');
    const manifest = JSON.parse(await fs.readFile(path.join(pkg, 'package.json'), 'utf8'));
    // Installing the package fetches nothing: the bundles hold everything they run.
    expect(manifest.dependencies).toBeUndefined();
    const entry = path.join(pkg, manifest.bin['merge-multiarch-action']);
    await expect(fs.stat(path.join(pkg, 'node_modules'))).rejects.toThrow(/ENOENT/);

    await pushImage(reg, 'pack/src', { platform: 'linux/amd64', tag: 'a' });
    await pushImage(reg, 'pack/src', { platform: 'linux/arm64', tag: 'b' });
    const run = await cli(
      ['--source', `${at('pack/src')}:a`, '--source', `${at('pack/src')}:b`, '--tag', `${at('pack/out')}:1`, '--json'],
      { entry, cwd: dir },
    );
    const out = jsonOf(run);
    expect((await getManifest(reg, 'pack/out', '1')).digest).toBe(out.digest);
    // npx from the tarball (offline: it has nothing to fetch) finds the bin and runs it.
    const npx = await exec(
      'npm',
      [
        'exec',
        '--yes',
        '--offline',
        '--cache',
        path.join(dir, 'npm-cache'),
        `--package=${path.join(dir, packed.filename)}`,
        '--',
        'merge-multiarch-action',
        '--version',
      ],
      { cwd: dir },
    );
    expect(npx.stdout).toBe(`${manifest.version}\n`);
    // The bin starts with a shebang and is executable, as npm links it.
    const head = (await fs.readFile(entry, 'utf8')).slice(0, 20);
    expect(head.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect((await fs.stat(entry)).mode & 0o111).not.toBe(0);
  });
});
