/**
 * The referrers hook in resolve: every manifest digest a source names is told as soon
 * as it is known, before the children are read, so discovery overlaps the rest of the resolve.
 */
import { createHash } from 'node:crypto';
import type { Digest } from '../src/oci/digest';
import { MediaType } from '../src/oci/mediaTypes';
import { Reference } from '../src/oci/reference';
import type { RegistryClient } from '../src/registry/client';
import { resolveSources } from '../src/resolve/resolve';

const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}` as Digest;
const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(Buffer.from('c')), size: 1 };
const image = json({ schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers: [] });
const attestation = json({ schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers: [], a: 1 });
const index = json({
  schemaVersion: 2,
  mediaType: MediaType.OciIndex,
  manifests: [
    {
      mediaType: MediaType.OciManifest,
      digest: digestOf(image),
      size: image.length,
      platform: { os: 'linux', architecture: 'amd64' },
    },
    {
      mediaType: MediaType.OciManifest,
      digest: digestOf(attestation),
      size: attestation.length,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': digestOf(image) },
    },
  ],
});

describe('resolveSources: the referrers hook', () => {
  it.each([
    ['keep', [digestOf(index), digestOf(image), digestOf(attestation)]],
    ['strip', [digestOf(index), digestOf(image)]],
  ] as const)('with attestations: %s, tells the index and child digests before any child is read', async (mode, expected) => {
    const events: string[] = [];
    const byRef = new Map<string, Buffer>([
      ['b', index],
      [digestOf(image), image],
      [digestOf(attestation), attestation],
    ]);
    const getManifest = async (_repo: string, ref: string) => {
      events.push(`GET ${ref}`);
      const bytes = byRef.get(ref)!;
      return { bytes, digest: digestOf(bytes), contentType: undefined };
    };
    const client = { getManifest, getListedManifest: getManifest } as unknown as RegistryClient;
    await resolveSources(async () => client, [Reference.parse('reg.test/ci/app:b')], mode, {
      known: (source, digest) => void events.push(`known ${source.name} ${digest}`),
    });
    expect(events.filter((e) => e.startsWith('known'))).toEqual(expected.map((d) => `known reg.test/ci/app ${d}`));
    const firstChildRead = events.findIndex((e) => e.startsWith('GET sha256:'));
    expect(events.slice(0, firstChildRead)).toEqual(['GET b', ...expected.map((d) => `known reg.test/ci/app ${d}`)]);
  });
});
