import { ContentError } from '../errors';
import { attachmentTag } from '../oci/attachmentTags';
import type { Reference } from '../oci/reference';
import { isPattern, type Source, type TagPattern } from '../oci/tagPattern';
import { RegistryError } from '../registry/client';
import type { ClientFor } from './resolve';

/** What one pattern stood for in this run, for the log. */
export interface Expansion {
  readonly pattern: TagPattern;
  readonly matches: readonly Reference[];
}

export interface ExpandedSources {
  /** In input order, each pattern replaced by its matches in sorted order; no reference twice. */
  readonly references: readonly Reference[];
  readonly expansions: readonly Expansion[];
}

/** How many existing tags a "no match" error names. */
const EXAMPLE_TAGS = 5;

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The tags of the pattern's repository that it matches, sorted (the index order must not depend
 * on the registry's listing order). A target tag never matches: a re-run whose target sits in
 * the same repository under a matching name must see the same sources as the first run. Nor do
 * the tags of what is attached to images (design rule 16): `sha256-<hex>` referrers indexes,
 * which this tool writes itself, and cosign's `.sig`, `.att` and `.sbom`.
 */
export async function expandPattern(
  clientFor: ClientFor,
  pattern: TagPattern,
  targets: readonly Reference[],
): Promise<Reference[]> {
  const client = await clientFor(pattern.registry);
  const tags = await client.listTags(pattern.repository).catch((err: unknown) => {
    if (err instanceof RegistryError && err.status === 404) {
      throw new ContentError(`source pattern "${pattern}": repository ${pattern.name} was not found (${err.message})`);
    }
    if (err instanceof RegistryError && (err.status === 401 || err.status === 403)) {
      // Quay, GHCR and Docker Hub answer 401 for a repository they do not find, too.
      throw new ContentError(
        `source pattern "${pattern}": cannot list the tags of ${pattern.name} (${err.message}); ` +
          'the repository may not exist, or the credentials for it may not read it',
      );
    }
    throw err;
  });
  const isTarget = (tag: string) => targets.some((t) => t.name === pattern.name && t.tag === tag);
  const candidates = [...new Set(tags)].filter((tag) => !isTarget(tag) && attachmentTag(tag) === undefined);
  const matches = candidates.filter((tag) => pattern.matches(tag)).sort(byCodeUnits);
  if (matches.length === 0) {
    const existing = candidates.sort(byCodeUnits);
    const some =
      existing.length === 0
        ? 'the repository has no other tags'
        : `tags there include ${existing.slice(0, EXAMPLE_TAGS).join(', ')}` +
          (existing.length > EXAMPLE_TAGS ? ` (${existing.length} in all)` : '');
    throw new ContentError(`source pattern "${pattern}" matches no tag of ${pattern.name}; ${some}`);
  }
  return matches.map((tag) => pattern.at(tag));
}

/**
 * Expands every pattern (all listings at once) and keeps the input order. A tag reached twice (a
 * pattern and an explicit source, or two patterns) is used once, where it first appears.
 */
export async function expandSources(
  clientFor: ClientFor,
  sources: readonly Source[],
  targets: readonly Reference[],
): Promise<ExpandedSources> {
  const expanded = await Promise.all(sources.map(async (s) => (isPattern(s) ? await expandPattern(clientFor, s, targets) : [s])));
  const seen = new Set<string>();
  const references = expanded.flat().filter((r) => {
    const key = r.toString();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const expansions = sources.flatMap((s, i) => (isPattern(s) ? [{ pattern: s, matches: expanded[i] }] : []));
  return { references, expansions };
}
