/**
 * The command line in its own words, and dry runs that count exactly, end to end: the bundled
 * tool (dist/cli/index.js) against REAL Distribution registries.
 * - Every bad usage is told with the flag to change (`--media-type`, `--insecure-registry` …),
 *   never with an action input (`input "…"`, `media-type: oci`) or a workflow expression.
 * - A target without a tag: `latest` is assumed, as docker does, and the run says so.
 * - A dry run, repeated, counts the same each time, and the real run then does what it said.
 */
import { runAction } from '../helpers/action';
import { type CliRun, runCli } from '../helpers/cli';
import { type ConnectProxy, startConnectProxy } from '../helpers/connectProxy';
import { getManifest, listTags, pushImage } from '../helpers/fixtures';
import { type RunningRegistry, startRegistry } from '../helpers/registry';

let reg: RunningRegistry;
/** A second registry: sources there are copied (HEAD, then stream), not mounted. */
let other: RunningRegistry;
let proxy: ConnectProxy;

beforeAll(async () => {
  [reg, other] = await Promise.all([startRegistry({ auth: 'none' }), startRegistry({ auth: 'none' })]);
  // `plain.test:5000` is the plain-HTTP registry under a name that is not loopback.
  proxy = await startConnectProxy((host, port) => (host === 'plain.test' && port === 5000 ? reg.host : undefined));
});
afterAll(async () => {
  await proxy?.close();
  await Promise.all([reg?.stop(), other?.stop()]);
});

const at = (repo: string) => `${reg.host}/${repo}`;

/** What the action would say instead of a flag: an input, a `key: value` setting, a workflow expression. */
const ACTION_WORDS =
  /input "|\$\{\{|insecure-registries|(?<![\w-])(?:sources|tags|platforms|annotations|attestations|referrers|media-type|append|dry-run): /;

