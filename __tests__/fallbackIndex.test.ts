import { ContentError } from '../src/errors';
import type { Digest } from '../src/oci/digest';
import type { Descriptor } from '../src/oci/manifest';
import { addToFallbackIndex } from '../src/referrers/fallbackIndex';

const d = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const referrer = (c: string): Descriptor => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: d(c),
  size: 10,
  artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  annotations: { z: '1', a: '2' },
});
const parse = (u: ReturnType<typeof addToFallbackIndex>) => (u.changed ? JSON.parse(u.bytes.toString()) : undefined);

describe('addToFallbackIndex', () => {
  it('starts an OCI index with the new entries in digest order, artifactType and annotations included', () => {
    const index = parse(addToFallbackIndex(undefined, [referrer('c'), referrer('a')], 'where'));
    expect(index).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { ...referrer('a'), annotations: { a: '2', z: '1' } },
        { ...referrer('c'), annotations: { a: '2', z: '1' } },
      ],
    });
    expect(Object.keys(index.manifests[0].annotations)).toEqual(['a', 'z']);
  });

  it('keeps every entry already there, as it is and where it is, and appends the new ones', () => {
    const theirs = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: d('f'),
      size: 3,
      data: 'e30=',
      'x-other': true,
    };
    const current = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [theirs],
        annotations: { k: 'v' },
      }),
    );
    const index = parse(addToFallbackIndex(current, [referrer('b'), referrer('f')], 'where'));
    expect(index.manifests.map((m: { digest: string }) => m.digest)).toEqual([d('f'), d('b')]);
    expect(index.manifests[0]).toEqual(theirs);
    expect(index.annotations).toEqual({ k: 'v' });
  });

  it('is unchanged (nothing to write) when every entry is there, and gives the same bytes for the same inputs', () => {
    const once = addToFallbackIndex(undefined, [referrer('a'), referrer('b')], 'where');
    expect(once.changed && addToFallbackIndex(once.bytes, [referrer('b'), referrer('a')], 'where')).toEqual({ changed: false });
    const twice = addToFallbackIndex(undefined, [referrer('b'), referrer('a')], 'where');
    expect(once.changed && twice.changed && once.bytes.equals(twice.bytes)).toBe(true);
  });

  it('refuses to rewrite a tag that does not hold a referrers index', () => {
    expect(() => addToFallbackIndex(Buffer.from('{"schemaVersion":2,"layers":[]}'), [referrer('a')], 'r/app:sha256-x')).toThrow(
      ContentError,
    );
    expect(() => addToFallbackIndex(Buffer.from('nope'), [referrer('a')], 'r/app:sha256-x')).toThrow(/not valid JSON/);
  });
});
