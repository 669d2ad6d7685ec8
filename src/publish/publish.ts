import type { Log } from '../util/log';
import type { Reference } from '../oci/reference';
import type { SerializedIndex } from '../plan/serialize';
import { RegistryError } from '../registry/client';
import type { ClientFor } from '../resolve/resolve';

export interface TagResult {
  readonly reference: string;
  /** `unchanged`: the tag already pointed at the digest and was not PUT again (immutable tags, rule 8). */
  readonly outcome: 'written' | 'unchanged' | 'would-write';
}

/** What each target tag points at now (by HEAD, so it costs no Docker Hub pull), in target order. */
export type TagDigests = ReadonlyArray<string | undefined>;

/**
 * HEADs every target tag. Reads only, so the run starts them with the resolve, off the
 * critical path; a tag's answer is compared with the planned digest later. A tag whose HEAD
 * names no digest is read whole: a registry that omits Docker-Content-Digest would otherwise
 * never match.
 */
export function readTags(clientFor: ClientFor, targets: readonly Reference[]): Promise<TagDigests> {
  return Promise.all(
    targets.map(async (target) => {
      const client = await clientFor(target.registry);
      const head = await client.headManifest(target.repository, target.tag as string);
      if (!head || head.digest !== undefined) return head?.digest;
      return (await client.getManifest(target.repository, target.tag as string)).digest;
    }),
  );
}

/** True when every target tag already points at the index: the re-run no-op. */
export function allTagsAt(current: TagDigests, index: SerializedIndex): boolean {
  return current.every((digest) => digest === index.digest);
}

/**
 * Tags the index in every target: the last writes of the run (design rule 8: a tag already at
 * the digest is not PUT again, as immutable-tag registries refuse a re-PUT).
 */
export interface PublishOptions {
  readonly dryRun: boolean;
  readonly log: Pick<Log, 'info'>;
  /** What the tags point at, when the run already asked (it reads them while resolving). */
  readonly tags?: Promise<TagDigests>;
}

export async function publishIndex(
  clientFor: ClientFor,
  index: SerializedIndex,
  targets: readonly Reference[],
  { dryRun, log, tags = readTags(clientFor, targets) }: PublishOptions,
): Promise<TagResult[]> {
  const currentDigests = await tags;
  // The tags are written all at once; their lines are logged in the order the tags were given.
  const settled = await Promise.allSettled(
    targets.map(async (target, i): Promise<TagResult & { line?: string }> => {
      const client = await clientFor(target.registry);
      const tag = target.tag as string;
      const current = currentDigests[i] === undefined ? undefined : { digest: currentDigests[i] };
      if (current?.digest === index.digest) {
        return { reference: target.toString(), outcome: 'unchanged', line: `${target} already points at ${index.digest}` };
      }
      if (dryRun) return { reference: target.toString(), outcome: 'would-write' };
      try {
        await client.putManifest(target.repository, tag, index.bytes, index.mediaType);
      } catch (err) {
        throw explainRefusedTag(err, target, current?.digest);
      }
      return { reference: target.toString(), outcome: 'written', line: `tagged ${target} → ${index.digest}` };
    }),
  );
  const results: TagResult[] = [];
  for (const s of settled) {
    if (s.status === 'fulfilled') {
      if (s.value.line !== undefined) log.info(s.value.line);
      results.push({ reference: s.value.reference, outcome: s.value.outcome });
    }
  }
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return results;
}

/**
 * A tag that exists and is refused a new digest is most likely immutable (ECR answers
 * "400 TAG_INVALID", Harbor and GitLab have tag protection rules): name the digest holding it
 * and what to do, as the registry's own words vary.
 */
export function explainRefusedTag(err: unknown, target: Reference, current: string | undefined): unknown {
  if (current === undefined || !(err instanceof RegistryError) || err.status < 400 || err.status >= 500) return err;
  if ([401, 404, 408, 429].includes(err.status)) return err;
  err.message += `; ${target} already points at ${current}: if the repository's tags are immutable, push the merged image to a new tag`;
  return err;
}
