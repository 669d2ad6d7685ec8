import { ContentError, wordingOf } from '../errors';
import type { Reference } from '../oci/reference';
import { RegistryError } from '../registry/client';
import { type ClientFor, type ResolvedSource, resolveSource } from './resolve';

/**
 * The append base: what the first target tag holds now, resolved like a source (an index is
 * flattened, a plain manifest is a one-platform base). Its attestations are read too: the plan
 * keeps those of the entries it keeps. Undefined when the tag does not exist yet.
 *
 * Nothing locks the tag between this read and the final PUT: runs appending to one tag at once
 * check after writing and merge again onto what is there (flow/appendLoop.ts).
 */
export async function resolveBase(clientFor: ClientFor, target: Reference): Promise<ResolvedSource | undefined> {
  try {
    return await resolveSource(clientFor, target, 'keep');
  } catch (err) {
    if (err instanceof ContentError && isNotFound(err)) return undefined;
    if (err instanceof ContentError) throw new ContentError(['append: ', ...wordingOf(err)]);
    throw err;
  }
}

function isNotFound(err: ContentError): boolean {
  return err.cause instanceof RegistryError && err.cause.status === 404;
}
