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

/** The settling loop, without its waits (design rule 19). */
const FAST = { rounds: 3, settleMs: 0, maxBackoffMs: 0, random: () => 0 };
const logged: string[] = [];
beforeEach(() => (logged.length = 0));

/** A cosign signature manifest (`sha256-<hex>.sig`): one simple-signing layer per signature, its config listing them. */
function cosignSignature(reg: MemoryRegistry, repository: string, ...signatures: string[]): Buffer {
  const layers = signatures.map((s) => ({
    mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
    digest: digestOf(`payload of ${image}`),
    size: 10,
    annotations: { 'dev.cosignproject.cosign/signature': s },
  }));
  reg.storeBlob(repository, Buffer.from(`payload of ${image}`));
  const config = Buffer.from(
    JSON.stringify({
      architecture: '',
      os: '',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      history: layers.map(() => ({})),
    }),
  );
  const configDigest = reg.storeBlob(repository, config);
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers,
    }),
  );
}

async function carry(reg: MemoryRegistry, dryRun = false) {
  const found = await new Discoverer(reg.clientFor).discover(source, image);
  const carrier = new Carrier(reg.clientFor, new Transfer(reg.clientFor, { dryRun, reporter: recordingReporter() }), {
    dryRun,
    log: (message) => logged.push(message),
    settle: FAST,
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

  it('adds the carried signature to a cosign tag that holds signatures of its own (design rule 19)', async () => {
    const reg = memoryRegistry({ referrersApi: false });
    reg.store('ci/app', cosignSignature(reg, 'ci/app', 'ours'), tag(image, '.sig'));
    reg.store('release/app', cosignSignature(reg, 'release/app', 'theirs'), tag(image, '.sig'));
    const { outcomes, missed } = await carry(reg);
    expect(outcomes).toEqual(['pushed']);
    expect(missed).toEqual([]);
    const merged = JSON.parse(reg.get('release/app', tag(image, '.sig'))!.toString());
    const signatures = merged.layers.map(
      (l: { annotations: Record<string, string> }) => l.annotations['dev.cosignproject.cosign/signature'],
    );
    expect(signatures).toEqual(['theirs', 'ours']);
    // The config lists both layers, as cosign's own append does.
    const config = JSON.parse(reg.blobBytes.get(merged.config.digest)!.toString());
    expect(config.rootfs.diff_ids).toHaveLength(2);
    expect(config.history).toHaveLength(2);
    expect(logged).toContain(
      `added 1 signature of ${digestOf(cosignSignature(reg, 'ci/app', 'ours'))} to reg.test/release/app:${tag(image, '.sig')}, which keeps its own`,
    );
    // Carried again: every signature is there, nothing is written.
    const again = await carry(reg);
    expect(again.outcomes).toEqual(['present']);
    expect(again.writes).toEqual([]);
  });

  it('keeps a different SBOM already under the cosign .sbom tag, and names it', async () => {
    const reg = memoryRegistry({ referrersApi: false });
    reg.store('ci/app', artifact('sbom'), tag(image, '.sbom'));
    const theirs = artifact('their sbom');
    reg.store('release/app', theirs, tag(image, '.sbom'));
    const { outcomes, writes, missed } = await carry(reg);
    expect(outcomes).toEqual(['kept-theirs']);
    expect(writes).toEqual([]);
    expect(reg.get('release/app', tag(image, '.sbom'))!.equals(theirs)).toBe(true);
    expect(missed[0].why).toContain(
      `reg.test/release/app:${tag(image, '.sbom')} already holds ${digestOf(theirs)}, kept as it is`,
    );
  });

  it('keeps its referrer in the fallback index against a writer that read it before this run wrote (design rule 19)', async () => {
    const reg = memoryRegistry({ referrersApi: false });
    const { bundle } = withAttachments(reg);
    const theirs = artifact('their scan', image);
    reg.store('release/app', fallbackIndex(theirs), tag(image));
    // Another writer read the index (theirs only) before this run's write, and writes it back with its own entry right after.
    const other = artifact('provenance', image);
    let raced = false;
    reg.afterPut = (repository, ref) => {
      if (repository !== 'release/app' || ref !== tag(image) || raced) return;
      raced = true;
      reg.store('release/app', fallbackIndex(theirs, other), tag(image));
    };
    await carry(reg);
    const index = JSON.parse(reg.get('release/app', tag(image))!.toString());
    expect(index.manifests.map((m: { digest: string }) => m.digest)).toEqual([
      digestOf(theirs),
      digestOf(other),
      digestOf(bundle),
    ]);
    expect(reg.calls.filter((c) => c === `PUT release/app/${tag(image)}`)).toHaveLength(2);
    expect(
      logged.some((l) => l.startsWith(`a concurrent write to the referrers index reg.test/release/app:${tag(image)} left out`)),
    ).toBe(true);
  });

  it('fails naming the referrers index when concurrent writers keep erasing its entries', async () => {
    const reg = memoryRegistry({ referrersApi: false });
    withAttachments(reg);
    const theirs = artifact('their scan', image);
    reg.store('release/app', fallbackIndex(theirs), tag(image));
    reg.afterPut = (repository, ref) => {
      if (ref === tag(image)) reg.store(repository, fallbackIndex(theirs), tag(image));
    };
    await expect(carry(reg)).rejects.toThrow(
      `the referrers index reg.test/release/app:${tag(image)} did not settle after 3 writes and 3 reads`,
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
