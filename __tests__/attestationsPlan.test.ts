/**
 * `attestations: referrers` in the plan: the index lists only images; each kept image's
 * attestation becomes a referrer of it (a classic one rewritten with subject and artifactType,
 * an OCI-artifact one as it is); the same inputs give the same bytes.
 */
import { createHash } from 'node:crypto';
import { ContentError } from '../src/errors';
import type { Digest } from '../src/oci/digest';
import type { ImageManifest } from '../src/oci/manifest';
import { MediaType } from '../src/oci/mediaTypes';
import { parsePlatform } from '../src/oci/platform';
import { Reference } from '../src/oci/reference';
import { asReferrer } from '../src/plan/attestations';
import { buildPlan, type PlanOptions } from '../src/plan/plan';
import { serializeIndex } from '../src/plan/serialize';
import type { Child, ResolvedSource } from '../src/resolve/resolve';

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}` as Digest;
const ARTIFACT_TYPE = 'application/vnd.docker.attestation.manifest.v1+json';
const PROVENANCE = 'https://slsa.dev/provenance/v0.2';

function image(name: string, platform: string): Child {
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciManifest, name }));
  const manifest: ImageManifest = {
    kind: 'image',
    mediaType: MediaType.OciManifest,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(`${name}-config`), size: 2 },
    layers: [],
  };
  return {
    kind: 'image',
    descriptor: { mediaType: MediaType.OciManifest, digest: sha(bytes), size: bytes.length, platform: parsePlatform(platform) },
    manifest,
    bytes,
    source: Reference.parse(`r.io/${name}:1`),
  };
}

/** A buildx attestation of `of`: classic (no subject) or OCI-artifact (subject and artifactType set). */
function attestation(of: Child, kind: 'classic' | 'oci-artifact' = 'classic', subject = of): Child {
  const config = {
    mediaType:
      kind === 'classic' ? 'application/vnd.oci.image.config.v1+json' : 'application/vnd.docker.attestation.config.v1+json',
    digest: sha(`cfg-${of.descriptor.digest}`),
    size: 3,
  };
  const layer = {
    mediaType: 'application/vnd.in-toto+json',
    digest: sha(`stmt-${of.descriptor.digest}`),
    size: 40,
    annotations: { 'in-toto.io/predicate-type': PROVENANCE },
  };
  const json = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    ...(kind === 'oci-artifact' ? { artifactType: ARTIFACT_TYPE } : {}),
    config,
    layers: [layer],
    ...(kind === 'oci-artifact'
      ? { subject: { mediaType: subject.descriptor.mediaType, digest: subject.descriptor.digest, size: subject.descriptor.size } }
      : {}),
  };
  const bytes = Buffer.from(JSON.stringify(json));
  return {
    kind: 'attestation',
    descriptor: {
      mediaType: MediaType.OciManifest,
      digest: sha(bytes),
      size: bytes.length,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': of.descriptor.digest },
      ...(kind === 'oci-artifact' ? { artifactType: ARTIFACT_TYPE } : {}),
    },
    manifest: { kind: 'image', mediaType: MediaType.OciManifest, config, layers: [layer] },
    bytes,
    source: of.source,
    subject: of.descriptor.digest,
  };
}

function source(images: Child[], attestations: Child[]): ResolvedSource {
  return {
    reference: images[0].source,
    digest: sha(`idx-${images[0].descriptor.digest}`),
    mediaType: MediaType.OciIndex,
    images,
    attestations,
  };
}

const options: PlanOptions = { attestations: 'referrers', platforms: undefined, annotations: {}, mediaType: 'oci' };

describe('attestations: referrers in the plan', () => {
  const amd = image('amd', 'linux/amd64');
  const arm = image('arm', 'linux/arm64');
  const amdAtt = attestation(amd);
  const armAtt = attestation(arm, 'oci-artifact');
  const resolved = [source([amd], [amdAtt]), source([arm], [armAtt])];

  it('lists only the images, the same index as strip, and relocates every kept image’s attestation', () => {
    const plan = buildPlan(resolved, options);
    expect(plan.children).toEqual([amd, arm]);
    expect(plan.index.digest).toBe(buildPlan(resolved, { ...options, attestations: 'strip' }).index.digest);
    expect(plan.relocated.map((r) => [r.image, r.attestation])).toEqual([
      [amd, amdAtt],
      [arm, armAtt],
    ]);
    expect(buildPlan(resolved, { ...options, attestations: 'keep' }).relocated).toEqual([]);
  });

  it('gives a classic attestation subject and artifactType and changes nothing else, the same bytes every time', () => {
    const r = asReferrer(amdAtt, amd);
    expect(r.rewritten).toBe(true);
    expect(JSON.parse(r.bytes.toString())).toEqual({
      ...JSON.parse(amdAtt.bytes.toString()),
      artifactType: ARTIFACT_TYPE,
      subject: { mediaType: MediaType.OciManifest, digest: amd.descriptor.digest, size: amd.descriptor.size },
    });
    expect(r.digest).toBe(sha(r.bytes));
    expect(r.digest).not.toBe(amdAtt.descriptor.digest);
    expect(asReferrer(amdAtt, amd).bytes.equals(r.bytes)).toBe(true);
    expect(r.predicateTypes).toEqual([PROVENANCE]);
  });

  it('copies an OCI-artifact attestation byte for byte, at its digest', () => {
    const r = asReferrer(armAtt, arm);
    expect(r.rewritten).toBe(false);
    expect(r.bytes).toBe(armAtt.bytes);
    expect(r.digest).toBe(armAtt.descriptor.digest);
  });

  it('refuses an attestation whose own subject is another manifest', () => {
    const odd = attestation(arm, 'oci-artifact', amd);
    expect(() => asReferrer(odd, arm)).toThrow(ContentError);
    expect(() => asReferrer(odd, arm)).toThrow(/names sha256:\S+ as its subject; use attestations: keep or strip/);
  });

  it('relocates nothing for a platform the filter drops', () => {
    const plan = buildPlan(resolved, { ...options, platforms: [parsePlatform('linux/arm64')] });
    expect(plan.children).toEqual([arm]);
    expect(plan.relocated.map((r) => r.image)).toEqual([arm]);
  });

  it('append: the base’s inline attestations of the images that stay are relocated, the replaced one’s go with it', () => {
    const oldArm = image('old-arm', 'linux/arm64');
    const base = source([amd, oldArm], [amdAtt, attestation(oldArm)]);
    const plan = buildPlan([source([arm], [armAtt])], options, base);
    expect(plan.children).toEqual([amd, arm]);
    expect(plan.relocated.map((r) => r.attestation)).toEqual([amdAtt, armAtt]);
    expect(JSON.parse(plan.index.json).manifests.some((m: { annotations?: object }) => m.annotations)).toBe(false);
  });
});

describe('serializeIndex', () => {
  it('keeps a descriptor’s artifactType in an OCI index (keep with OCI-artifact attestations)', () => {
    const arm = image('arm', 'linux/arm64');
    const att = attestation(arm, 'oci-artifact');
    const index = serializeIndex(MediaType.OciIndex, [arm.descriptor, att.descriptor], {});
    const entries = JSON.parse(index.json).manifests;
    expect(entries[0].artifactType).toBeUndefined();
    expect(entries[1].artifactType).toBe(ARTIFACT_TYPE);
    expect(Object.keys(entries[1])).toEqual(['mediaType', 'digest', 'size', 'artifactType', 'platform', 'annotations']);
  });
});
