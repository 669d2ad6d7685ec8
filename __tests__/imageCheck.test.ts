/**
 * Design rule 16: which image-shaped manifests and indexes are not images, and what the error
 * calls them. (The end-to-end refusals, by digest, tag, pattern and append base, are in
 * __tests__/e2e/nonImages.test.ts.)
 */
import { ContentError } from '../src/errors';
import type { Digest } from '../src/oci/digest';
import { type ImageIndex, type ImageManifest, parseManifest } from '../src/oci/manifest';
import { Reference } from '../src/oci/reference';
import { platformOfConfig } from '../src/resolve/config';
import { nonImage, refuseArtifactIndex, refuseAttachmentTag } from '../src/resolve/imageCheck';

const d = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json';

function manifest(
  fields: Record<string, unknown>,
  layers: object[] = [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('1'), size: 1 }],
) {
  const json = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: IMAGE_CONFIG, digest: d('c'), size: 2 },
    layers,
    ...fields,
  };
  const bytes = Buffer.from(JSON.stringify(json));
  return { m: parseManifest(bytes, undefined, 'test') as ImageManifest, bytes };
}

describe('nonImage', () => {
  it('takes an image for an image', () => {
    const { m, bytes } = manifest({});
    expect(nonImage(m, bytes)).toBeUndefined();
  });

  it('names an OCI-artifact attestation and its subject', () => {
    const { m, bytes } = manifest({
      artifactType: 'application/vnd.docker.attestation.manifest.v1+json',
      config: { mediaType: 'application/vnd.docker.attestation.config.v1+json', digest: d('c'), size: 2 },
      subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('a'), size: 3 },
    });
    expect(nonImage(m, bytes)).toBe(`an attestation of ${d('a')}`);
  });

  it('names a classic buildx attestation by its statements, with the subject when it was read', () => {
    const layers = [
      {
        mediaType: 'application/vnd.in-toto+json',
        digest: d('2'),
        size: 9,
        annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' },
      },
    ];
    const { m, bytes } = manifest({}, layers);
    expect(nonImage(m, bytes)).toBe('an attestation (https://slsa.dev/provenance/v0.2)');
    expect(nonImage(m, bytes, d('b'))).toBe(`an attestation of ${d('b')}`);
  });

  it('names a cosign signature and a cosign attestation', () => {
    const sig = manifest({}, [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: d('3'), size: 9 }]);
    expect(nonImage(sig.m, sig.bytes)).toBe('a cosign signature');
    const att = manifest({}, [{ mediaType: 'application/vnd.dsse.envelope.v1+json', digest: d('4'), size: 9 }]);
    expect(nonImage(att.m, att.bytes)).toBe('an attestation');
  });

  it('names a referrer by its artifact type and subject, and an artifact without subject', () => {
    const bundle = 'application/vnd.dev.sigstore.bundle.v0.3+json';
    const referrer = manifest({
      artifactType: bundle,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: d('e'), size: 2 },
      subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('a'), size: 3 },
    });
    expect(nonImage(referrer.m, referrer.bytes)).toBe(`an artifact (${bundle}) attached to ${d('a')}`);
    const helm = manifest({ config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: d('e'), size: 2 } });
    expect(nonImage(helm.m, helm.bytes)).toBe('an artifact (application/vnd.cncf.helm.config.v1+json)');
    const typed = manifest({ artifactType: 'application/x-thing' });
    expect(nonImage(typed.m, typed.bytes)).toBe('an artifact (application/x-thing)');
  });
});

describe('refuseArtifactIndex and refuseAttachmentTag', () => {
  const index = (manifests: object[]) =>
    parseManifest(
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests })),
      undefined,
      't',
    ) as ImageIndex;
  const source = Reference.parse('r.io/app:x');

  it('refuses an index that lists only artifacts: a referrers index', () => {
    const referrers = index([
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('5'), size: 1, artifactType: 'application/spdx+json' },
    ]);
    expect(() => refuseArtifactIndex(source, referrers)).toThrow(
      'source "r.io/app:x" is a referrers index (it lists artifacts: application/spdx+json), not an image',
    );
    const images = index([
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: d('5'),
        size: 1,
        platform: { os: 'linux', architecture: 'amd64' },
      },
    ]);
    expect(() => refuseArtifactIndex(source, images)).not.toThrow();
  });

  it('refuses a source named by a referrers or cosign tag, and nothing else', () => {
    const hex = 'f'.repeat(64);
    expect(() => refuseAttachmentTag(Reference.parse(`r.io/app:sha256-${hex}.att`))).toThrow(
      new ContentError(`source "r.io/app:sha256-${hex}.att" is a cosign attestation of sha256:${hex}, not an image`),
    );
    expect(() => refuseAttachmentTag(Reference.parse(`r.io/app:sha256-${hex}`))).toThrow(/is a referrers index/);
    expect(() => refuseAttachmentTag(Reference.parse('r.io/app:sha256-1'))).not.toThrow();
  });
});

describe('platformOfConfig', () => {
  it.each([
    [{ os: 'unknown', architecture: 'unknown' }, 'unknown/unknown'],
    [{ os: '', architecture: '' }, '(none)/(none)'],
    [{ os: 'linux', architecture: 'unknown' }, 'linux/unknown'],
    [{ architecture: 'amd64' }, '(none)/amd64'],
  ])('refuses %j: no image has that platform', (config, shown) => {
    expect(() => platformOfConfig(config, 'source "r.io/app@x"')).toThrow(
      `source "r.io/app@x" is not an image: its config names the platform ${shown}`,
    );
  });
});
