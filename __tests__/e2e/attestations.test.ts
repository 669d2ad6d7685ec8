/**
 * `attestations: referrers`: buildx's attestation manifests leave the index (GHCR shows every
 * index entry as a platform, so inline ones read unknown/unknown) and are written into every
 * target repository as OCI referrers of their images. Run through the real entry points against
 * REAL Distribution 2.8 registries, which store `subject` but have no referrers API (so the
 * referrers tag schema's `sha256-<hex>` index is what lists them), and against the same registry
 * behind a proxy that adds the referrers API (__tests__/helpers/quirks.ts).
 */
import { runAction } from '../helpers/action';
import { runCli } from '../helpers/cli';
import { digestTag, pushReferrer } from '../helpers/attachments';
import { writeDockerConfig } from '../helpers/dockerConfig';
import { type FaultProxy, startFaultProxy } from '../helpers/faultProxy';
import {
  ATTESTATION_TYPES,
  getManifest,
  listTags,
  MediaTypes,
  PREDICATES,
  type PushedImage,
  type PushedManifest,
  pushBuildxImage,
  pushIndex,
  registryFetch,
  type RegistryTarget,
  sha256Digest,
} from '../helpers/fixtures';
import { referrersApi } from '../helpers/quirks';
import { type RunningRegistry, startRegistry } from '../helpers/registry';

let reg: RunningRegistry;
let other: RunningRegistry;
/** Proxies without rules in front of both: they count what the action writes. */
let proxy: FaultProxy;
let otherProxy: FaultProxy;
beforeAll(async () => {
  [reg, other] = await Promise.all([startRegistry(), startRegistry()]);
  [proxy, otherProxy] = await Promise.all([startFaultProxy(reg.host), startFaultProxy(other.host)]);
});
afterAll(async () => {
  await Promise.all([proxy?.close(), otherProxy?.close()]);
  await Promise.all([reg?.stop(), other?.stop()]);
});

const at = (p: FaultProxy, repo: string) => `${p.host}/${repo}`;
type Buildx = Awaited<ReturnType<typeof pushBuildxImage>>;
const subjectOf = (image: PushedManifest) => ({ mediaType: image.mediaType, digest: image.digest, size: image.size });

/** The referrers tag schema's index of `image` in `repo`: its entries, or undefined when the tag is absent. */
async function fallbackEntries(t: RegistryTarget, repo: string, image: PushedImage): Promise<any[] | undefined> {
  const stored = await getManifest(t, repo, digestTag(image.digest));
  if (stored.status === 404) return undefined;
  expect(stored.mediaType).toBe(MediaTypes.ociIndex);
  return stored.json.manifests;
}

/**
 * The attestation of `built` as a referrer of its image in `repo`, found through `entries` (the
 * fallback index's or the API's): one entry with the attestation artifactType; the manifest
 * names the image as subject, and its config and layers (the in-toto statements, which still
 * name the image digest) are the source's, present in the repository.
 */
async function expectReferrer(t: RegistryTarget, repo: string, built: Buildx, entries: any[] | undefined): Promise<string> {
  const found = (entries ?? []).filter((e) => e.artifactType === ATTESTATION_TYPES.manifest);
  expect(found).toHaveLength(1);
  const entry = found[0];
  const stored = await getManifest(t, repo, entry.digest);
  expect(stored.status).toBe(200);
  expect(sha256Digest(stored.bytes!)).toBe(entry.digest);
  expect(entry).toEqual({
    mediaType: MediaTypes.ociManifest,
    digest: entry.digest,
    size: stored.bytes!.length,
    artifactType: ATTESTATION_TYPES.manifest,
  });
  const original = JSON.parse(built.attestation.bytes.toString());
  expect(stored.json).toEqual({ ...original, artifactType: ATTESTATION_TYPES.manifest, subject: subjectOf(built.image) });
  for (const blob of [stored.json.config, ...stored.json.layers]) {
    expect((await registryFetch(t, `/v2/${repo}/blobs/${blob.digest}`, { method: 'HEAD' })).status).toBe(200);
  }
  const statements = await Promise.all(
    stored.json.layers.map(async (l: { digest: string }) =>
      Buffer.from(await (await registryFetch(t, `/v2/${repo}/blobs/${l.digest}`)).arrayBuffer()),
    ),
  );
  expect(statements).toEqual(built.statements);
  for (const s of statements) {
    expect(JSON.parse(s.toString()).subject[0].digest.sha256).toBe(built.image.digest.slice('sha256:'.length));
  }
  return entry.digest;
}

