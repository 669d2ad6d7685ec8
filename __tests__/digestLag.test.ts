/**
 * Design rule 18: a source named by digest that answers 404 is asked again for a while (a
 * registry may show a push a moment late); a source named by tag fails at once. The end-to-end
 * case (a digest pushed 3 s after the run started) is in __tests__/e2e/digestLag.test.ts.
 */
import { createHash } from 'node:crypto';
import { ContentError } from '../src/errors';
import type { Digest } from '../src/oci/digest';
import { MediaType } from '../src/oci/mediaTypes';
import { Reference } from '../src/oci/reference';
import { type RegistryClient, RegistryError } from '../src/registry/client';
import { resolveSource } from '../src/resolve/resolve';

const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}` as Digest;
const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(Buffer.from('c')), size: 1 };
const image = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers: [] }));
const index = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: [
      {
        mediaType: MediaType.OciManifest,
        digest: digestOf(image),
        size: image.length,
        platform: { os: 'linux', architecture: 'amd64' },
      },
    ],
  }),
);

/** A registry where the index appears at `visibleAt` ms (fake time); every GET recorded. */
function lagging(visibleAt: number) {
  const asked: Array<{ ref: string; at: number }> = [];
  const start = Date.now();
  const getManifest = async (_repo: string, ref: string) => {
    asked.push({ ref, at: Date.now() - start });
    const bytes = ref === digestOf(image) ? image : Date.now() - start >= visibleAt ? index : undefined;
    if (!bytes) throw new RegistryError(`GET manifest r.io/app@${ref}`, 404, 'MANIFEST_UNKNOWN', 'manifest unknown');
    return { bytes, digest: digestOf(bytes), contentType: undefined };
  };
  // A child an index lists is read through getListedManifest; here, the same GET.
  const client = { getManifest, getListedManifest: getManifest } as unknown as RegistryClient;
  return { client, asked };
}

describe('a source that answers 404 (design rule 18)', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('by digest, is asked again until it appears, with one line saying so', async () => {
    const { client, asked } = lagging(3_000);
    const info: string[] = [];
    const source = Reference.parse(`r.io/app@${digestOf(index)}`);
    const pending = resolveSource(async () => client, source, 'strip', { info: (m) => info.push(m) });
    await jest.advanceTimersByTimeAsync(5_000);
    const resolved = await pending;
    expect(resolved.images.map((i) => i.descriptor.digest)).toEqual([digestOf(image)]);
    const tries = asked.filter((a) => a.ref === digestOf(index));
    expect(tries.length).toBeGreaterThan(2);
    expect(tries.at(-1)!.at).toBeLessThan(5_000);
    expect(info).toEqual([expect.stringMatching(/is not there yet \(404\); asking again for up to 10 s/)]);
  });

  it('by digest, fails once the 10 s are over, naming the source', async () => {
    const { client, asked } = lagging(Infinity);
    const source = Reference.parse(`r.io/app@${digestOf(index)}`);
    const pending = resolveSource(async () => client, source, 'strip').catch((e: Error) => e);
    await jest.advanceTimersByTimeAsync(9_000);
    expect(asked.length).toBeGreaterThan(4);
    await jest.advanceTimersByTimeAsync(2_000);
    const err = (await pending) as Error;
    expect(err).toBeInstanceOf(ContentError);
    expect(err.message).toMatch(new RegExp(`^source "r.io/app@${digestOf(index)}" was not found \\(.*404.*; asked for 10 s\\)$`));
    // No request after the bound.
    expect(Math.max(...asked.map((a) => a.at))).toBeLessThanOrEqual(10_000);
  });

  it('by tag, fails at once', async () => {
    const { client, asked } = lagging(3_000);
    await expect(resolveSource(async () => client, Reference.parse('r.io/app:1'), 'strip')).rejects.toThrow(
      /^source "r\.io\/app:1" was not found \(GET manifest .*404.*\)$/,
    );
    expect(asked).toHaveLength(1);
  });
});
