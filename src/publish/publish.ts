import * as core from '@actions/core';
import type { Reference } from '../oci/reference';
import type { SerializedIndex } from '../plan/serialize';
import type { ClientFor } from '../resolve/resolve';

export interface TagResult {
  readonly reference: string;
  /** `unchanged`: the tag already pointed at the digest and was not PUT again (immutable tags, rule 8). */
  readonly outcome: 'written' | 'unchanged' | 'would-write';
}

/**
 * Tags the index in every target: the last writes of the run (design rule 8: a tag already at
 * the digest is not PUT again, as immutable-tag registries refuse a re-PUT).
 */
export async function publishIndex(
  clientFor: ClientFor,
  index: SerializedIndex,
  targets: readonly Reference[],
  dryRun: boolean,
): Promise<TagResult[]> {
  return Promise.all(
    targets.map(async (target): Promise<TagResult> => {
      const client = await clientFor(target.registry);
      const tag = target.tag as string;
      const current = await client.headManifest(target.repository, tag);
      if (current?.digest === index.digest) {
        core.info(`${target} already points at ${index.digest}`);
        return { reference: target.toString(), outcome: 'unchanged' };
      }
      if (dryRun) return { reference: target.toString(), outcome: 'would-write' };
      await client.putManifest(target.repository, tag, index.bytes, index.mediaType);
      core.info(`tagged ${target} → ${index.digest}`);
      return { reference: target.toString(), outcome: 'written' };
    }),
  );
}
