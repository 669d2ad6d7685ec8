import { ContentError } from '../errors';
import { type Digest, digestOf } from '../oci/digest';
import type { Reference } from '../oci/reference';
import type { FetchedManifest, RegistryClient } from '../registry/client';
import { SETTLE_TIMING, type SettleTiming, writeUntilSettled } from '../util/settle';

/** What a write onto a shared tag is: the bytes and their media type. */
export interface TagWrite {
  readonly bytes: Buffer;
  readonly mediaType: string;
}

/** How this run's entries go onto what a shared tag holds. */
export interface SharedTagMerge {
  /** In words, for the log and errors: `the referrers index reg/app:sha256-…`. */
  readonly what: string;
  /** What is there with this run's entries added; undefined when every one of them is there already. */
  merge(current: FetchedManifest | undefined): Promise<TagWrite | undefined>;
  /** Whether what is there holds every entry of this run. */
  holds(current: FetchedManifest): boolean;
}

/**
 * Design rule 19: a tag that other tools read, change and write back too (a `sha256-<hex>`
 * referrers index, a cosign `.sig` or `.att`) is never written over: this run's entries are merged
 * onto what is there, and the tag is written, checked and merged again until it holds them, in
 * the settling loop parallel appends use (util/settle.ts, docs/concurrent-append.md). True when
 * this run wrote the tag.
 */
export async function mergeIntoTag(
  client: RegistryClient,
  target: Reference,
  tag: string,
  how: SharedTagMerge,
  options: { readonly log: (message: string) => void; readonly timing?: SettleTiming },
): Promise<boolean> {
  const timing = options.timing ?? SETTLE_TIMING;
  type Head = Awaited<ReturnType<RegistryClient['headManifest']>>;
  /** What the tag holds, read at what its HEAD answered. */
  const readAt = async (head: Head): Promise<FetchedManifest | undefined> =>
    head && client.getManifest(target.repository, head.digest ?? tag);
  const read = async (): Promise<FetchedManifest | undefined> => readAt(await client.headManifest(target.repository, tag));
  const digestNow = async (): Promise<Digest | undefined> => {
    const head = await client.headManifest(target.repository, tag);
    return head && (head.digest ?? (await client.getManifest(target.repository, tag)).digest);
  };
  let base = await read();
  let next = await how.merge(base);
  if (next === undefined) return false;
  let wrote = false;
  const settled = await writeUntilSettled(
    {
      remerge: async () => {
        base = await read();
        next = await how.merge(base);
        return next !== undefined;
      },
      unmoved: async () => {
        if ((await digestNow()) === base?.digest) return true;
        options.log(`${how.what} changed since this run read it; reading it again`);
        return false;
      },
      write: async () => {
        const w = next as TagWrite;
        await client.putManifest(target.repository, tag, w.bytes, w.mediaType);
        wrote = true;
        return true;
      },
      holds: async (round) => {
        // Still at what this run wrote: a HEAD tells (Docker Hub counts a GET as a pull).
        const head = await client.headManifest(target.repository, tag);
        const written = digestOf((next as TagWrite).bytes);
        const now = head?.digest === written ? undefined : await readAt(head);
        if (head?.digest === written || (now && (now.digest === written || how.holds(now)))) {
          if (round > 1) options.log(`${how.what} holds this run's entries after ${round} writes`);
          return true;
        }
        options.log(
          `a concurrent write to ${how.what} left out this run's entries (write ${round} of at most ${timing.rounds}); ` +
            'merging again onto what is there',
        );
        return false;
      },
    },
    timing,
  );
  if (settled.outcome === 'gave-up') {
    throw new ContentError(
      `${how.what} did not settle after ${settled.rounds} writes and ${settled.reads} reads: other writers kept ` +
        "replacing this run's entries; it may lack them: run this job again",
    );
  }
  return wrote;
}
