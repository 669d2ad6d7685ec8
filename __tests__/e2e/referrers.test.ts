/**
 * Referrers: what is attached to the children (cosign signatures, OCI 1.1 referrers such as a
 * Sigstore bundle) travels with them into every target repository. Run through the real entry
 * point against REAL Distribution 2.8 registries, which have no referrers API (so the fallback
 * tags `sha256-<hex>` are what they show), and against the same registry behind a proxy that
 * adds the referrers API (__tests__/helpers/quirks.ts).
 */
import { runAction } from '../helpers/action';
import {
  AttachmentTypes,
  COSIGN_SIGNATURE_ANNOTATION,
  digestTag,
  pushCosignSignature,
  pushReferrer,
  type Referrer,
  type Signature,
  signingKey,
  sigstoreBundle,
  verifySignature,
} from '../helpers/attachments';
import { api, type FaultProxy, startFaultProxy } from '../helpers/faultProxy';
import {
  getManifest,
  listTags,
  MediaTypes,
  type PushedImage,
  pushBuildxImage,
  pushBlob,
  pushImage,
  pushManifest,
  registryFetch,
  type RegistryTarget,
  sha256Digest,
} from '../helpers/fixtures';
import { referrersApi } from '../helpers/quirks';
import { type RunningRegistry, startRegistry } from '../helpers/registry';

const key = signingKey();

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

/** A Sigstore bundle attached as actions/attest-build-provenance attaches it. */
function attestBundle(t: RegistryTarget, repo: string, image: PushedImage): Promise<Referrer> {
  return pushReferrer(t, repo, image, {
    artifactType: AttachmentTypes.sigstoreBundle,
    content: sigstoreBundle(`${t.host}/${repo}`, image.digest, key.privateKey),
    annotations: {
      'dev.sigstore.bundle.content': 'dsse-envelope',
      'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1',
    },
  });
}

function attachSbom(t: RegistryTarget, repo: string, image: PushedImage): Promise<Referrer> {
  return pushReferrer(t, repo, image, {
    artifactType: AttachmentTypes.spdx,
    content: Buffer.from(JSON.stringify({ spdxVersion: 'SPDX-2.3', name: image.digest })),
    annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
  });
}

/** The signature under the cosign tag of `subject` in `repo`, checked byte for byte and against the key. */
async function expectSignature(t: RegistryTarget, repo: string, subject: string, sig: Signature): Promise<void> {
  const stored = await getManifest(t, repo, `${digestTag(subject)}.sig`);
  expect(stored.status).toBe(200);
  expect(stored.bytes!.equals(sig.bytes)).toBe(true);
  const layer = stored.json.layers[0];
  expect(layer.mediaType).toBe(AttachmentTypes.simpleSigning);
  const payload = Buffer.from(await (await registryFetch(t, `/v2/${repo}/blobs/${layer.digest}`)).arrayBuffer());
  expect(verifySignature(payload, layer.annotations[COSIGN_SIGNATURE_ANNOTATION], key.publicKey)).toBe(true);
  expect(JSON.parse(payload.toString()).critical.image['docker-manifest-digest']).toBe(subject);
}

const entryOf = (r: Referrer) => ({
  mediaType: MediaTypes.ociManifest,
  digest: r.digest,
  size: r.size,
  artifactType: r.artifactType,
  annotations: r.annotations,
});
const byDigest = <T extends { digest: string }>(a: T, b: T) => (a.digest < b.digest ? -1 : 1);

