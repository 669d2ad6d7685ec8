import { createHash } from 'node:crypto';
import { ContentError } from '../src/errors';
import type { Digest } from '../src/oci/digest';
import type { ImageManifest } from '../src/oci/manifest';
import { MediaType } from '../src/oci/mediaTypes';
import { parsePlatform, type Platform } from '../src/oci/platform';
import { Reference } from '../src/oci/reference';
import { buildPlan, type PlanOptions } from '../src/plan/plan';
import type { Child, ResolvedSource } from '../src/resolve/resolve';

const digest = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}` as Digest;
const manifest = (mediaType: ImageManifest['mediaType']): ImageManifest => ({
  kind: 'image',
  mediaType,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest('c'), size: 2 },
  layers: [],
});

function image(name: string, platform: string, mediaType: ImageManifest['mediaType'] = MediaType.OciManifest): Child {
  return {
    kind: 'image',
    descriptor: { mediaType, digest: digest(name), size: 100, platform: parsePlatform(platform) },
    manifest: manifest(mediaType),
    bytes: Buffer.from(name),
    source: Reference.parse(`r.io/${name}:1`),
  };
}

function attestation(of: Child): Child {
  const platform: Platform = { os: 'unknown', architecture: 'unknown' };
  return {
    kind: 'attestation',
    descriptor: {
      mediaType: MediaType.OciManifest,
      digest: digest(`att-${of.descriptor.digest}`),
      size: 50,
      platform,
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': of.descriptor.digest },
    },
    manifest: manifest(MediaType.OciManifest),
    bytes: Buffer.from('att'),
    source: of.source,
    subject: of.descriptor.digest,
  };
}

function source(images: Child[], attestations: Child[] = []): ResolvedSource {
  return { reference: images[0].source, digest: digest('idx'), mediaType: MediaType.OciIndex, images, attestations };
}

const defaults: PlanOptions = { attestations: 'strip', platforms: undefined, annotations: {}, mediaType: 'oci' };

describe('buildPlan', () => {
  const amd = image('amd', 'linux/amd64');
  const arm = image('arm', 'linux/arm64/v8');
  const resolved = [source([amd], [attestation(amd)]), source([arm], [attestation(arm)])];

  it('builds an OCI index of the images, attestations stripped', () => {
    const plan = buildPlan(resolved, defaults);
    const json = JSON.parse(plan.index.json);
    expect(json.schemaVersion).toBe(2);
    expect(json.mediaType).toBe(MediaType.OciIndex);
    expect(json.manifests.map((m: { digest: string }) => m.digest)).toEqual([amd.descriptor.digest, arm.descriptor.digest]);
    expect(json.manifests[1].platform).toEqual({ architecture: 'arm64', os: 'linux', variant: 'v8' });
    expect(plan.platforms).toEqual(['linux/amd64', 'linux/arm64/v8']);
    expect(plan.index.digest).toBe(digest(plan.index.json));
  });

  it('is deterministic: same inputs, same bytes', () => {
    const a = buildPlan(resolved, { ...defaults, annotations: { b: '2', a: '1' } });
    const b = buildPlan(resolved, { ...defaults, annotations: { a: '1', b: '2' } });
    expect(a.index.bytes.equals(b.index.bytes)).toBe(true);
    expect(JSON.parse(a.index.json).annotations).toEqual({ a: '1', b: '2' });
  });

  it('keeps attestations after the images, each pointing at an image of the index', () => {
    const plan = buildPlan(resolved, { ...defaults, attestations: 'keep' });
    const json = JSON.parse(plan.index.json);
    expect(json.manifests).toHaveLength(4);
    const digests = json.manifests.slice(0, 2).map((m: { digest: string }) => m.digest);
    for (const att of json.manifests.slice(2)) {
      expect(att.annotations['vnd.docker.reference.type']).toBe('attestation-manifest');
      expect(digests).toContain(att.annotations['vnd.docker.reference.digest']);
    }
  });

  it('selects the listed platforms in source order, matching arm64 with arm64/v8', () => {
    const plan = buildPlan(resolved, { ...defaults, platforms: [parsePlatform('linux/arm64'), parsePlatform('linux/amd64')] });
    expect(plan.platforms).toEqual(['linux/amd64', 'linux/arm64/v8']);
    const only = buildPlan(resolved, { ...defaults, attestations: 'keep', platforms: [parsePlatform('linux/arm64')] });
    expect(only.children.map((c) => c.kind)).toEqual(['image', 'attestation']);
  });

  it('names every missing platform', () => {
    expect(() =>
      buildPlan(resolved, { ...defaults, platforms: [parsePlatform('linux/s390x'), parsePlatform('linux/ppc64le')] }),
    ).toThrow(/no source provides linux\/s390x, linux\/ppc64le/);
  });

  it('refuses two entries with the same platform, naming both sources', () => {
    const other = image('other', 'linux/arm64');
    expect(() => buildPlan([source([amd]), source([arm]), source([other])], defaults)).toThrow(
      /linux\/arm64 is provided twice: by "r.io\/arm:1".*"r.io\/other:1"/,
    );
  });

  it('writes a Docker list only when asked and possible', () => {
    const dAmd = image('damd', 'linux/amd64', MediaType.DockerManifest);
    const dArm = image('darm', 'linux/arm64', MediaType.DockerManifest);
    const docker = [source([dAmd]), source([dArm])];
    expect(buildPlan(docker, { ...defaults, mediaType: 'docker' }).index.mediaType).toBe(MediaType.DockerList);
    expect(buildPlan(docker, { ...defaults, mediaType: 'auto' }).index.mediaType).toBe(MediaType.DockerList);
    expect(buildPlan(docker, { ...defaults, mediaType: 'auto', annotations: { a: 'b' } }).index.mediaType).toBe(
      MediaType.OciIndex,
    );
    expect(buildPlan(resolved, { ...defaults, mediaType: 'auto' }).index.mediaType).toBe(MediaType.OciIndex);
    expect(() => buildPlan(resolved, { ...defaults, mediaType: 'docker' })).toThrow(/OCI manifest/);
    expect(() => buildPlan(docker, { ...defaults, mediaType: 'docker', annotations: { a: 'b' } })).toThrow(/annotations/);
    const list = JSON.parse(buildPlan(docker, { ...defaults, mediaType: 'docker' }).index.json);
    expect(JSON.stringify(list)).not.toContain('annotations');
  });

  it('refuses an index over 4 MiB', () => {
    const many = Array.from({ length: 20000 }, (_, i) => image(`i${i}`, `linux/arch${i}`));
    expect(() => buildPlan([source(many)], defaults)).toThrow(ContentError);
  });
});

describe('buildPlan with an append base', () => {
  const amd = image('amd', 'linux/amd64');
  const arm = image('arm', 'linux/arm64/v8');
  const s390 = image('s390', 'linux/s390x');
  const baseOf = (images: Child[], attestations: Child[] = [], annotations?: Record<string, string>): ResolvedSource => ({
    ...source(images, attestations),
    reference: Reference.parse('r.io/app:1'),
    ...(annotations ? { annotations } : {}),
  });
  const digests = (plan: ReturnType<typeof buildPlan>) =>
    (JSON.parse(plan.index.json) as { manifests: Array<{ digest: string }> }).manifests.map((m) => m.digest);

  it('adds a new platform after the entries of the base, which keep their order', () => {
    const plan = buildPlan([source([s390])], defaults, baseOf([arm, amd]));
    expect(digests(plan)).toEqual([arm, amd, s390].map((c) => c.descriptor.digest));
    expect(plan.platforms).toEqual(['linux/arm64/v8', 'linux/amd64', 'linux/s390x']);
    expect(plan.replaced).toEqual([]);
  });

  it('replaces the entry of the same platform in place, and its attestation goes with it', () => {
    const rebuilt = image('amd-rebuilt', 'linux/amd64');
    const plan = buildPlan([source([rebuilt])], defaults, baseOf([amd, arm], [attestation(amd), attestation(arm)]));
    expect(digests(plan)).toEqual([rebuilt, arm, attestation(arm)].map((c) => c.descriptor.digest));
    expect(plan.replaced).toEqual([amd]);
  });

  it('matches platforms as the duplicate check does (arm64 is arm64/v8)', () => {
    const armNoVariant = image('arm-new', 'linux/arm64');
    const plan = buildPlan([source([armNoVariant])], defaults, baseOf([amd, arm]));
    expect(digests(plan)).toEqual([amd, armNoVariant].map((c) => c.descriptor.digest));
  });

  it("carries the new sources' attestations only when asked", () => {
    const rebuilt = image('amd-rebuilt', 'linux/amd64');
    const kept = buildPlan([source([rebuilt], [attestation(rebuilt)])], { ...defaults, attestations: 'keep' }, baseOf([amd]));
    expect(digests(kept)).toEqual([rebuilt, attestation(rebuilt)].map((c) => c.descriptor.digest));
    const stripped = buildPlan([source([rebuilt], [attestation(rebuilt)])], defaults, baseOf([amd]));
    expect(digests(stripped)).toEqual([rebuilt.descriptor.digest]);
  });

  it("keeps the base's index annotations unless the input sets the same key", () => {
    const plan = buildPlan(
      [source([s390])],
      { ...defaults, annotations: { 'org.opencontainers.image.version': '2' } },
      baseOf([amd], [], { 'org.opencontainers.image.version': '1', 'org.opencontainers.image.source': 'https://x' }),
    );
    expect(JSON.parse(plan.index.json).annotations).toEqual({
      'org.opencontainers.image.source': 'https://x',
      'org.opencontainers.image.version': '2',
    });
  });

  it('still refuses two new sources with the same platform', () => {
    const other = image('amd2', 'linux/amd64');
    expect(() => buildPlan([source([amd]), source([other])], defaults, baseOf([arm]))).toThrow(/linux\/amd64 is provided twice/);
  });

  it('applies the platforms input to the new sources only', () => {
    const plan = buildPlan([source([s390, amd])], { ...defaults, platforms: [parsePlatform('linux/s390x')] }, baseOf([arm]));
    expect(plan.platforms).toEqual(['linux/arm64/v8', 'linux/s390x']);
  });

  it('gives the base back unchanged when the new source is already in it (a re-run)', () => {
    const first = buildPlan([source([amd])], defaults, baseOf([amd, arm]));
    const again = buildPlan([source([amd])], defaults, baseOf([amd, arm]));
    expect(again.index.digest).toBe(first.index.digest);
    expect(digests(again)).toEqual([amd, arm].map((c) => c.descriptor.digest));
  });
});