const digests = (manifest: string) => JSON.parse(manifest).manifests.map((m: { digest: string }) => m.digest);

describe('attestations: referrers on a registry without the referrers API (Distribution 2.8: the sha256-<hex> tag)', () => {
  it('leaves only the images in the index and writes each attestation as a referrer of its image into two repositories on two registries; a re-run writes nothing', async () => {
    const amd = await pushBuildxImage(reg, 'a1/amd64', { platform: 'linux/amd64', tag: 'b' });
    const arm = await pushBuildxImage(reg, 'a1/arm64', { platform: 'linux/arm64', tag: 'b' });
    // The target already lists a referrer of the amd64 image (someone else's scan result): kept.
    const theirs = await pushReferrer(reg, 'a1/out', amd.image, {
      artifactType: 'application/vnd.example.scan.v1+json',
      content: Buffer.from('{"findings":[]}'),
      annotations: { 'org.example.scanner': 'scan' },
    });
    const inputs = {
      sources: `${at(proxy, 'a1/amd64')}:b\n${at(proxy, 'a1/arm64')}:b`,
      tags: `${at(proxy, 'a1/out')}:1\n${at(otherProxy, 'a1/out')}:1`,
      attestations: 'referrers',
    };

    // A dry run first: nothing written, and the index digest the real run will have.
    const dry = await runAction({ ...inputs, 'dry-run': 'true' });
    expect(dry.errors).toEqual([]);
    expect([...proxy.writes(), ...otherProxy.writes()]).toEqual([]);
    expect(dry.summary).toContain('would be written');

    proxy.reset();
    otherProxy.reset();
    const run = await runAction(inputs);
    expect(run.errors).toEqual([]);
    expect(run.outputs.digest).toBe(dry.outputs.digest);
    expect(run.outputs.platforms).toBe('linux/amd64,linux/arm64');
    const index = JSON.parse(run.outputs.manifest);
    expect(digests(run.outputs.manifest)).toEqual([amd.image.digest, arm.image.digest]);
    expect(JSON.stringify(index)).not.toContain('unknown');

    const written: Record<string, string> = {};
    for (const [t, repo] of [
      [reg, 'a1/out'],
      [other, 'a1/out'],
    ] as const) {
      for (const built of [amd, arm]) {
        const entries = await fallbackEntries(t, repo, built.image);
        written[built.image.digest] = await expectReferrer(t, repo, built, entries);
      }
      // One entry per referrer; what the target listed already stays first.
      const amdEntries = (await fallbackEntries(t, repo, amd.image))!;
      expect(amdEntries.map((e) => e.digest)).toEqual([...(t === reg ? [theirs.digest] : []), written[amd.image.digest]]);
      // The classic attestation manifest itself is not copied: only its referrer form is.
      for (const built of [amd, arm]) expect((await getManifest(t, repo, built.attestation.digest)).status).toBe(404);
    }
    // The same referrer digest in both registries (same bytes), different from the source's attestation.
    expect(written[amd.image.digest]).not.toBe(amd.attestation.digest);

    // Subjects before their referrers, the tag last.
    for (const p of [proxy, otherProxy]) {
      const puts = p
        .writes()
        .filter((w) => w.method === 'PUT' && /\/manifests\//.test(w.path))
        .map((w) => w.path);
      for (const built of [amd, arm]) {
        const image = puts.indexOf(`/v2/a1/out/manifests/${built.image.digest}`);
        const referrer = puts.indexOf(`/v2/a1/out/manifests/${written[built.image.digest]}`);
        expect(image).toBeGreaterThanOrEqual(0);
        expect(referrer).toBeGreaterThan(image);
      }
      expect(puts.at(-1)).toBe('/v2/a1/out/manifests/1');
    }

    // Seen by people and tools: the summary and the `attestations` output list each one.
    const listed = JSON.parse(run.outputs.attestations);
    expect(listed).toEqual([
      {
        platform: 'linux/amd64',
        predicateTypes: [PREDICATES.provenance],
        digest: written[amd.image.digest],
        subject: amd.image.digest,
      },
      {
        platform: 'linux/arm64',
        predicateTypes: [PREDICATES.provenance],
        digest: written[arm.image.digest],
        subject: arm.image.digest,
      },
    ]);
    expect(JSON.parse(dry.outputs.attestations)).toEqual(listed);
    expect(run.summary).toContain('<b>Attestations as referrers</b>');
    expect(run.summary).toContain(
      `<tr><td><code>linux/amd64</code></td><td><code>${PREDICATES.provenance}</code></td><td><code>${written[amd.image.digest]}</code></td>`,
    );
    expect(run.stdout).toContain(
      `attestation of linux/arm64 (${PREDICATES.provenance}) ${written[arm.image.digest]}: referrer of ${arm.image.digest}, written`,
    );

    // A re-run writes nothing and adds no entry.
    const before = (await getManifest(reg, 'a1/out', digestTag(amd.image.digest))).digest;
    proxy.reset();
    otherProxy.reset();
    const again = await runAction(inputs);
    expect(again.errors).toEqual([]);
    expect([...proxy.writes(), ...otherProxy.writes()].map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect((await getManifest(reg, 'a1/out', digestTag(amd.image.digest))).digest).toBe(before);
    expect(again.outputs.digest).toBe(run.outputs.digest);
    expect(again.summary).toContain('already there');
  });

  it('with a platform filter, a dropped platform’s attestation goes nowhere', async () => {
    const amd = await pushBuildxImage(reg, 'a2/amd64', { platform: 'linux/amd64', tag: 'b' });
    const arm = await pushBuildxImage(reg, 'a2/arm64', { platform: 'linux/arm64', tag: 'b' });
    const run = await runAction({
      sources: `${at(proxy, 'a2/amd64')}:b\n${at(proxy, 'a2/arm64')}:b`,
      tags: `${at(proxy, 'a2/out')}:1`,
      attestations: 'referrers',
      platforms: 'linux/amd64',
    });
    expect(run.errors).toEqual([]);
    expect(digests(run.outputs.manifest)).toEqual([amd.image.digest]);
    await expectReferrer(reg, 'a2/out', amd, await fallbackEntries(reg, 'a2/out', amd.image));
    expect((await listTags(reg, 'a2/out')).sort()).toEqual(['1', digestTag(amd.image.digest)].sort());
    expect((await getManifest(reg, 'a2/out', arm.image.digest)).status).toBe(404);
    expect(JSON.parse(run.outputs.attestations).map((a: { platform: string }) => a.platform)).toEqual(['linux/amd64']);
  });

  it('referrers: skip leaves what is attached to the images behind, but still writes their attestations as referrers', async () => {
    const amd = await pushBuildxImage(reg, 'a8/amd64', { platform: 'linux/amd64', tag: 'b' });
    const scan = await pushReferrer(reg, 'a8/amd64', amd.image, {
      artifactType: 'application/vnd.example.scan.v1+json',
      content: Buffer.from('{"findings":[]}'),
    });
    const run = await runAction({
      sources: `${at(proxy, 'a8/amd64')}:b`,
      tags: `${at(proxy, 'a8/out')}:1`,
      attestations: 'referrers',
      referrers: 'skip',
    });
    expect(run.errors).toEqual([]);
    const entries = await fallbackEntries(reg, 'a8/out', amd.image);
    await expectReferrer(reg, 'a8/out', amd, entries);
    expect(entries!.map((e) => e.digest)).not.toContain(scan.digest);
    expect(run.summary).toContain('<b>Referrers</b>: skipped');
    expect(run.summary).toContain('<b>Attestations as referrers</b>');
  });

  it('append onto a base with inline attestations: the staying images’ attestations become referrers, the result has no attestation entry', async () => {
    const amd = await pushBuildxImage(reg, 'a3/amd64', { platform: 'linux/amd64', tag: 'b' });
    const arm = await pushBuildxImage(reg, 'a3/arm64', { platform: 'linux/arm64', tag: 'b' });
    // The base: an earlier `keep` merge, attestations inline.
    const keep = await runAction({
      sources: `${at(proxy, 'a3/amd64')}:b\n${at(proxy, 'a3/arm64')}:b`,
      tags: `${at(proxy, 'a3/out')}:1`,
      attestations: 'keep',
    });
    expect(keep.errors).toEqual([]);
    expect(digests(keep.outputs.manifest)).toHaveLength(4);
    // A new arm64 build replaces the old one.
    const arm2 = await pushBuildxImage(reg, 'a3/arm64', { platform: 'linux/arm64', tag: 'c' });

    const run = await runAction({
      sources: `${at(proxy, 'a3/arm64')}:c`,
      tags: `${at(proxy, 'a3/out')}:1`,
      attestations: 'referrers',
      append: 'true',
    });
    expect(run.errors).toEqual([]);
    const index = JSON.parse(run.outputs.manifest);
    expect(digests(run.outputs.manifest)).toEqual([amd.image.digest, arm2.image.digest]);
    expect(JSON.stringify(index)).not.toContain('attestation-manifest');
    await expectReferrer(reg, 'a3/out', amd, await fallbackEntries(reg, 'a3/out', amd.image));
    await expectReferrer(reg, 'a3/out', arm2, await fallbackEntries(reg, 'a3/out', arm2.image));
    // The replaced image's attestation went with it.
    expect(await fallbackEntries(reg, 'a3/out', arm.image)).toBeUndefined();

    // Appending again with the same source changes nothing.
    proxy.reset();
    const again = await runAction({
      sources: `${at(proxy, 'a3/arm64')}:c`,
      tags: `${at(proxy, 'a3/out')}:1`,
      attestations: 'referrers',
      append: 'true',
    });
    expect(again.errors).toEqual([]);
    expect(again.outputs.digest).toBe(run.outputs.digest);
    expect(proxy.writes()).toEqual([]);
  });
});

describe('OCI-artifact attestations (BuildKit with OCI media types: artifactType and subject already set)', () => {
  it('referrers copies them byte for byte at the same digest; keep keeps them inline with their artifactType; strip drops them', async () => {
    const amd = await pushBuildxImage(reg, 'a4/amd64', {
      platform: 'linux/amd64',
      tag: 'b',
      attestation: 'oci-artifact',
      predicates: [PREDICATES.provenance, PREDICATES.spdx],
    });
    const arm = await pushBuildxImage(reg, 'a4/arm64', { platform: 'linux/arm64', tag: 'b', attestation: 'oci-artifact' });
    const sources = `${at(proxy, 'a4/amd64')}:b\n${at(proxy, 'a4/arm64')}:b`;

    const run = await runAction({ sources, tags: `${at(proxy, 'a4/ref')}:1`, attestations: 'referrers' });
    expect(run.errors).toEqual([]);
    expect(digests(run.outputs.manifest)).toEqual([amd.image.digest, arm.image.digest]);
    for (const built of [amd, arm]) {
      const entries = (await fallbackEntries(reg, 'a4/ref', built.image))!;
      expect(entries).toEqual([
        {
          mediaType: MediaTypes.ociManifest,
          digest: built.attestation.digest,
          size: built.attestation.size,
          artifactType: ATTESTATION_TYPES.manifest,
        },
      ]);
      const stored = await getManifest(reg, 'a4/ref', built.attestation.digest);
      expect(stored.bytes!.equals(built.attestation.bytes)).toBe(true);
      expect(stored.json.subject).toEqual(subjectOf(built.image));
      expect(stored.json.config.mediaType).toBe(ATTESTATION_TYPES.config);
      for (const blob of [stored.json.config, ...stored.json.layers]) {
        expect((await registryFetch(reg, `/v2/a4/ref/blobs/${blob.digest}`, { method: 'HEAD' })).status).toBe(200);
      }
    }
    expect(JSON.parse(run.outputs.attestations)[0]).toEqual({
      platform: 'linux/amd64',
      predicateTypes: [PREDICATES.provenance, PREDICATES.spdx],
      digest: amd.attestation.digest,
      subject: amd.image.digest,
    });

    const keep = await runAction({ sources, tags: `${at(proxy, 'a4/keep')}:1`, attestations: 'keep' });
    expect(keep.errors).toEqual([]);
    const kept = JSON.parse(keep.outputs.manifest).manifests;
    expect(kept.map((m: { digest: string }) => m.digest)).toEqual([
      amd.image.digest,
      arm.image.digest,
      amd.attestation.digest,
      arm.attestation.digest,
    ]);
    for (const [entry, built] of [
      [kept[2], amd],
      [kept[3], arm],
    ] as const) {
      expect(entry.artifactType).toBe(ATTESTATION_TYPES.manifest);
      expect(entry.annotations['vnd.docker.reference.digest']).toBe(built.image.digest);
      expect((await getManifest(reg, 'a4/keep', built.attestation.digest)).bytes!.equals(built.attestation.bytes)).toBe(true);
    }
    expect(JSON.parse(keep.outputs.attestations)).toEqual([]);

    const strip = await runAction({ sources, tags: `${at(proxy, 'a4/strip')}:1` });
    expect(strip.errors).toEqual([]);
    expect(digests(strip.outputs.manifest)).toEqual([amd.image.digest, arm.image.digest]);
    expect((await getManifest(reg, 'a4/strip', amd.attestation.digest)).status).toBe(404);
    expect(await listTags(reg, 'a4/strip')).toEqual(['1']);
  });
});

describe('attestations: referrers on a registry with the referrers API (emulated in front of Distribution)', () => {
  let api: RunningRegistry;
  let apiProxy: FaultProxy;
  beforeAll(async () => {
    api = await startRegistry();
    apiProxy = await startFaultProxy(api.host);
  });
  afterAll(async () => {
    await apiProxy?.close();
    await api?.stop();
  });

  it('registers classic and OCI-artifact attestations by their subject (no sha256-<hex> tag), found by the API; a re-run writes nothing', async () => {
    const q = referrersApi(apiProxy);
    const via = { host: apiProxy.host };
    const amd = await pushBuildxImage(via, 'a5/amd64', { platform: 'linux/amd64', tag: 'b' });
    const arm = await pushBuildxImage(via, 'a5/arm64', { platform: 'linux/arm64', tag: 'b', attestation: 'oci-artifact' });
    const registeredBefore = q.registered.bit;
    const inputs = {
      sources: `${at(apiProxy, 'a5/amd64')}:b\n${at(apiProxy, 'a5/arm64')}:b`,
      tags: `${at(apiProxy, 'a5/out')}:1`,
      attestations: 'referrers',
    };
    const run = await runAction(inputs);
    expect(run.errors).toEqual([]);
    expect(digests(run.outputs.manifest)).toEqual([amd.image.digest, arm.image.digest]);
    expect(q.registered.bit - registeredBefore).toBe(2);
    const viaApi = async (image: PushedImage) =>
      ((await (await registryFetch(via, `/v2/a5/out/referrers/${image.digest}`)).json()) as { manifests: any[] }).manifests;
    await expectReferrer(api, 'a5/out', amd, await viaApi(amd.image));
    // The OCI-artifact one at its own digest.
    expect(await viaApi(arm.image)).toEqual([
      {
        mediaType: MediaTypes.ociManifest,
        digest: arm.attestation.digest,
        size: arm.attestation.size,
        artifactType: ATTESTATION_TYPES.manifest,
      },
    ]);
    expect(await listTags(api, 'a5/out')).toEqual(['1']);

    const marks = apiProxy.requests.length;
    const again = await runAction(inputs);
    expect(again.errors).toEqual([]);
    const writes = apiProxy.requests.slice(marks).filter((r) => !['GET', 'HEAD'].includes(r.method));
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect((await viaApi(amd.image)).length).toBe(1);
  });
});

describe('attestations: referrers with token auth, from the command line', () => {
  it('writes the referrers with a token holding pull,push on the target, and lists them in --json', async () => {
    const secure = await startRegistry({ auth: 'token' });
    const config = await writeDockerConfig({ [secure.host]: { username: secure.username!, password: secure.password! } });
    try {
      const amd = await pushBuildxImage(secure, 'a6/amd64', { platform: 'linux/amd64', tag: 'b' });
      const arm = await pushBuildxImage(secure, 'a6/arm64', { platform: 'linux/arm64', tag: 'b' });
      const cli = await runCli(
        [
          '--source',
          `${secure.host}/a6/amd64:b`,
          '--source',
          `${secure.host}/a6/arm64:b`,
          '--tag',
          `${secure.host}/a6/out:1`,
          '--attestations',
          'referrers',
          '--json',
        ],
        { env: { DOCKER_CONFIG: config.dir } },
      );
      expect(cli.stderr).not.toContain('error:');
      expect(cli.exitCode).toBe(0);
      const outputs = JSON.parse(cli.stdout);
      // --json gives the index and the attestations as JSON values, not strings.
      expect(outputs.manifest.manifests.map((m: { digest: string }) => m.digest)).toEqual([amd.image.digest, arm.image.digest]);
      const listed = outputs.attestations;
      for (const [i, built] of [amd, arm].entries()) {
        const digest = await expectReferrer(secure, 'a6/out', built, await fallbackEntries(secure, 'a6/out', built.image));
        expect(listed[i]).toEqual({
          platform: built.image.platform.os + '/' + built.image.platform.architecture,
          predicateTypes: [PREDICATES.provenance],
          digest,
          subject: built.image.digest,
        });
      }
      expect(cli.stderr).toContain(`referrer of ${amd.image.digest}, written`);
    } finally {
      await config.cleanup();
      await secure.stop();
    }
  });
});

describe('attestations: referrers and a source pushed by hand', () => {
  it('a Docker v2 attestation manifest cannot name a subject: refused before anything is written', async () => {
    // Unusual but possible: an index whose attestation entry is a Docker v2 manifest.
    const built = await pushBuildxImage(reg, 'a7/src', { platform: 'linux/amd64' });
    const docker = Buffer.from(
      JSON.stringify({ ...JSON.parse(built.attestation.bytes.toString()), mediaType: MediaTypes.dockerManifest }),
    );
    const res = await registryFetch(reg, `/v2/a7/src/manifests/${sha256Digest(docker)}`, {
      method: 'PUT',
      headers: { 'Content-Type': MediaTypes.dockerManifest },
      body: docker,
    });
    expect(res.status).toBe(201);
    await pushIndex(reg, 'a7/src', 'b', [
      { manifest: built.image, platform: built.image.platform },
      {
        manifest: { digest: sha256Digest(docker), size: docker.length, mediaType: MediaTypes.dockerManifest, bytes: docker },
        platform: { architecture: 'unknown', os: 'unknown' },
        annotations: { 'vnd.docker.reference.digest': built.image.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
      },
    ]);
    proxy.reset();
    const run = await runAction({
      sources: `${at(proxy, 'a7/src')}:b`,
      tags: `${at(proxy, 'a7/out')}:1`,
      attestations: 'referrers',
    });
    expect(run.errors.join('\n')).toMatch(/cannot name a subject; use attestations: keep or strip/);
    expect(proxy.writes().filter((w) => /\/manifests\//.test(w.path))).toEqual([]);
    expect(await listTags(reg, 'a7/out')).toEqual([]);
  });
});
