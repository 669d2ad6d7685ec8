/**
 * Many images in one step (docs/batch.md, design rules 20–24): the bundled action and command
 * line against two REAL Distribution registries (no auth and token auth), each behind a proxy
 * that delays every answer and records every request.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type ActionRun, runAction } from '../helpers/action';
import { runCli } from '../helpers/cli';
import { writeDockerConfig } from '../helpers/dockerConfig';
import { type FaultProxy, type SeenRequest, startFaultProxy } from '../helpers/faultProxy';
import { getManifest, pushBuildxImage } from '../helpers/fixtures';
import { dockerHubPulls, type HubPulls } from '../helpers/quirks';
import { type AuthMode, type RunningRegistry, startRegistry } from '../helpers/registry';
import { TRANSPORT_ENV } from '../../src/registry/registries';
import { type LatencyProxy, startLatencyProxy } from '../../bench/latencyProxy';
import { startTlsRegistry, type TlsRegistry } from '../helpers/tlsRegistry';

interface ImageOut {
  image: string;
  tags: string[];
  digest: string;
  platforms: string[];
}

const PLATFORMS = ['linux/amd64', 'linux/arm64'];
const SHA = /^sha256:[0-9a-f]{64}$/;

describe.each<AuthMode>(['none', 'token'])('a batch of images in one step (auth: %s)', (auth) => {
  let regA: RunningRegistry;
  let regB: RunningRegistry;
  let a: FaultProxy;
  let b: FaultProxy;
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    [regA, regB] = await Promise.all([startRegistry({ auth }), startRegistry({ auth })]);
    [a, b] = await Promise.all([
      startFaultProxy(regA.host, { latencyMs: [5, 25] }),
      startFaultProxy(regB.host, { latencyMs: [5, 25] }),
    ]);
    const auths: Record<string, { username: string; password: string }> = {};
    for (const [reg, proxy] of [
      [regA, a],
      [regB, b],
    ] as const) {
      if (reg.username) auths[proxy.host] = { username: reg.username, password: reg.password as string };
    }
    const config = await writeDockerConfig(auths);
    env = { DOCKER_CONFIG: config.dir };
    cleanup = config.cleanup;
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await Promise.all([regA?.stop(), regB?.stop()]);
    await cleanup?.();
  });
  beforeEach(() => {
    a.reset();
    b.reset();
    regA.tokenServer?.clearRequests();
    regB.tokenServer?.clearRequests();
  });

  /** `count` services, each built per platform by buildx into its own CI repository on A (by digest). */
  async function build(prefix: string, count: number): Promise<Array<{ sources: string[]; images: string[] }>> {
    return Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const pushed = await Promise.all(PLATFORMS.map((p) => pushBuildxImage(regA, `ci/${prefix}${i}`, { platform: p })));
        return {
          sources: pushed.map((x) => `${a.host}/ci/${prefix}${i}@${x.index.digest}`),
          images: pushed.map((x) => x.image.digest),
        };
      }),
    );
  }

  /** Tag writes (manifest PUTs by tag, not by digest) a proxy saw. */
  const tagPuts = (proxy: FaultProxy): SeenRequest[] =>
    proxy.requests.filter((r) => r.method === 'PUT' && /\/manifests\/(?!sha256:)[^/]+$/.test(r.path));
  const childPuts = (proxy: FaultProxy): SeenRequest[] =>
    proxy.requests.filter((r) => r.method === 'PUT' && /\/manifests\/sha256:/.test(r.path));
  const ok = (run: ActionRun) => {
    if (run.exitCode !== 0) throw new Error(`the run failed: ${run.errors.join('; ')}\n${run.stdout.slice(-3000)}`);
  };

  it('merges 10 images from 10 repositories into two registries: every tag in place, floating tags last, one token per registry', async () => {
    const built = await build('svc', 10);
    const images = built.map((s, i) => ({
      sources: s.sources,
      tags: [`${a.host}/release/svc${i}:1.0`, `${a.host}/release/svc${i}:latest`, `${b.host}/mirror/svc${i}:1.0`],
    }));
    regA.tokenServer?.clearRequests(); // the set-up's own pushes asked for tokens
    const run = await runAction({ images: JSON.stringify(images) }, env);
    ok(run);
    // One token per registry for the whole batch, every image's scopes in it (design rule 22).
    if (auth === 'token') {
      // (counted now: the checks below read through the token service too)
      expect(regA.tokenServer?.requests.length).toBe(1);
      expect(regB.tokenServer?.requests.length).toBe(1);
    }

    const out = JSON.parse(run.outputs.images) as ImageOut[];
    expect(out).toHaveLength(10);
    for (const [i, o] of out.entries()) {
      expect(o.tags).toEqual(images[i].tags);
      expect(o.digest).toMatch(SHA);
      expect(o.platforms).toEqual(PLATFORMS);
      expect(o.image).toBe(`${a.host}/release/svc${i}@${o.digest}`);
      for (const [reg, repo, tag] of [
        [regA, `release/svc${i}`, '1.0'],
        [regA, `release/svc${i}`, 'latest'],
        [regB, `mirror/svc${i}`, '1.0'],
      ] as const) {
        const stored = await getManifest(reg, repo, tag);
        expect(stored.digest).toBe(o.digest);
        const entries = (stored.json as { manifests: Array<{ digest: string }> }).manifests.map((m) => m.digest);
        expect(entries).toEqual(built[i].images);
      }
    }
    // digest and image describe the first image.
    expect(run.outputs.digest).toBe(out[0].digest);
    expect(run.outputs.image).toBe(out[0].image);

    // No tag before every child of every image is in place; `latest` after every other tag (design rules 20, 21).
    const tags = [...tagPuts(a), ...tagPuts(b)];
    expect(tags).toHaveLength(30);
    const floating = tags.filter((r) => r.path.endsWith('/latest'));
    const fixed = tags.filter((r) => !r.path.endsWith('/latest'));
    expect(floating).toHaveLength(10);
    const lastChild = Math.max(...[...childPuts(a), ...childPuts(b)].map((r) => r.at));
    expect(childPuts(b).length).toBe(20); // two children per image into the other registry
    expect(Math.min(...tags.map((r) => r.at))).toBeGreaterThanOrEqual(lastChild);
    expect(Math.min(...floating.map((r) => r.at))).toBeGreaterThanOrEqual(Math.max(...fixed.map((r) => r.at)));
    // On A the order of arrival says it exactly: every fixed tag PUT came before the first `latest`.
    const aTags = tagPuts(a);
    const firstLatest = aTags.findIndex((r) => r.path.endsWith('/latest'));
    expect(aTags.slice(firstLatest).every((r) => r.path.endsWith('/latest'))).toBe(true);

    // One summary row per image, one log group per image, and the totals.
    expect(run.summary.match(/<tr>/g)).toHaveLength(11);
    for (let i = 0; i < 10; i++) expect(run.stdout).toContain(`::group::entry ${i + 1} (${images[i].tags[0]})`);
    expect(run.stdout).toMatch(/Batch: 10 images, 30 tags written, \d+ blobs mounted, \d+ copied \([^)]*\), \d+ requests in/);
    expect(run.summary).toContain('10 images, 30 tags written');
  });

  it('one bad source: nothing is written anywhere, and every failing image is named', async () => {
    const built = await build('bad', 3);
    const images = built.map((s, i) => ({ sources: s.sources, tags: [`${a.host}/out/bad${i}:1`, `${b.host}/out/bad${i}:1`] }));
    images[1].sources = [images[1].sources[0], `${a.host}/ci/bad1:no-such-tag`];
    images[2].sources = [images[2].sources[0], images[0].sources[0]]; // two linux/amd64 images
    const run = await runAction({ images: JSON.stringify(images) }, env);
    expect(run.exitCode).toBe(1);
    const error = run.errors.join('\n');
    expect(error).toContain('2 of 3 images failed; nothing was written:');
    expect(error).toContain(`- entry 2 (${a.host}/out/bad1:1): source "${a.host}/ci/bad1:no-such-tag" was not found`);
    expect(error).toContain(`- entry 3 (${a.host}/out/bad2:1): `);
    expect(error).toContain('linux/amd64');
    expect(a.writes()).toEqual([]);
    expect(b.writes()).toEqual([]);
  });

  it('a dry run of a batch writes nothing and says what it would do', async () => {
    const built = await build('dry', 3);
    const images = built.map((s, i) => ({
      sources: s.sources,
      tags: [`${a.host}/out/dry${i}:1`, `${b.host}/out/dry${i}:latest`],
    }));
    const run = await runAction({ images: JSON.stringify(images), 'dry-run': 'true' }, env);
    ok(run);
    expect(a.writes()).toEqual([]);
    expect(b.writes()).toEqual([]);
    const out = JSON.parse(run.outputs.images) as ImageOut[];
    expect(out.map((o) => o.tags)).toEqual(images.map((i) => i.tags));
    expect(run.summary).toContain('Multi-arch merge of 3 images (dry run)');
    expect(run.summary).toContain('would be written (dry run)');
    expect(run.stdout).toMatch(/Batch: 3 images, 6 tags to write, \d+ blobs to mount, \d+ to copy/);
    expect((await getManifest(regA, 'out/dry0', '1')).status).toBe(404);
  });

  it('the command line merges a batch from --images FILE and from --images - (stdin), YAML with top-level defaults', async () => {
    const built = await build('cli', 2);
    const yaml = built
      .map(
        (s, i) =>
          `- sources:\n${s.sources.map((x) => `    - ${x}\n`).join('')}  tags: ${a.host}/cli/app${i}:1, ${b.host}/cli/app${i}:1\n`,
      )
      .join('');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'batch-cli-'));
    try {
      const file = path.join(dir, 'images.yaml');
      await fs.writeFile(file, yaml);
      const fromFile = await runCli(['--images', file, '--platform', 'linux/arm64', '--json'], { env });
      expect(fromFile.stderr).not.toContain('error:');
      expect(fromFile.exitCode).toBe(0);
      // --json holds the images as an array, not as a string to parse again.
      const outputs = JSON.parse(fromFile.stdout) as { images: ImageOut[]; digest: string };
      const out = outputs.images;
      expect(out.map((o) => o.platforms)).toEqual([['linux/arm64'], ['linux/arm64']]);
      expect(outputs.digest).toBe(out[0].digest);
      expect((await getManifest(regB, 'cli/app1', '1')).digest).toBe(out[1].digest);
      expect(fromFile.stderr).toMatch(/2 images, 4 tags written/);

      const fromStdin = await runCli(['--images', '-'], { env, stdin: yaml });
      expect(fromStdin.exitCode).toBe(0);
      // Human output: one line per image, its first target at its digest.
      const lines = fromStdin.stdout.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(new RegExp(`^${a.host}/cli/app0@sha256:[0-9a-f]{64}$`));

      const bad = await runCli(['--images', path.join(dir, 'missing.yaml')], { env });
      expect(bad.exitCode).toBe(2);
      expect(bad.stderr).toContain('--images');
      const both = await runCli(['--images', file, '--source', `${a.host}/x:1`], { env });
      expect(both.exitCode).toBe(2);
      expect(both.stderr).toContain('--source: cannot be given with --images: give each image its sources and tags in its entry');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('four jobs appending their platform of a 5-image batch at once end with every platform of every image', async () => {
    const platforms = ['linux/amd64', 'linux/arm64', 'linux/riscv64', 'linux/s390x'];
    // Each job builds its platform of every service, by digest, into the service's target repository.
    const jobs = await Promise.all(
      platforms.map(async (platform) =>
        Promise.all(
          Array.from({ length: 5 }, async (_, i) => {
            const pushed = await pushBuildxImage(regA, `matrix/svc${i}`, { platform });
            return { source: `${a.host}/matrix/svc${i}@${pushed.index.digest}`, image: pushed.image.digest };
          }),
        ),
      ),
    );
    const runs = await Promise.all(
      jobs.map((builds) =>
        runAction(
          {
            images: JSON.stringify(builds.map((x, i) => ({ sources: x.source, tags: `${a.host}/matrix/svc${i}:1` }))),
            append: 'true',
          },
          env,
        ),
      ),
    );
    runs.forEach(ok);
    for (let i = 0; i < 5; i++) {
      const stored = await getManifest(regA, `matrix/svc${i}`, '1');
      const entries = (stored.json as { manifests: Array<{ digest: string; platform: { architecture: string } }> }).manifests
        .filter((m) => m.platform.architecture !== 'unknown')
        .map((m) => m.digest)
        .sort();
      expect(entries).toEqual(jobs.map((builds) => builds[i].image).sort());
    }
  });
});

