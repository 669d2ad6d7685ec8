/**
 * Discovery of attachments (referrers) with an in-memory registry: which requests it makes
 * (HEAD before any GET; the fallback tag only without the referrers API), recursion and its
 * bound, and what it refuses to carry.
 */
import type { Digest } from '../src/oci/digest';
import { Reference } from '../src/oci/reference';
import { Discoverer } from '../src/referrers/discover';
import { artifact, digestOf, fallbackIndex, memoryRegistry, OCI_INDEX } from './helpers/memoryRegistry';

const source = Reference.parse('reg.test/ci/app:b');
const image = digestOf('image') as Digest;
const tag = (d: string, suffix = '') => `${d.replace(':', '-')}${suffix}`;

describe('Discoverer', () => {
  it('without the referrers API: reads the fallback tag, and cosign tags, after a HEAD; recurses into what it found', async () => {
    const reg = memoryRegistry({ referrersApi: false });
    const bundle = artifact('bundle', image);
    const bundleDigest = reg.store('ci/app', bundle);
    reg.store('ci/app', fallbackIndex(bundle), tag(image));
    const sig = artifact('sig');
    reg.store('ci/app', sig, tag(image, '.sig'));
    const sigOfBundle = artifact('sig of bundle');
    reg.store('ci/app', sigOfBundle, tag(bundleDigest, '.sig'));

    const found = await new Discoverer(reg.clientFor).discover(source, image);
    expect(found.missed).toEqual([]);
    expect(found.attachments.map((a) => [a.link, a.descriptor.digest, a.attachments.map((b) => b.descriptor.digest)])).toEqual([
      [{ kind: 'subject' }, bundleDigest, [digestOf(sigOfBundle)]],
      [{ kind: 'tag', tag: tag(image, '.sig') }, digestOf(sig), []],
    ]);
    expect(found.attachments[0].descriptor).toMatchObject({
      artifactType: 'application/vnd.example+json',
      annotations: { name: 'bundle' },
    });
    // A tag is read (by the digest its HEAD answered) only once a HEAD said it is there; absent cosign tags cost a HEAD each.
    const before = (first: string, then: string) => {
      expect(reg.calls).toContain(first);
      expect(reg.calls.indexOf(first)).toBeLessThan(reg.calls.indexOf(then));
    };
    before(`HEAD ci/app/${tag(image)}`, `GET ci/app/${digestOf(fallbackIndex(bundle))}`);
    before(`HEAD ci/app/${tag(image, '.sig')}`, `GET ci/app/${digestOf(sig)}`);
    expect(reg.calls).toContain(`HEAD ci/app/${tag(image, '.att')}`);
    expect(reg.calls).not.toContain(`GET ci/app/${tag(image, '.att')}`);
  });

  it('with the referrers API: lists through it and never reads the fallback tag', async () => {
    const reg = memoryRegistry({ referrersApi: true });
    const sbom = reg.store('ci/app', artifact('sbom', image));
    const found = await new Discoverer(reg.clientFor).discover(source, image);
    expect(found.attachments.map((a) => a.descriptor.digest)).toEqual([sbom]);
    // The fallback tag is HEADed alongside (one round trip whichever the registry has), never read.
    expect(reg.calls.filter((c) => c.startsWith('GET '))).toEqual([`GET ci/app/${sbom}`]);
  });

  it('names what lies past the depth bound instead of reading it', async () => {
    const reg = memoryRegistry({ referrersApi: true });
    const first = reg.store('ci/app', artifact('first', image));
    const second = reg.store('ci/app', artifact('second', first));
    const found = await new Discoverer(reg.clientFor, { maxDepth: 1 }).discover(source, image);
    expect(found.attachments.map((a) => a.descriptor.digest)).toEqual([first]);
    expect(found.attachments[0].attachments).toEqual([]);
    expect(found.missed).toEqual([
      { what: `reg.test/ci/app@${second}`, why: 'attached 2 levels below the image, past the depth bound of 1' },
    ]);
    expect(reg.calls).not.toContain(`GET ci/app/${second}`);
  });

  it('does not carry an index, nor a fallback entry whose subject is another manifest', async () => {
    const reg = memoryRegistry({ referrersApi: false });
    const stray = artifact('stray', digestOf('another image'));
    const nested = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }));
    reg.store('ci/app', stray);
    reg.store('ci/app', nested, tag(image, '.sbom'));
    reg.store('ci/app', fallbackIndex(stray), tag(image));
    const found = await new Discoverer(reg.clientFor).discover(source, image);
    expect(found.attachments).toEqual([]);
    expect(found.missed.map((m) => m.why).sort()).toEqual([
      'an index, not an image manifest: not carried',
      `listed as a referrer of ${image.slice(0, 19)} but its subject differs`,
    ]);
  });
});
