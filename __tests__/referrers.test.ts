/**
 * The referrers run as main.ts starts it, with an in-memory registry: skip does
 * nothing, children read from the target repository itself are not looked at, attachments of
 * an unwrapped index are named, and the per-child counts.
 */
import type { Digest } from '../src/oci/digest';
import type { ImageManifest } from '../src/oci/manifest';
import { MediaType } from '../src/oci/mediaTypes';
import { Reference } from '../src/oci/reference';
import type { Plan } from '../src/plan/plan';
import { Referrers } from '../src/referrers/referrers';
import type { Child, ResolvedSource } from '../src/resolve/resolve';
import { artifact, digestOf, memoryRegistry } from './helpers/memoryRegistry';

const manifest: ImageManifest = {
  kind: 'image',
  mediaType: MediaType.OciManifest,
  config: { mediaType: 'c', digest: digestOf('c'), size: 1 },
  layers: [],
};
function child(name: string, source: string): Child {
  return {
    kind: 'image',
    descriptor: {
      mediaType: MediaType.OciManifest,
      digest: digestOf(name),
      size: 1,
      platform: { os: 'linux', architecture: name },
    },
    manifest,
    bytes: Buffer.from(name),
    source: Reference.parse(source),
  };
}
const planOf = (children: Child[]) => ({ children, platforms: [], relocated: [] }) as unknown as Plan;
const log = () => ({
  lines: [] as string[],
  info(m: string) {
    this.lines.push(m);
  },
  warning(m: string) {
    this.lines.push(`warning: ${m}`);
  },
});
const tag = (d: string, suffix = '') => `${d.replace(':', '-')}${suffix}`;

describe('Referrers', () => {
  it('skip: asks nothing and reports that it skipped', async () => {
    const reg = memoryRegistry({ referrersApi: true });
    const amd = child('amd64', 'reg.test/ci/amd:b');
    const referrers = new Referrers(reg.clientFor, [Reference.parse('reg.test/out:1')], {
      mode: 'skip',
      dryRun: false,
      log: log(),
    });
    referrers.known(amd.source, amd.descriptor.digest);
    const report = await referrers.start(planOf([amd]), []).carry();
    expect(report.mode).toBe('skip');
    expect(reg.calls).toEqual([]);
  });

  it('looks only at children going into another repository, names what signs an unwrapped index, counts per child', async () => {
    const reg = memoryRegistry({ referrersApi: true });
    const amd = child('amd64', 'reg.test/ci/amd:b');
    const local = child('arm64', 'reg.test/out:arm');
    reg.store('ci/amd', artifact('sbom', amd.descriptor.digest));
    reg.store('ci/amd', artifact('sig'), tag(amd.descriptor.digest, '.sig'));
    const indexDigest = digestOf('per-arch index') as Digest;
    reg.store('ci/amd', artifact('index sig'), tag(indexDigest, '.sig'));
    const resolved = [
      { reference: amd.source, digest: indexDigest, mediaType: MediaType.OciIndex, images: [amd], attestations: [] },
    ] as ResolvedSource[];
    const out = log();
    const referrers = new Referrers(reg.clientFor, [Reference.parse('reg.test/out:1')], {
      mode: 'copy',
      dryRun: false,
      log: out,
    });
    // As resolve learns the digests: listing starts at once, before the plan (the child from the target repository is left alone).
    for (const c of [amd, local]) referrers.known(c.source, c.descriptor.digest);
    await new Promise((r) => setImmediate(r));
    expect(reg.calls).toContain(`REFERRERS ci/amd/${amd.descriptor.digest}`);
    const listedEarly = reg.calls.length;
    const report = await referrers.start(planOf([amd, local]), resolved).carry();
    expect(reg.calls.filter((c) => c.includes(local.descriptor.digest.slice(7)))).toEqual([]);
    // The early listing is the one used: the child's referrers API is asked once in all.
    expect(reg.calls.filter((c) => c === `REFERRERS ci/amd/${amd.descriptor.digest}`)).toHaveLength(1);
    expect(reg.calls.length).toBeGreaterThan(listedEarly);
    expect(report.children.map((c) => [c.label, c.found, c.carried])).toEqual([
      ['linux/amd64', 2, 2],
      ['linux/arm64', 0, 0],
    ]);
    expect(report.missed).toEqual([
      {
        what: `reg.test/ci/amd:${tag(indexDigest, '.sig')}`,
        why: expect.stringContaining(`attached to the index ${indexDigest.slice(0, 19)}`),
      },
    ]);
    expect(out.lines).toContain(`linux/amd64 ${amd.descriptor.digest.slice(0, 19)}: 2 referrers found, 2 carried`);
    expect(out.lines.some((l) => l.startsWith('warning: not carried: '))).toBe(true);
    expect(report.transfers.map((t) => [t.repository, t.manifests.pushed])).toEqual([['reg.test/out', 2]]);
  });

  it('a failure while looking says how to merge without the attachments', async () => {
    const reg = memoryRegistry({ referrersApi: true, referrersFail: true });
    const amd = child('amd64', 'reg.test/ci/amd:b');
    const referrers = new Referrers(reg.clientFor, [Reference.parse('reg.test/out:1')], {
      mode: 'copy',
      dryRun: false,
      log: log(),
    });
    await expect(referrers.start(planOf([amd]), []).carry()).rejects.toThrow(
      /HTTP 500; this happened while carrying what is attached to the children \(referrers: copy\); referrers: skip merges without them$/,
    );
  });
});
