/**
 * Carrying attachments into a target repository (referrers), with an in-memory registry: by
 * subject (registered by a referrers API, else listed in the fallback tag), under cosign tags,
 * never over someone else's signature, nothing written twice, nothing at all in a dry run.
 */
import { recordingReporter } from './helpers/reporter';
import type { Digest } from '../src/oci/digest';
import { Reference } from '../src/oci/reference';
import type { Missed } from '../src/referrers/attachment';
import { Carrier } from '../src/referrers/carry';
import { Discoverer } from '../src/referrers/discover';
import { emptyTransfer, Transfer } from '../src/transfer/transfer';
import { artifact, digestOf, fallbackIndex, type MemoryRegistry, memoryRegistry } from './helpers/memoryRegistry';

const source = Reference.parse('reg.test/ci/app:b');
const target = Reference.parse('reg.test/release/app:1');
const image = digestOf('image') as Digest;
const tag = (d: string, suffix = '') => `${d.replace(':', '-')}${suffix}`;

/** The source holds a bundle (by subject) and a cosign signature of the image. */
function withAttachments(reg: MemoryRegistry) {
  const bundle = artifact('bundle', image);
  reg.store('ci/app', bundle);
  if (!reg.get('ci/app', tag(image))) reg.store('ci/app', fallbackIndex(bundle), tag(image));
  const sig = artifact('sig');
  reg.store('ci/app', sig, tag(image, '.sig'));
  return { bundle, sig };
}

async function carry(reg: MemoryRegistry, dryRun = false) {
  const found = await new Discoverer(reg.clientFor).discover(source, image);
  const carrier = new Carrier(reg.clientFor, new Transfer(reg.clientFor, { dryRun, reporter: recordingReporter() }), {
    dryRun,
    log: () => undefined,
  });
  const report = emptyTransfer(target.name);
  const missed: Missed[] = [];
  reg.calls.length = 0;
  const outcomes = await carrier.carry(found.attachments, source, target, report, missed);
  return { outcomes: [...outcomes.values()], report, missed, writes: reg.calls.filter((c) => c.startsWith('PUT ')) };
}

describe('Carrier', () => {
  it('without a referrers API: pushes by digest and under the cosign tag, and adds to the fallback index after what is there', async () => {
    const reg = memoryRegistry({ referrersApi: false });
    const { bundle, sig } = withAttachments(reg);
    const theirs = artifact('their scan', image);
    reg.store('release/app', fallbackIndex(theirs), tag(image));

    const first = await carry(reg);
    expect(first.outcomes.sort()).toEqual(['pushed', 'pushed']);
    expect([...first.writes].sort()).toEqual(
      [`PUT release/app/${digestOf(bundle)}`, `PUT release/app/${tag(image, '.sig')}`, `PUT release/app/${tag(image)}`].sort(),
    );
    // The fallback tag is written last, after the manifests it lists.
    expect(first.writes.at(-1)).toBe(`PUT release/app/${tag(image)}`);
    const index = JSON.parse(reg.get('release/app', tag(image))!.toString());
    expect(index.manifests.map((m: { digest: string }) => m.digest)).toEqual([digestOf(theirs), digestOf(bundle)]);
    expect(index.manifests[1]).toMatchObject({ artifactType: 'application/vnd.example+json', annotations: { name: 'bundle' } });
    expect(reg.get('release/app', tag(image, '.sig'))!.equals(sig)).toBe(true);
    expect(first.report.manifests.pushed).toBe(2);
    expect(first.report.blobs.mounted).toBeGreaterThan(0);

    const again = await carry(reg);
    expect(again.outcomes).toEqual(['present', 'present']);
    expect(again.writes).toEqual([]);
  });

  it('with a referrers API: the PUT registers the referrer, no fallback tag is written, also when it was already there', async () => {
    const reg = memoryRegistry({ referrersApi: true });
    withAttachments(reg);
    const first = await carry(reg);
    expect(first.writes).not.toContain(`PUT release/app/${tag(image)}`);
    expect(reg.get('release/app', tag(image))).toBeUndefined();
    const again = await carry(reg);
    expect(again.writes).toEqual([]);
    expect(reg.calls).toContain(`REFERRERS release/app/${image}`); // asked, since no PUT told
  });

  it('keeps a different manifest already under the cosign tag, and names it', async () => {
    const reg = memoryRegistry({ referrersApi: false });
    withAttachments(reg);
    const theirs = artifact('their signature');
    reg.store('release/app', theirs, tag(image, '.sig'));
    const { outcomes, writes, missed } = await carry(reg);
    expect(outcomes.sort()).toEqual(['kept-theirs', 'pushed']);
    expect(writes).not.toContain(`PUT release/app/${tag(image, '.sig')}`);
    expect(reg.get('release/app', tag(image, '.sig'))!.equals(theirs)).toBe(true);
    expect(missed).toHaveLength(1);
    expect(missed[0].why).toContain(
      `reg.test/release/app:${tag(image, '.sig')} already holds ${digestOf(theirs)}, kept as it is`,
    );
  });

  it('reads the cosign tag to compare when the registry names no digest on HEAD', async () => {
    const reg = memoryRegistry({ referrersApi: false, headWithoutDigest: true });
    const { sig } = withAttachments(reg);
    reg.store('release/app', sig, tag(image, '.sig'));
    const { outcomes, missed } = await carry(reg);
    expect(outcomes.sort()).toEqual(['present', 'pushed']);
    expect(missed).toEqual([]);
    expect(reg.calls).toContain(`GET release/app/${tag(image, '.sig')}`);
  });

  it('writes nothing in a dry run', async () => {
    const reg = memoryRegistry({ referrersApi: false });
    withAttachments(reg);
    const { outcomes, writes, report } = await carry(reg, true);
    expect(outcomes).toEqual(['would-push', 'would-push']);
    expect(writes).toEqual([]);
    expect(reg.calls.filter((c) => c.startsWith('MOUNT '))).toEqual([]);
    expect(report.manifests['would-push']).toBe(2);
  });
});
