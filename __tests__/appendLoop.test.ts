/**
 * The parallel-append loop (docs/concurrent-append.md) against a scripted registry whose tag is
 * overwritten behind the run's back, as a concurrent writer that read the tag earlier would do.
 * The end-to-end suite (e2e/concurrentAppend.test.ts) runs the same loop against a real registry.
 */
import { appendUntilSettled, type AppendLoopOptions, type AppendTiming } from '../src/flow/appendLoop';
import { MediaType } from '../src/oci/mediaTypes';
import { Reference } from '../src/oci/reference';
import type { PlanOptions } from '../src/plan/plan';
import { ownEntries, planRound } from '../src/plan/standing';
import type { RegistryClient } from '../src/registry/client';
import { resolveBase } from '../src/resolve/base';
import type { ResolvedSource } from '../src/resolve/resolve';
import type { Transfer } from '../src/transfer/transfer';
import { type MemoryRegistry, memoryRegistry, OCI_INDEX, OCI_MANIFEST } from './helpers/memoryRegistry';

const FAST: AppendTiming = { rounds: 3, settleMs: 0, maxBackoffMs: 0 };
const options: PlanOptions = { attestations: 'strip', platforms: undefined, annotations: {}, mediaType: 'oci' };
const target = Reference.parse('r.io/app:1');

function imageBytes(name: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'c'.repeat(64)}`, size: 2 },
      layers: [],
      annotations: { name },
    }),
  );
}

function indexBytes(reg: MemoryRegistry, entries: ReadonlyArray<{ name: string; architecture: string }>): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: entries.map((e) => {
        const bytes = imageBytes(e.name);
        return {
          mediaType: OCI_MANIFEST,
          digest: reg.store('app', bytes),
          size: bytes.length,
          platform: { os: 'linux', architecture: e.architecture },
        };
      }),
    }),
  );
}

/** A registry whose tag `app:1` is put back to `stale` after each of the first `erasures` writes to it. */
async function scene(erasures: number) {
  const reg = memoryRegistry({ referrersApi: false });
  const stale = indexBytes(reg, [{ name: 'amd', architecture: 'amd64' }]);
  reg.store('app', stale, '1');
  const own = indexBytes(reg, [{ name: 'riscv', architecture: 'riscv64' }]);
  reg.store('app', own, 'riscv-build');
  const resolved = [(await resolveBase(reg.clientFor, Reference.parse('r.io/app:riscv-build'))) as ResolvedSource];
  let puts = 0;
  const client = (await reg.clientFor('r.io')) as unknown as Record<string, unknown>;
  const put = client.putManifest as RegistryClient['putManifest'];
  client.putManifest = async (repository: string, ref: string, bytes: Buffer, mediaType: string) => {
    const digest = await put(repository, ref, bytes, mediaType);
    if (ref === '1' && ++puts <= erasures) reg.store('app', stale, '1');
    return digest;
  };
  const base = await resolveBase(reg.clientFor, target);
  const loop: AppendLoopOptions = {
    clientFor: reg.clientFor,
    targets: [target],
    repositories: [target],
    resolved,
    planOptions: options,
    own: ownEntries(resolved, options),
    transfer: { run: async () => [] } as unknown as Transfer,
    reporter: { info: () => undefined, notice: () => undefined },
    timing: FAST,
  };
  const plan = planRound(resolved, options, loop.own, base);
  const tagged = () =>
    JSON.parse(reg.get('app', '1')!.toString()) as { manifests: Array<{ platform: { architecture: string } }> };
  return { run: () => appendUntilSettled({ plan, base }, loop), tagged, puts: () => puts };
}

describe('appendUntilSettled', () => {
  it('writes again onto what is there when a stale write erased its entry, and ends once the tag holds it', async () => {
    const s = await scene(2);
    const outcome = await s.run();
    expect(outcome.rounds).toBe(3);
    expect(s.puts()).toBe(3);
    expect(s.tagged().manifests.map((m) => m.platform.architecture)).toEqual(['amd64', 'riscv64']);
    expect(outcome.plan.index.mediaType).toBe(MediaType.OciIndex);
  });

  it('gives up after its last write, naming the tag, when its entry keeps being erased', async () => {
    const s = await scene(Infinity);
    await expect(s.run()).rejects.toThrow(
      /^append: r\.io\/app:1 did not settle after 3 writes and 3 reads: concurrent appends kept replacing this run's entries \(linux\/riscv64 sha256:/,
    );
    expect(s.puts()).toBe(3);
    expect(s.tagged().manifests.map((m) => m.platform.architecture)).toEqual(['amd64']);
  });
});
