/**
 * Parallel appends to one tag (docs/concurrent-append.md): every build job of a matrix appends its
 * own platform with `append: true`, all at once, with no merge job. The bundled action (and the
 * command line) run as child processes against a REAL Distribution registry (no auth and token
 * auth), through a proxy that delays every answer 50–100 ms; a gate on the proxy forces the worst
 * interleaving (every index PUT waits until every run has read the base and is about to write).
 */
import { runAction, type ActionRun } from '../helpers/action';
import { AttachmentTypes, digestTag, pushReferrer } from '../helpers/attachments';
import { runCli } from '../helpers/cli';
import { loggedIn } from '../helpers/dockerConfig';
import { api, type FaultProxy, holdTagWrites, startFaultProxy, type TagWriteGate } from '../helpers/faultProxy';
import { ATTESTATION_ANNOTATIONS, getManifest, listTags, pushBuildxImage, pushImage } from '../helpers/fixtures';
import { type AuthMode, type RunningRegistry, startRegistry } from '../helpers/registry';

interface IndexJson {
  manifests: Array<{
    digest: string;
    platform: { os: string; architecture: string; variant?: string };
    annotations?: Record<string, string>;
  }>;
}

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/riscv64', 'linux/s390x'];
const EIGHT = [...PLATFORMS, 'linux/ppc64le', 'linux/386', 'linux/arm/v7', 'linux/arm/v6'];