describe('referrers on a registry without the referrers API (Distribution 2.8: fallback tags)', () => {
  it('carries signatures, two referrers on one child and a signature of a referrer into another repository and another registry', async () => {
    const amd = await pushImage(reg, 'r1/amd64', { platform: 'linux/amd64', tag: 'b' });
    const arm = await pushImage(reg, 'r1/arm64', { platform: 'linux/arm64', tag: 'b' });
    const amdSig = await pushCosignSignature(reg, 'r1/amd64', amd.digest, key.privateKey);
    const bundle = await attestBundle(reg, 'r1/amd64', amd);
    const sbom = await attachSbom(reg, 'r1/amd64', amd);
    const bundleSig = await pushCosignSignature(reg, 'r1/amd64', bundle.digest, key.privateKey);
    const armSig = await pushCosignSignature(reg, 'r1/arm64', arm.digest, key.privateKey);
    expect([bundle.registered, sbom.registered]).toEqual([false, false]); // Distribution 2.8: no OCI-Subject
    // The target already lists a referrer of the amd64 image (someone else's scan result).
    const theirs = await pushReferrer(reg, 'r1/out', amd, {
      artifactType: 'application/vnd.example.scan.v1+json',
      content: Buffer.from('{"findings":[]}'),
      annotations: { 'org.example.scanner': 'scan' },
    });

    const inputs = {
      sources: `${at(proxy, 'r1/amd64')}:b\n${at(proxy, 'r1/arm64')}:b`,
      tags: `${at(proxy, 'r1/out')}:1\n${at(otherProxy, 'r1/out')}:1`,
    };
    const run = await runAction(inputs);
    expect(run.errors).toEqual([]);

    for (const [t, existing] of [
      [reg, [theirs]],
      [other, []],
    ] as const) {
      await expectSignature(t, 'r1/out', amd.digest, amdSig);
      await expectSignature(t, 'r1/out', arm.digest, armSig);
      await expectSignature(t, 'r1/out', bundle.digest, bundleSig); // recursion: the signature of the bundle
      // The fallback index keeps what was there, then the new entries in digest order, with artifactType and annotations.
      const fallback = await getManifest(t, 'r1/out', digestTag(amd.digest));
      expect(fallback.mediaType).toBe(MediaTypes.ociIndex);
      expect(fallback.json.manifests).toEqual([...existing.map(entryOf), ...[bundle, sbom].sort(byDigest).map(entryOf)]);
      for (const r of [bundle, sbom]) {
        const stored = await getManifest(t, 'r1/out', r.digest);
        expect(stored.bytes!.equals(r.bytes)).toBe(true);
        for (const blob of [stored.json.config, ...stored.json.layers]) {
          expect((await registryFetch(t, `/v2/r1/out/blobs/${blob.digest}`, { method: 'HEAD' })).status).toBe(200);
        }
      }
      expect((await getManifest(t, 'r1/out', digestTag(arm.digest))).status).toBe(404); // nothing to list there
    }
    expect(run.summary).toContain(`<code>linux/amd64</code> <code>${amd.digest}</code>: 4 found, 4 carried`);
    expect(run.summary).toContain(`<code>linux/arm64</code> <code>${arm.digest}</code>: 1 found, 1 carried`);
    expect(run.stdout).toMatch(/linux\/amd64 sha256:\S+: 4 referrers found, 4 carried/);
    for (const p of [proxy, otherProxy]) expect(run.summary).toContain(`<li><code>${p.host}/r1/out</code>: 5 pushed, 0 present;`);

    // Existence is checked with HEAD (Docker Hub counts manifest GETs as pulls, not HEADs): every
    // manifest GET found what it asked for, and tags are read by the digest their HEAD answered.
    const gets = proxy.seen({ method: 'GET', path: /\/manifests\// });
    expect(gets.filter((r) => r.status !== 200)).toEqual([]);
    expect(gets.filter((r) => /\/manifests\/sha256-/.test(r.path))).toEqual([]);
    expect(proxy.seen({ method: 'HEAD', path: new RegExp(`/r1/amd64/manifests/${digestTag(amd.digest)}\\.att$`) })).toHaveLength(
      1,
    );

    // The referrer writes come before the index tag: the tag is the last write in each registry.
    for (const p of [proxy, otherProxy]) expect(p.writes().at(-1)!.path).toBe('/v2/r1/out/manifests/1');

    // A re-run writes nothing: the tags, the attachments and the fallback indexes are all in place.
    const before = (await getManifest(reg, 'r1/out', digestTag(amd.digest))).digest;
    proxy.reset();
    otherProxy.reset();
    const again = await runAction(inputs);
    expect(again.errors).toEqual([]);
    expect([...proxy.writes(), ...otherProxy.writes()].map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect((await getManifest(reg, 'r1/out', digestTag(amd.digest))).digest).toBe(before);
    expect(again.summary).toContain(`<code>linux/amd64</code> <code>${amd.digest}</code>: 4 found, 4 carried`);
  });

  it('buildx sources: the image signature is carried, with keep the attestation signature too; the index signature is named', async () => {
    const amd = await pushBuildxImage(reg, 'r2/amd64', { platform: 'linux/amd64', tag: 'b' });
    const imageSig = await pushCosignSignature(reg, 'r2/amd64', amd.image.digest, key.privateKey);
    const attestationSig = await pushCosignSignature(reg, 'r2/amd64', amd.attestation.digest, key.privateKey);
    await pushCosignSignature(reg, 'r2/amd64', amd.index.digest, key.privateKey); // signs the per-arch index

    const keep = await runAction({
      sources: `${at(proxy, 'r2/amd64')}:b`,
      tags: `${at(proxy, 'r2/keep')}:1`,
      attestations: 'keep',
    });
    expect(keep.errors).toEqual([]);
    await expectSignature(reg, 'r2/keep', amd.image.digest, imageSig);
    await expectSignature(reg, 'r2/keep', amd.attestation.digest, attestationSig);
    expect(keep.summary).toContain(
      `<code>attestation of linux/amd64</code> <code>${amd.attestation.digest}</code>: 1 found, 1 carried`,
    );
    // The index was unwrapped: its signature signs something the result does not contain.
    const indexSig = `${proxy.host}/r2/amd64:${digestTag(amd.index.digest)}.sig`;
    expect(keep.summary).toContain('<p><b>Not carried</b></p>');
    expect(keep.summary).toContain(`<code>${indexSig}</code>: attached to the index`);
    expect(keep.stdout).toContain(`::warning::not carried: ${indexSig}: attached to the index`);
    expect((await getManifest(reg, 'r2/keep', `${digestTag(amd.index.digest)}.sig`)).status).toBe(404);

    const strip = await runAction({ sources: `${at(proxy, 'r2/amd64')}:b`, tags: `${at(proxy, 'r2/strip')}:1` });
    expect(strip.errors).toEqual([]);
    await expectSignature(reg, 'r2/strip', amd.image.digest, imageSig);
    expect((await getManifest(reg, 'r2/strip', `${digestTag(amd.attestation.digest)}.sig`)).status).toBe(404);
  });

  it('adds the carried signature to a cosign .sig the target holds with a signature of its own (design rule 19)', async () => {
    const amd = await pushImage(reg, 'r3/amd64', { platform: 'linux/amd64', tag: 'b' });
    const ours = await pushCosignSignature(reg, 'r3/amd64', amd.digest, key.privateKey);
    const theirKey = signingKey();
    const theirs = await pushCosignSignature(reg, 'r3/out', amd.digest, theirKey.privateKey);
    const run = await runAction({ sources: `${at(proxy, 'r3/amd64')}:b`, tags: `${at(proxy, 'r3/out')}:1` });
    expect(run.errors).toEqual([]);
    expect(run.stdout).not.toMatch(/not carried/);
    expect(run.stdout).toContain(`added 1 signature of ${ours.digest} to ${proxy.host}/r3/out:${digestTag(amd.digest)}.sig`);
    expect(run.summary).toContain(`: 1 found, 1 carried`);
    // Both signatures are there, each verifiable with its own key, the target's first.
    const stored = await getManifest(reg, 'r3/out', `${digestTag(amd.digest)}.sig`);
    expect(stored.digest).not.toBe(theirs.digest);
    const layers = stored.json.layers as Array<{ digest: string; annotations: Record<string, string> }>;
    expect(layers.map((l) => l.annotations[COSIGN_SIGNATURE_ANNOTATION])).toEqual([theirs.signature, ours.signature]);
    const payload = async (digest: string) =>
      Buffer.from(await (await registryFetch(reg, `/v2/r3/out/blobs/${digest}`)).arrayBuffer());
    expect(
      verifySignature(await payload(layers[0].digest), layers[0].annotations[COSIGN_SIGNATURE_ANNOTATION], theirKey.publicKey),
    ).toBe(true);
    expect(
      verifySignature(await payload(layers[1].digest), layers[1].annotations[COSIGN_SIGNATURE_ANNOTATION], key.publicKey),
    ).toBe(true);
    // The config records both layers (as cosign's own append does).
    const config = await registryFetch(reg, `/v2/r3/out/blobs/${stored.json.config.digest}`);
    expect(((await config.json()) as { rootfs: { diff_ids: string[] } }).rootfs.diff_ids).toEqual(layers.map((l) => l.digest));
    expect((await getManifest(reg, 'r3/out', '1')).status).toBe(200);

    // A re-run finds both there and writes no signature again.
    proxy.reset();
    const again = await runAction({ sources: `${at(proxy, 'r3/amd64')}:b`, tags: `${at(proxy, 'r3/out')}:1` });
    expect(again.errors).toEqual([]);
    expect(proxy.writes()).toEqual([]);
  });

  it('keeps its referrer in the fallback index when another writer that read it earlier writes it back just after (design rule 19)', async () => {
    const amd = await pushImage(reg, 'r9/amd64', { platform: 'linux/amd64', tag: 'b' });
    const bundle = await attestBundle(reg, 'r9/amd64', amd);
    // The target's fallback index already lists another tool's SBOM.
    const sbom = await attachSbom(reg, 'r9/out', amd);
    const fallback = digestTag(amd.digest);
    // The other writer (another signer) has its provenance manifest pushed into the target, not yet listed.
    const layer = await pushBlob(reg, 'r9/out', Buffer.from('{"provenance":1}'), 'application/vnd.example.provenance+json');
    const empty = await pushBlob(reg, 'r9/out', Buffer.from('{}'), AttachmentTypes.empty);
    const provenanceBytes = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaTypes.ociManifest,
        artifactType: 'application/vnd.example.provenance+json',
        config: { mediaType: AttachmentTypes.empty, digest: empty.digest, size: empty.size },
        layers: [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.size }],
        subject: { mediaType: MediaTypes.ociManifest, digest: amd.digest, size: amd.size },
      }),
    );
    const provenance = await pushManifest(reg, 'r9/out', sha256Digest(provenanceBytes), provenanceBytes, MediaTypes.ociManifest);
    const theirEntry = {
      mediaType: MediaTypes.ociManifest,
      digest: provenance.digest,
      size: provenance.size,
      artifactType: 'application/vnd.example.provenance+json',
    };

    // The run's first PUT of the fallback tag is held until the other writer has read the tag;
    // once it landed, the other writer writes back what it read, plus its own entry.
    let arrived!: () => void;
    const heldAtGate = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let landed!: () => void;
    const runWrote = new Promise<void>((resolve) => (landed = resolve));
    let held = 0;
    proxy.add({
      name: 'hold the fallback tag PUT',
      method: 'PUT',
      path: api.manifest('r9/out', fallback),
      fault: async (ctx) => {
        if (++held > 1) return ctx.reply(await ctx.forward());
        arrived();
        await released;
        const answer = await ctx.forward();
        ctx.reply(answer);
        landed();
      },
    });
    const running = runAction({ sources: `${at(proxy, 'r9/amd64')}:b`, tags: `${at(proxy, 'r9/out')}:1` });
    await heldAtGate;
    const read = await getManifest(reg, 'r9/out', fallback);
    expect(read.json.manifests.map((m: { digest: string }) => m.digest)).toEqual([sbom.digest]);
    release();
    await runWrote;
    const theirs = { ...read.json, manifests: [...read.json.manifests, theirEntry] };
    const put = await registryFetch(reg, `/v2/r9/out/manifests/${fallback}`, {
      method: 'PUT',
      headers: { 'Content-Type': MediaTypes.ociIndex },
      body: Buffer.from(JSON.stringify(theirs)),
    });
    expect(put.status).toBe(201);
    const run = await running;
    expect(run.errors).toEqual([]);

    const index = await getManifest(reg, 'r9/out', fallback);
    expect(index.json.manifests.map((m: { digest: string }) => m.digest)).toEqual([
      sbom.digest,
      provenance.digest,
      bundle.digest,
    ]);
    expect(held).toBe(2); // the run wrote the tag twice: its write, and its merge onto the other writer's
    expect(run.stdout).toContain(
      `a concurrent write to the referrers index ${proxy.host}/r9/out:${fallback} left out this run's entries`,
    );
  });

  it('referrers: skip leaves attachments behind and says so; a dry run writes nothing', async () => {
    const amd = await pushImage(reg, 'r4/amd64', { platform: 'linux/amd64', tag: 'b' });
    await pushCosignSignature(reg, 'r4/amd64', amd.digest, key.privateKey);
    await attestBundle(reg, 'r4/amd64', amd);

    const skip = await runAction({ sources: `${at(proxy, 'r4/amd64')}:b`, tags: `${at(proxy, 'r4/skip')}:1`, referrers: 'skip' });
    expect(skip.errors).toEqual([]);
    expect(await listTags(reg, 'r4/skip')).toEqual(['1']);
    expect(skip.summary).toContain('<b>Referrers</b>: skipped (<code>referrers: skip</code>)');

    proxy.reset();
    const dry = await runAction({ sources: `${at(proxy, 'r4/amd64')}:b`, tags: `${at(proxy, 'r4/dry')}:1`, 'dry-run': 'true' });
    expect(dry.errors).toEqual([]);
    expect(proxy.writes()).toEqual([]);
    expect(dry.summary).toContain(`<code>linux/amd64</code> <code>${amd.digest}</code>: 2 found, 2 would be carried`);
  });
});

