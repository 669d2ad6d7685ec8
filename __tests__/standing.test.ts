/**
 * Parallel appends (docs/concurrent-append.md): which of a run's entries a tag still holds after
 * the run wrote, which to write again, and which a newer run's entry of the same platform replaced.
 */
import { createHash } from 'node:crypto';
import type { Digest } from '../src/oci/digest';
import type { ImageManifest } from '../src/oci/manifest';
import { MediaType } from '../src/oci/mediaTypes';
import { parsePlatform, type Platform } from '../src/oci/platform';
import { Reference } from '../src/oci/reference';
import type { PlanOptions } from '../src/plan/plan';
import {
  EarlierEntries,
  entriesOfBase,
  entriesOfManifest,
  ownEntries,
  planRound,
  standing,
  withoutImages,
} from '../src/plan/standing';
import type { Child, ResolvedSource } from '../src/resolve/resolve';

const digest = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}` as Digest;
const manifest: ImageManifest = {
  kind: 'image',
  mediaType: MediaType.OciManifest,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest('c'), size: 2 },
  layers: [],
};

function image(name: string, platform: string): Child {
  return {
    kind: 'image',
    descriptor: { mediaType: MediaType.OciManifest, digest: digest(name), size: 100, platform: parsePlatform(platform) },
    manifest,
    bytes: Buffer.from(name),
    source: Reference.parse(`r.io/app@${digest(name)}`),
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
    manifest,
    bytes: Buffer.from('att'),
    source: of.source,
    subject: of.descriptor.digest,
  };
}

function source(images: Child[], attestations: Child[] = [], name = 'idx'): ResolvedSource {
  return { reference: Reference.parse('r.io/app:1'), digest: digest(name), mediaType: MediaType.OciIndex, images, attestations };
}

const keep: PlanOptions = { attestations: 'keep', platforms: undefined, annotations: {}, mediaType: 'oci' };
const entry = (c: Child) => ({ digest: c.descriptor.digest, platform: entriesOfBase(source([c]))[0].platform });

describe('parallel appends: where a run stands in the tag', () => {
  const amd = image('amd', 'linux/amd64');
  const arm = image('arm', 'linux/arm64');
  const mine = image('mine-riscv', 'linux/riscv64');
  const mineAtt = attestation(mine);
  const own = ownEntries([source([mine], [mineAtt])], keep);

  it('takes the images `platforms` keeps and, with keep, only their attestations', () => {
    const both = ownEntries([source([mine, amd], [mineAtt, attestation(amd)])], {
      ...keep,
      platforms: [parsePlatform('linux/riscv64')],
    });
    expect(both.images).toEqual([mine]);
    expect(both.attestations).toEqual([mineAtt]);
    expect(ownEntries([source([mine], [mineAtt])], { ...keep, attestations: 'strip' }).attestations).toEqual([]);
  });

  it('is done when the tag holds its image and its attestation, whatever else is there', () => {
    const s = standing(own, [entry(amd), entry(mine), { digest: mineAtt.descriptor.digest }], new EarlierEntries());
    expect(s).toEqual({ missing: [], superseded: [] });
  });

  it('writes again an image a concurrent write left out, or whose attestation it left out', () => {
    expect(standing(own, [entry(amd)], new EarlierEntries()).missing).toEqual([mine]);
    expect(standing(own, [entry(amd), entry(mine)], new EarlierEntries()).missing).toEqual([mine]);
  });

  it('writes again over an entry of its platform that the tag held before this run wrote (a stale writer put it back)', () => {
    const old = image('old-riscv', 'linux/riscv64');
    const earlier = new EarlierEntries();
    earlier.record(entriesOfBase(source([amd, old])));
    expect(standing(own, [entry(amd), entry(old)], earlier)).toEqual({ missing: [mine], superseded: [] });
  });

  it('leaves an entry of its platform that another run wrote after this one started (newer, or as new)', () => {
    const old = image('old-riscv', 'linux/riscv64');
    const theirs = image('their-riscv', 'linux/riscv64');
    const earlier = new EarlierEntries();
    earlier.record(entriesOfBase(source([amd, old])));
    expect(standing(own, [entry(amd), entry(theirs)], earlier)).toEqual({
      missing: [],
      superseded: [{ own: mine, theirs: theirs.descriptor.digest }],
    });
    // Without that image, its attestation goes too.
    expect(withoutImages(own, [mine])).toEqual({ images: [], attestations: [] });
  });

  it('counts a plain image under the tag as holding nothing of this run (its platform is not listed)', () => {
    const entries = entriesOfManifest(manifest, amd.descriptor.digest);
    expect(entries).toEqual([{ digest: amd.descriptor.digest }]);
    expect(standing(own, entries, new EarlierEntries()).missing).toEqual([mine]);
  });

  it("plans a round on what the tag holds now: its entries, this run's replacing the same platform", () => {
    const old = image('old-riscv', 'linux/riscv64');
    const base = source([amd, old, arm], [attestation(amd)], 'now');
    const plan = planRound([source([mine], [mineAtt])], { ...keep, platforms: [parsePlatform('linux/riscv64')] }, own, base);
    expect(plan.platforms).toEqual(['linux/amd64', 'linux/riscv64', 'linux/arm64']);
    expect(plan.children.map((c) => c.descriptor.digest)).toEqual([
      amd.descriptor.digest,
      mine.descriptor.digest,
      arm.descriptor.digest,
      attestation(amd).descriptor.digest,
      mineAtt.descriptor.digest,
    ]);
    expect(plan.replaced).toEqual([old]);
  });
});