describe.each<AuthMode>(['none', 'token'])('parallel appends to one tag (auth: %s)', (auth) => {
  let reg: RunningRegistry;
  let proxy: FaultProxy;
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    reg = await startRegistry({ auth });
    proxy = await startFaultProxy(reg.host, { latencyMs: [50, 100] });
    ({ env, cleanup } = await loggedIn(reg, proxy.host));
  });
  afterAll(async () => {
    await proxy?.close();
    await reg?.stop();
    await cleanup?.();
  });
  let gate: TagWriteGate | undefined;
  afterEach(() => {
    gate = undefined;
    proxy.reset();
  });
  /** The worst interleaving for `repo:1`: its PUTs wait until `runs` of them wait. */
  const hold = (repo: string, runs: number) => (gate = holdTagWrites(proxy, repo, '1', runs));
  /** A run that ends opens the gate: one that failed before writing must not leave the others waiting. */
  const ended = <T>(run: Promise<T>) => run.finally(() => gate?.release());

  const at = (repo: string) => `${proxy.host}/${repo}`;

  /** The per-arch image as build-push-action pushes it by digest into the target repository: no tag. */
  async function buildByDigest(repo: string, platform: string): Promise<{ source: string; image: string }> {
    const pushed = await pushBuildxImage(reg, repo, { platform });
    return { source: `${at(repo)}@${pushed.index.digest}`, image: pushed.image.digest };
  }

  async function appendAll(runs: ReadonlyArray<Record<string, string>>): Promise<ActionRun[]> {
    const done = await Promise.all(runs.map((inputs) => ended(runAction({ append: 'true', ...inputs }, env))));
    for (const r of done) {
      if (r.exitCode !== 0) throw new Error(`a run failed: ${r.errors.join('; ')}\n${r.stdout.slice(-3000)}`);
    }
    return done;
  }

  async function tagged(repo: string, tag: string): Promise<IndexJson> {
    const m = await getManifest(reg, repo, tag);
    if (m.status !== 200) throw new Error(`${repo}:${tag}: HTTP ${m.status}`);
    return m.json as IndexJson;
  }
  const platformOf = (m: IndexJson['manifests'][number]) =>
    [m.platform.os, m.platform.architecture, m.platform.variant].filter(Boolean).join('/');
  /** Image entries by platform (attestation entries left out). */
  const images = (index: IndexJson) =>
    Object.fromEntries(
      index.manifests.filter((m) => m.platform.architecture !== 'unknown').map((m) => [platformOf(m), m.digest]),
    );
  /** Runs whose write another run's erased, and that wrote again: under the gate, all but the last writer. */
  const rewrote = (runs: ReadonlyArray<{ stdout: string; stderr: string }>) =>
    runs.filter((r) => `${r.stdout}${r.stderr}`.includes('merging again onto what is there')).length;
  const tagPuts = (repo: string, tag: string) => proxy.count({ method: 'PUT', path: api.manifest(repo, tag) });

  it('four runs appending one platform each at once, three times over, leave every platform (digest-only sources in the target repository)', async () => {
    const repo = 'matrix/app';
    for (const tag of ['1', '2', '3']) {
      const builds = await Promise.all(PLATFORMS.map((p) => buildByDigest(repo, p)));
      await appendAll(builds.map((b) => ({ sources: b.source, tags: `${at(repo)}:${tag}` })));
      expect(images(await tagged(repo, tag))).toEqual(Object.fromEntries(PLATFORMS.map((p, i) => [p, builds[i].image])));
    }
    // Nothing but the final tags ever appeared in the repository.
    expect((await listTags(reg, repo)).sort()).toEqual(['1', '2', '3']);
  });

  it('the worst interleaving (every index PUT held until every run is about to write) loses nothing, and rebuilds of every platform at once all win', async () => {
    const repo = 'worst/app';
    const tag = `${at(repo)}:1`;
    const first = await Promise.all(PLATFORMS.map((p) => buildByDigest(repo, p)));
    const held = hold(repo, PLATFORMS.length);
    const runs = await appendAll(first.map((b) => ({ sources: b.source, tags: tag })));
    expect(held.held).toBe(PLATFORMS.length);
    expect(images(await tagged(repo, '1'))).toEqual(Object.fromEntries(PLATFORMS.map((p, i) => [p, first[i].image])));
    // All but the last of the held writes were erased, and their runs wrote again.
    expect(tagPuts(repo, '1')).toBeGreaterThanOrEqual(2 * PLATFORMS.length - 1);
    expect(rewrote(runs)).toBeGreaterThanOrEqual(PLATFORMS.length - 1);

    // A second build of every platform, at once: each stale write that puts back a first build is overwritten.
    proxy.reset();
    const second = await Promise.all(PLATFORMS.map((p) => buildByDigest(repo, p)));
    hold(repo, PLATFORMS.length);
    expect(rewrote(await appendAll(second.map((b) => ({ sources: b.source, tags: tag }))))).toBeGreaterThanOrEqual(
      PLATFORMS.length - 1,
    );
    expect(images(await tagged(repo, '1'))).toEqual(Object.fromEntries(PLATFORMS.map((p, i) => [p, second[i].image])));
    expect((await listTags(reg, repo)).sort()).toEqual(['1']);
  });

  it('two runs of the same platform at once: the tag ends at one of them, with every other platform', async () => {
    const repo = 'same/app';
    const tag = `${at(repo)}:1`;
    const base = await Promise.all(['linux/amd64', 'linux/arm64'].map((p) => buildByDigest(repo, p)));
    await appendAll(base.map((b) => ({ sources: b.source, tags: tag })));
    const a = await buildByDigest(repo, 'linux/arm64');
    const b = await buildByDigest(repo, 'linux/arm64');
    hold(repo, 2);
    const runs = await appendAll([a, b].map((x) => ({ sources: x.source, tags: tag })));
    const after = images(await tagged(repo, '1'));
    expect(Object.keys(after).sort()).toEqual(['linux/amd64', 'linux/arm64']);
    expect(after['linux/amd64']).toBe(base[0].image);
    expect([a.image, b.image]).toContain(after['linux/arm64']);
    // The run whose image did not stay says so, and which image did.
    const loser = after['linux/arm64'] === a.image ? runs[1] : runs[0];
    expect(loser.stdout).toContain(`holds linux/arm64 at ${after['linux/arm64']}, written by another run after this one started`);
  });

  it('attestations kept under concurrency stay with their images', async () => {
    const repo = 'attest/app';
    const builds = await Promise.all(PLATFORMS.map((p) => pushBuildxImage(reg, repo, { platform: p })));
    hold(repo, PLATFORMS.length);
    const runs = await appendAll(
      builds.map((b) => ({ sources: `${at(repo)}@${b.index.digest}`, tags: `${at(repo)}:1`, attestations: 'keep' })),
    );
    expect(rewrote(runs)).toBeGreaterThanOrEqual(PLATFORMS.length - 1);
    const index = await tagged(repo, '1');
    expect(index.manifests).toHaveLength(2 * PLATFORMS.length);
    const attestationOf = Object.fromEntries(
      index.manifests
        .filter((m) => m.annotations?.[ATTESTATION_ANNOTATIONS.referenceType] === 'attestation-manifest')
        .map((m) => [m.annotations?.[ATTESTATION_ANNOTATIONS.referenceDigest], m.digest]),
    );
    for (const b of builds) expect(attestationOf[b.image.digest]).toBe(b.attestation.digest);
    expect(Object.values(images(index)).sort()).toEqual(builds.map((b) => b.image.digest).sort());
  });

  it("carries every run's referrers whatever the order, and a run whose image is there already writes nothing", async () => {
    const staging = 'refs/build';
    const repo = 'refs/app';
    // Set up one after another: Distribution rewrites the shared empty config's link on each push
    // into the repository, and a referrer PUT racing that rewrite is refused (docs/design.md,
    // registry behaviours). The runs below meet that race themselves; the set-up need not.
    const built: Array<{ image: Awaited<ReturnType<typeof pushImage>>; sbom: Awaited<ReturnType<typeof pushReferrer>> }> = [];
    for (const p of PLATFORMS) {
      const image = await pushImage(reg, staging, { platform: p });
      const sbom = await pushReferrer(reg, staging, image, {
        artifactType: AttachmentTypes.spdx,
        content: Buffer.from(`{"spdxVersion":"SPDX-2.3","name":"${p}"}`),
      });
      built.push({ image, sbom });
    }
    hold(repo, PLATFORMS.length);
    const runs = await appendAll(built.map((b) => ({ sources: `${at(staging)}@${b.image.digest}`, tags: `${at(repo)}:1` })));
    expect(rewrote(runs)).toBeGreaterThanOrEqual(PLATFORMS.length - 1);
    expect(Object.values(images(await tagged(repo, '1'))).sort()).toEqual(built.map((b) => b.image.digest).sort());
    for (const b of built) {
      // Distribution 2.8 has no referrers API: the fallback tag of each image lists its SBOM.
      const fallback = await getManifest(reg, repo, digestTag(b.image.digest));
      expect((fallback.json as IndexJson).manifests.map((m) => m.digest)).toEqual([b.sbom.digest]);
    }

    // The same image appended again: its platform is there at that digest; nothing is written.
    proxy.reset();
    const before = (await getManifest(reg, repo, '1')).digest;
    const [rerun] = await appendAll([{ sources: `${at(staging)}@${built[1].image.digest}`, tags: `${at(repo)}:1` }]);
    expect(proxy.writes()).toEqual([]);
    expect(rerun.summary).toContain('already at this digest');
    expect((await getManifest(reg, repo, '1')).digest).toBe(before);
  });

  it('the command line appends the same way (--append, eight jobs at once, the worst interleaving)', async () => {
    const repo = 'cli/app';
    const builds = await Promise.all(EIGHT.map((p) => buildByDigest(repo, p)));
    const held = hold(repo, EIGHT.length);
    const runs = await Promise.all(
      builds.map((b) => ended(runCli(['--append', '--source', b.source, '--tag', `${at(repo)}:1`, '--json'], { env }))),
    );
    expect(runs.map((r) => (r.exitCode === 0 ? 0 : r.stderr))).toEqual(EIGHT.map(() => 0));
    expect(held.held).toBe(EIGHT.length);
    expect(images(await tagged(repo, '1'))).toEqual(Object.fromEntries(EIGHT.map((p, i) => [p, builds[i].image])));
    expect(rewrote(runs)).toBeGreaterThanOrEqual(EIGHT.length - 1);
    expect((await listTags(reg, repo)).sort()).toEqual(['1']);
  });
});