/**
 * Bake pipelines (docs/bake.md): metadata files exactly as `docker buildx bake --metadata-file`
 * writes them (the fixtures, each target's digest, descriptor and names replaced by what the
 * test pushed), one per platform job. Registry A stands in for Docker Hub (it counts as Hub for
 * the tool, and a proxy counts pulls as Hub does); B is the GHCR mirror.
 */
describe('bake metadata as a batch (auth: token)', () => {
  let regA: RunningRegistry;
  let regB: RunningRegistry;
  let a: FaultProxy;
  let b: FaultProxy;
  let pulls: HubPulls;
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  let dir: string;

  beforeAll(async () => {
    [regA, regB] = await Promise.all([startRegistry({ auth: 'token' }), startRegistry({ auth: 'token' })]);
    [a, b] = await Promise.all([
      startFaultProxy(regA.host, { latencyMs: [5, 25] }),
      startFaultProxy(regB.host, { latencyMs: [5, 25] }),
    ]);
    const config = await writeDockerConfig({
      [a.host]: { username: regA.username as string, password: regA.password as string },
      [b.host]: { username: regB.username as string, password: regB.password as string },
    });
    env = { DOCKER_CONFIG: config.dir, [TRANSPORT_ENV.hubHosts]: a.host };
    cleanup = config.cleanup;
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bake-meta-'));
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await Promise.all([regA?.stop(), regB?.stop()]);
    await cleanup?.();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    a.reset();
    b.reset();
  });

  const FIXTURES = path.join(__dirname, '..', '..', '__fixtures__', 'bake');

  /**
   * One platform job: pushes each target by digest into every repository `names` gives it, and
   * writes its metadata file from the fixture of that platform.
   */
  async function bakeJob(
    platform: 'linux/amd64' | 'linux/arm64',
    names: (target: string) => Array<[RunningRegistry, FaultProxy]>,
    prefix: string,
  ): Promise<{ file: string; images: Record<string, string> }> {
    const fixture = JSON.parse(
      await fs.readFile(path.join(FIXTURES, `metadata-${platform.replace('/', '-')}.json`), 'utf8'),
    ) as Record<string, Record<string, unknown>>;
    const images: Record<string, string> = {};
    const seed = `${prefix}-${platform}-${Date.now()}`;
    for (const [target, value] of Object.entries(fixture)) {
      if (typeof value !== 'object' || Array.isArray(value) || !('containerimage.digest' in value)) continue;
      const repo = `${prefix}/${target}`;
      const pushed = await Promise.all(
        names(target).map(([reg]) => pushBuildxImage(reg, repo, { platform, seed: `${seed}-${target}` })),
      );
      // The same build pushed under each name: the same bytes, the same digest everywhere.
      expect(new Set(pushed.map((p) => p.index.digest)).size).toBe(1);
      const { index } = pushed[0];
      value['containerimage.digest'] = index.digest;
      value['containerimage.descriptor'] = { mediaType: index.mediaType, digest: index.digest, size: index.size };
      value['image.name'] = names(target)
        .map(([, proxy]) => `${proxy.host}/${repo}`)
        .join(',');
      images[target] = pushed[0].image.digest;
    }
    const file = path.join(dir, `${prefix}-${platform.replace('/', '-')}.json`);
    await fs.writeFile(file, `${JSON.stringify(fixture, null, 2)}\n`);
    return { file, images };
  }

  it('a merge job: every target of two platform files, to Hub and the mirror, read from the mirror, no Hub pull, latest last', async () => {
    // Pushed under both names, the mirror's first: bake.ts reads a target from its first repository
    // not on Docker Hub, and knows Hub by its name (docker.io), which A only stands in for.
    const both = (): Array<[RunningRegistry, FaultProxy]> => [
      [regB, b],
      [regA, a],
    ];
    const jobs = await Promise.all((['linux/amd64', 'linux/arm64'] as const).map((p) => bakeJob(p, both, 'rel')));
    pulls = dockerHubPulls(a); // counts what goes through the proxy: the run's requests, not the set-up's
    const run = await runAction({ 'bake-metadata': path.join(dir, 'rel-*.json'), tags: 'v1.2.3\nlatest' }, env);
    ok(run);
    // The cacheonly target pushed no image: said, and left out.
    expect(run.stdout).toContain('target "tests": no image was pushed');
    const out = JSON.parse(run.outputs.images) as ImageOut[];
    const targets = Object.keys(jobs[0].images).sort(); // app, migrations (amd64 only), worker
    expect(out).toHaveLength(targets.length);
    for (const [i, target] of targets.entries()) {
      const expected = jobs.map((j) => j.images[target]).filter((d) => d !== undefined);
      for (const [reg, proxy] of both()) {
        for (const tag of ['v1.2.3', 'latest']) {
          expect(out[i].tags).toContain(`${proxy.host}/rel/${target}:${tag}`);
          const stored = await getManifest(reg, `rel/${target}`, tag);
          expect(stored.digest).toBe(out[i].digest);
          expect((stored.json as { manifests: Array<{ digest: string }> }).manifests.map((m) => m.digest)).toEqual(expected);
        }
      }
    }
    // Sources read from the mirror: merging onto Hub cost no counted request (tags and children only HEADed).
    expect(pulls.total()).toBe(0);
    expect(run.stdout).toContain('0 counted by Docker Hub');
    expect(run.summary).toContain('0 counted by Docker Hub');
    const latest = [...tagPuts(a), ...tagPuts(b)].filter((r) => r.path.endsWith('/latest'));
    const versioned = [...tagPuts(a), ...tagPuts(b)].filter((r) => r.path.endsWith('/v1.2.3'));
    expect(Math.min(...latest.map((r) => r.at))).toBeGreaterThanOrEqual(Math.max(...versioned.map((r) => r.at)));

    // The command line, from the files' directory with a relative glob: the same images, every tag already in place.
    const again = await runCli(['--bake-metadata', 'rel-*.json', '--tag', 'v1.2.3', '--tag', 'latest', '--json'], {
      env,
      cwd: dir,
    });
    expect(again.stderr).not.toContain('error:');
    expect(again.exitCode).toBe(0);
    const outputs = JSON.parse(again.stdout) as { images: ImageOut[] };
    expect(outputs.images.map((o) => o.digest)).toEqual(out.map((o) => o.digest));
    expect(again.stderr).toMatch(/3 images, 0 tags written/);
  });

  it('no merge job: each platform job appends its file at once; every target holds both platforms; Hub pulls counted as Hub counts them', async () => {
    const hubOnly = (): Array<[RunningRegistry, FaultProxy]> => [[regA, a]];
    const jobs = await Promise.all((['linux/amd64', 'linux/arm64'] as const).map((p) => bakeJob(p, hubOnly, 'app')));
    pulls = dockerHubPulls(a);
    const runs = await Promise.all(jobs.map((j) => runAction({ 'bake-metadata': j.file, tags: 'v1.2.3', append: 'true' }, env)));
    runs.forEach(ok);
    for (const target of ['app', 'worker']) {
      const stored = await getManifest(regA, `app/${target}`, 'v1.2.3');
      const entries = (stored.json as { manifests: Array<{ digest: string }> }).manifests.map((m) => m.digest).sort();
      expect(entries).toEqual(jobs.map((j) => j.images[target]).sort());
    }
    // The tool's counts, both runs together, are what Hub would have counted.
    const counted = runs.map((r) => Number(/(\d+) counted by Docker Hub/.exec(r.stdout)?.[1]));
    expect(counted.every((n) => n > 0)).toBe(true);
    expect(counted[0] + counted[1]).toBe(pulls.total());
  });

  it('a source on Hub that the mirror of the batch holds is read from the mirror; one it lacks, from Hub, once (design rule 22)', async () => {
    // Built and pushed to both Hub and the mirror (as bake with two names does), and one pushed to Hub only.
    const both = await Promise.all(
      [regA, regB].map((reg) =>
        pushBuildxImage(reg, 'mirror/app', { platform: 'linux/amd64', seed: 'mirrored-app', tag: 'amd64' }),
      ),
    );
    expect(both[0].index.digest).toBe(both[1].index.digest);
    const hubOnly = await pushBuildxImage(regA, 'mirror/app', { platform: 'linux/arm64', tag: 'arm64' });
    pulls = dockerHubPulls(a);
    const images = [
      {
        sources: [`${a.host}/mirror/app:amd64`, `${a.host}/mirror/app@${hubOnly.index.digest}`],
        tags: [`${a.host}/mirror/app:1`, `${b.host}/mirror/app:1`],
      },
    ];
    const run = await runAction({ images: JSON.stringify(images) }, env);
    ok(run);
    expect(run.stdout).toContain(`${a.host}/mirror/app:amd64 is read from ${b.host}/mirror/app@${both[0].index.digest}`);
    // Hub served only what the mirror lacks: the arm64 build's index and image, each once.
    expect(pulls.byManifest()).toEqual({
      [`mirror/app@${hubOnly.index.digest}`]: 1,
      [`mirror/app@${hubOnly.image.digest}`]: 1,
    });
    expect(run.stdout).toContain(`Docker Hub counted ${pulls.total()} requests`);
    expect(run.summary).toContain(`(${pulls.total()} counted by Docker Hub)`);
    const stored = await getManifest(regA, 'mirror/app', '1');
    expect((stored.json as { manifests: Array<{ digest: string }> }).manifests.map((m) => m.digest)).toEqual([
      both[0].image.digest,
      hubOnly.image.digest,
    ]);
  });

  /** Tag writes (manifest PUTs by tag) a proxy saw. */
  const tagPuts = (proxy: FaultProxy): SeenRequest[] =>
    proxy.requests.filter((r) => r.method === 'PUT' && /\/manifests\/(?!sha256:)[^/]+$/.test(r.path));
  const ok = (run: ActionRun) => {
    if (run.exitCode !== 0) throw new Error(`the run failed: ${run.errors.join('; ')}\n${run.stdout.slice(-3000)}`);
  };
});

