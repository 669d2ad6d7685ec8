import { ContentError } from '../errors';
import type { Descriptor } from '../oci/manifest';
import { MediaType } from '../oci/mediaTypes';

/** The fallback index as written: bytes, or nothing to write because every entry is there already. */
export type FallbackUpdate = { readonly changed: false } | { readonly changed: true; readonly bytes: Buffer };

type Json = Record<string, unknown>;

function entryJson(d: Descriptor): Json {
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    ...(d.artifactType !== undefined ? { artifactType: d.artifactType } : {}),
    ...(d.annotations && Object.keys(d.annotations).length > 0
      ? { annotations: Object.fromEntries(Object.entries(d.annotations).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) }
      : {}),
  };
}

/**
 * Adds referrers to a referrers tag schema index (`sha256-<hex>`). Every entry already there is
 * kept as it is, in its place (other tools' fields included); new entries follow in digest order,
 * so the same inputs always give the same bytes. `changed: false` when there is nothing to add:
 * the tag is then not written again.
 */
export function addToFallbackIndex(current: Buffer | undefined, referrers: readonly Descriptor[], where: string): FallbackUpdate {
  let doc: Json = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] };
  if (current !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(current.toString('utf8'));
    } catch {
      throw new ContentError(`${where}: the referrers index is not valid JSON`);
    }
    if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as Json).manifests)) {
      throw new ContentError(`${where}: the tag does not hold a referrers index (no "manifests" array)`);
    }
    doc = parsed as Json;
  }
  const entries = doc.manifests as Json[];
  const present = new Set(entries.map((e) => e.digest));
  const added = [...new Map(referrers.filter((r) => !present.has(r.digest)).map((r) => [r.digest, r])).values()].sort((a, b) =>
    a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0,
  );
  if (added.length === 0) return { changed: false };
  const next = { ...doc, manifests: [...entries, ...added.map(entryJson)] };
  return { changed: true, bytes: Buffer.from(JSON.stringify(next, null, 2), 'utf8') };
}