describe('referrers on a registry with the referrers API (emulated in front of Distribution)', () => {
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

  it('lists referrers through the API (following Link pages), registers them in the target by subject, and fills the fallback tag on a registry without it', async () => {
    const q = referrersApi(apiProxy, { pageSize: 1 });
    const via = { host: apiProxy.host };
    const amd = await pushImage(via, 'r5/amd64', { platform: 'linux/amd64', tag: 'b' });
    const bundle = await attestBundle(via, 'r5/amd64', amd);
    const sbom = await attachSbom(via, 'r5/amd64', amd);
    const sig = await pushCosignSignature(via, 'r5/amd64', amd.digest, key.privateKey);
    expect([bundle.registered, sbom.registered]).toEqual([true, true]);
    expect(await listTags(api, 'r5/amd64')).not.toContain(digestTag(amd.digest)); // only the API knows them
    const listedBefore = q.listed.bit;
    const registeredBefore = q.registered.bit;

    const run = await runAction({
      sources: `${at(apiProxy, 'r5/amd64')}:b`,
      tags: `${at(apiProxy, 'r5/out')}:1\n${at(otherProxy, 'r5/out')}:1`,
    });
    expect(run.errors).toEqual([]);
    // Two referrers, one per page: the second page was fetched by its Link.
    expect(apiProxy.seen({ method: 'GET', path: /^\/v2\/r5\/amd64\/referrers\/.*last=1/ })).toHaveLength(1);
    expect(q.listed.bit).toBeGreaterThan(listedBefore);

    // The API registry: both registered by their subject (OCI-Subject answered), no fallback tag written.
    expect(q.registered.bit - registeredBefore).toBe(2);
    const listed = await registryFetch(via, `/v2/r5/out/referrers/${amd.digest}`);
    expect(((await listed.json()) as { manifests: object[] }).manifests.length).toBe(1); // page 1 of 2
    expect((await listTags(api, 'r5/out')).sort()).toEqual(['1', `${digestTag(amd.digest)}.sig`].sort());
    await expectSignature(api, 'r5/out', amd.digest, sig);

    // The registry without the API: the fallback tag lists both.
    const fallback = await getManifest(other, 'r5/out', digestTag(amd.digest));
    expect(fallback.json.manifests).toEqual([bundle, sbom].sort(byDigest).map(entryOf));
    await expectSignature(other, 'r5/out', amd.digest, sig);
    expect(run.summary).toContain(`<code>linux/amd64</code> <code>${amd.digest}</code>: 3 found, 3 carried`);

    // A re-run writes nothing on either registry: the registered referrers are found by the API.
    const marks = [apiProxy.requests.length, otherProxy.requests.length];
    const again = await runAction({
      sources: `${at(apiProxy, 'r5/amd64')}:b`,
      tags: `${at(apiProxy, 'r5/out')}:1\n${at(otherProxy, 'r5/out')}:1`,
    });
    expect(again.errors).toEqual([]);
    const writes = [apiProxy, otherProxy].flatMap((p, i) =>
      p.requests.slice(marks[i]).filter((r) => !['GET', 'HEAD'].includes(r.method)),
    );
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(again.summary).toContain(`<code>linux/amd64</code> <code>${amd.digest}</code>: 3 found, 3 carried`);
  });
});