describe('bad usage is told in flags', () => {
  let oci: string;
  let docker: string;
  beforeAll(async () => {
    await pushImage(reg, 'words/src', { platform: 'linux/amd64', tag: 'oci' });
    await pushImage(reg, 'words/src', { platform: 'linux/arm64', tag: 'docker', format: 'docker' });
    await pushImage(reg, 'words/src', { platform: 'linux/arm64', tag: 'arm-again', format: 'docker' });
    oci = `${at('words/src')}:oci`;
    docker = `${at('words/src')}:docker`;
  });

  const out = () => `${at('words/out')}:1`;
  // [what, arguments, exit status, what the message must say]
  const cases: Array<[string, () => string[], number, RegExp[], 'via proxy'?]> = [
    [
      'an unknown media type',
      () => ['--source', oci, '--tag', out(), '--media-type', 'list'],
      2,
      [/^error: --media-type: "list"/m],
    ],
    [
      'a bad insecure registry',
      () => ['--source', oci, '--tag', out(), '--insecure-registry', 'a b'],
      2,
      [/^error: --insecure-registry: /m],
    ],
    [
      'an uppercase repository',
      () => ['--source', `${at('Words/Src')}:oci`, '--tag', out()],
      2,
      [/^error: --source: ".*": repository names must be lowercase; use ".*words\/src:oci" \(lowercase it first, e.g. with tr/m],
    ],
    [
      'a target with a digest',
      () => ['--source', oci, '--tag', `${at('words/out')}@sha256:${'0'.repeat(64)}`],
      2,
      [/^error: --tag: /m],
    ],
    [
      'docker with OCI children',
      () => ['--source', oci, '--source', docker, '--tag', out(), '--media-type', 'docker'],
      1,
      [/^error: --media-type: docker cannot be used: the image .* is an OCI manifest.*; use --media-type oci or auto$/m],
    ],
    [
      'an annotation that is not key=value',
      () => ['--source', oci, '--tag', out(), '--annotation', 'description'],
      2,
      [/^error: --annotation: "description" is not key=value$/m],
    ],
    [
      'docker with annotations',
      () => ['--source', docker, '--tag', out(), '--media-type', 'docker', '--annotation', 'a=b'],
      1,
      [/^error: --media-type: docker cannot be used with annotations .*; use --media-type oci or auto$/m],
    ],
    [
      'a platform no source provides',
      () => ['--source', oci, '--tag', out(), '--platform', 'linux/ppc64le'],
      1,
      [/^error: --platform: no source provides linux\/ppc64le/m],
    ],
    [
      'a platform provided twice',
      () => ['--source', docker, '--source', `${at('words/src')}:arm-again`, '--tag', out()],
      1,
      [/^error: platform linux\/arm64 is provided twice: .*; remove one source or narrow them with --platform$/m],
    ],
    [
      'a registry that speaks plain HTTP, not listed',
      () => ['--source', oci, '--tag', 'plain.test:5000/words/out:1'],
      1,
      [/^error: .*plain\.test:5000 did not answer TLS .*: if it serves plain HTTP, pass --insecure-registry plain\.test:5000$/m],
      'via proxy',
    ],
  ];

  for (const [what, args, status, says, route] of cases) {
    it(`${what}: exit ${status}, the flag named, no action input`, async () => {
      const env = route ? { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: '' } : undefined;
      const run = await runCli(args(), { env });
      expect(run.exitCode).toBe(status);
      for (const s of says) expect(run.stderr).toMatch(s);
      expect(run.stderr).not.toMatch(ACTION_WORDS);
      expect(run.stdout).toBe('');
    });
  }

  it('the action says the same in its own words (inputs, workflow expressions)', async () => {
    const media = await runAction({ sources: `${oci}\n${docker}`, tags: out(), 'media-type': 'docker' });
    expect(media.errors[0]).toMatch(/^input "media-type": docker cannot be used: .*; use media-type: oci or auto$/);
    const upper = await runAction({ sources: `${at('Words/Src')}:oci`, tags: out() });
    expect(upper.errors[0]).toMatch(/^input "sources": .* \(with \$\{\{ github\.repository \}\}, lowercase it first/);
    expect(await listTags(reg, 'words/out')).toEqual([]);
  });
});

describe('a target without a tag', () => {
  it('is written as latest, and the run says so (command line and action)', async () => {
    await pushImage(reg, 'notag/src', { platform: 'linux/amd64', tag: 'a' });
    const run = await runCli(['--source', `${at('notag/src')}:a`, '--tag', at('notag/out')]);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toContain(
      `notice: --tag: "${at('notag/out')}" names no tag; ${at('notag/out')}:latest is meant (latest, as docker assumes)`,
    );
    expect(await listTags(reg, 'notag/out')).toEqual(['latest']);

    const action = await runAction({ sources: `${at('notag/src')}:a`, tags: `${at('notag/out')}:1\n${at('notag/out2')}` });
    expect(action.exitCode).toBe(0);
    const notices = action.stdout.split('\n').filter((l) => l.startsWith('::notice::') && l.includes('names no tag'));
    // Only the target without a tag is mentioned.
    expect(notices).toEqual([
      `::notice::input "tags": "${at('notag/out2')}" names no tag; ${at('notag/out2')}:latest is meant (latest, as docker assumes)`,
    ]);
  });
});

/** The counts the tool prints for a target repository, as numbers by outcome. */
function countsOf(run: CliRun, repository: string): Record<string, number> {
  if (run.exitCode !== 0) throw new Error(`exit ${run.exitCode}:\n${run.stderr}`);
  const line = run.stderr.split('\n').find((l) => l.startsWith(`${repository}: `) && / blobs? present/.test(l));
  if (line === undefined) throw new Error(`no counts for ${repository} in:\n${run.stderr}`);
  const counts: Record<string, number> = {};
  for (const [, n, what] of line.matchAll(
    /(\d+) ((?:blobs?|manifests?) present|to mount|to copy|to push|mounted|copied|pushed)/g,
  )) {
    // "1 manifest present", "2 manifests present": the noun agrees with the count.
    if (/^(blob|manifest) present$/.test(what)) expect(n).toBe('1');
    if (/^(blobs|manifests) present$/.test(what)) expect(n).not.toBe('1');
    const key = what
      .replace(/^(blob|manifest) present$/, '$1s present')
      .replace(/^to /, '')
      .replace(/^(mount|copy|push)$/, (v) => ({ mount: 'mounted', copy: 'copied', push: 'pushed' })[v] ?? v);
    counts[key] = Number(n);
  }
  return counts;
}

describe('dry runs count exactly', () => {
  for (const [where, sourceRegistry] of [
    ['from the same registry (mounts)', () => reg],
    ['from another registry (copies)', () => other],
  ] as const) {
    it(`${where}: the same on every run, and what the real run then does, for a target holding nothing, part of it, everything`, async () => {
      const src = sourceRegistry();
      const repo = `counts/${src === reg ? 'same' : 'other'}`;
      // Three layers and a config each.
      const amd = await pushImage(src, `${repo}-src`, { platform: 'linux/amd64', tag: 'amd', layers: 3 });
      const arm = await pushImage(src, `${repo}-src`, { platform: 'linux/arm64', tag: 'arm', layers: 3 });
      const sources = [`${src.host}/${repo}-src:amd`, `${src.host}/${repo}-src:arm`];
      const args = (tag: string, ...more: string[]) => [
        ...sources.flatMap((s) => ['--source', s]),
        '--tag',
        `${at(repo)}:${tag}`,
        ...more,
      ];
      const blobs = [amd, arm].flatMap((i) => [i.config, ...i.layers]).length;

      const check = async (tag: string, expected: Record<string, number>) => {
        const dry = await Promise.all([1, 2, 3].map(() => runCli(args(tag, '--dry-run'))));
        const counts = dry.map((r) => countsOf(r, at(repo)));
        expect(counts[1]).toEqual(counts[0]);
        expect(counts[2]).toEqual(counts[0]);
        expect(counts[0]).toMatchObject(expected);
        const real = countsOf(await runCli(args(tag)), at(repo));
        expect(real).toEqual(counts[0]);
        expect((await getManifest(reg, repo, tag)).status).toBe(200);
      };

      // Nothing: every blob is mounted (same registry) or copied (another), both children pushed.
      const move = src === reg ? 'mounted' : 'copied';
      await check('nothing', { 'blobs present': 0, [move]: blobs, 'manifests present': 0, pushed: 2 });
      // Everything (under another tag): both children are there, hence their blobs.
      await check('everything', { 'blobs present': blobs, mounted: 0, copied: 0, 'manifests present': 2, pushed: 0 });
      // Part of it: the amd64 child is there; a new arm64 image is not.
      const arm2 = await pushImage(src, `${repo}-src`, { platform: 'linux/arm64', tag: 'arm', layers: 3 });
      const arm2Blobs = [arm2.config, ...arm2.layers].length;
      await check('part', {
        'blobs present': [amd.config, ...amd.layers].length,
        [move]: arm2Blobs,
        'manifests present': 1,
        pushed: 1,
      });
    });
  }
});