/**
 * Over HTTPS, where the registry speaks HTTP/2 (design rule 13): a batch's images share one
 * connection to the registry. A TCP proxy in front of a REAL Distribution registry serving TLS
 * counts the TLS connections and those offering h2 (bench/latencyProxy.ts); the fixtures go to
 * a plain sibling on the same storage.
 */
describe('a batch over HTTPS', () => {
  let plain: RunningRegistry;
  let tls: TlsRegistry;
  let proxy: LatencyProxy;

  beforeAll(async () => {
    plain = await startRegistry({ auth: 'none' });
    tls = await startTlsRegistry({ storage: path.join(plain.dataDir, 'storage'), altName: '127.0.0.1' });
    proxy = await startLatencyProxy('tls', tls.host, { oneWayMs: 2, setupMs: 5 });
  });
  afterAll(async () => {
    await proxy?.close();
    await tls?.stop();
    await plain?.stop();
  });

  it('10 images from 10 repositories, one HTTP/2 connection carrying all of them', async () => {
    const images = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const pushed = await Promise.all(PLATFORMS.map((p) => pushBuildxImage(plain, `h2/src${i}`, { platform: p })));
        return { sources: pushed.map((x) => `${proxy.host}/h2/src${i}@${x.index.digest}`), tags: `${proxy.host}/h2/out${i}:1` };
      }),
    );
    proxy.reset();
    const run = await runAction({ images: JSON.stringify(images) }, { NODE_EXTRA_CA_CERTS: tls.certPath, RUNNER_DEBUG: '1' });
    if (run.exitCode !== 0) throw new Error(`the run failed: ${run.errors.join('; ')}`);
    const seen = proxy.snapshot();
    // One handshake offered h2 and carried every request; beside it the first burst's
    // connections (at most six per host, for a registry that speaks no h2; two of them TLS
    // from the start, offering HTTP/1.1 only) closed unused.
    expect(seen.h2Connections).toBe(1);
    expect(seen.tlsConnections).toBe(3);
    expect(run.stdout).toContain(`::debug::connections to https://${proxy.host}: 1 (HTTP/2)`);
    expect(run.stdout).toMatch(/: 1 \(HTTP\/2\), at most \d+ requests in flight at once; 5 opened early and closed unused/);
    for (let i = 0; i < 10; i++) expect((await getManifest(plain, `h2/out${i}`, '1')).status).toBe(200);
  });
});
