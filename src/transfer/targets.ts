import type { Reference } from '../oci/reference';

/** One reference per target repository, in input order: content is copied once per repository, not per tag. */
export function uniqueRepositories(targets: readonly Reference[]): Reference[] {
  const seen = new Map<string, Reference>();
  for (const t of targets) if (!seen.has(t.name)) seen.set(t.name, t);
  return [...seen.values()];
}
