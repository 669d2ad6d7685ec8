import type { Descriptor, Manifest } from '../oci/manifest';
import { isAttestation } from '../oci/manifest';
import { platformKey } from '../oci/platform';
import type { Child, ResolvedSource } from '../resolve/resolve';
import { buildPlan, type Plan, type PlanOptions, refuseDuplicatePlatforms, selectPlatforms } from './plan';

/**
 * What one append run adds to the tag: its images (after `platforms`) and, with
 * `attestations: keep`, their attestations. Parallel appends check these after writing
 * (docs/concurrent-append.md): the run is done once the tag holds them.
 */
export interface OwnEntries {
  readonly images: readonly Child[];
  readonly attestations: readonly Child[];
}

export function ownEntries(resolved: readonly ResolvedSource[], options: PlanOptions): OwnEntries {
  const images = selectPlatforms(
    resolved.flatMap((r) => r.images),
    options.platforms,
  );
  refuseDuplicatePlatforms(images);
  const subjects = new Set(images.map((i) => i.descriptor.digest));
  const attestations =
    options.attestations === 'keep'
      ? resolved.flatMap((r) => r.attestations).filter((a) => a.subject !== undefined && subjects.has(a.subject))
      : [];
  return { images, attestations };
}

/** Own entries without the images another run has replaced since (and their attestations). */
export function withoutImages(own: OwnEntries, dropped: readonly Child[]): OwnEntries {
  const gone = new Set(dropped.map((c) => c.descriptor.digest));
  return {
    images: own.images.filter((i) => !dropped.includes(i)),
    attestations: own.attestations.filter((a) => a.subject === undefined || !gone.has(a.subject)),
  };
}

/** One entry of the tag as read: its digest and, for an image entry, its platform's key. */
export interface TagEntry {
  readonly digest: string;
  readonly platform?: string;
}

function entryOf(d: Descriptor): TagEntry {
  return { digest: d.digest, platform: d.platform && !isAttestation(d) ? platformKey(d.platform) : undefined };
}

/** The entries of what a tag holds: an index's descriptors, or a plain image (platform unknown here). */
export function entriesOfManifest(manifest: Manifest, digest: string): TagEntry[] {
  return manifest.kind === 'index' ? manifest.manifests.map(entryOf) : [{ digest }];
}

/** The entries of a resolved base (images with their platforms, attestations without). */
export function entriesOfBase(base: ResolvedSource | undefined): TagEntry[] {
  if (!base) return [];
  return [
    ...base.images.map((c) => ({ digest: c.descriptor.digest, platform: platformKey(c.descriptor.platform) })),
    ...base.attestations.map((c) => ({ digest: c.descriptor.digest })),
  ];
}

/**
 * Per platform, the images the tag held before this run first wrote. Such an entry is older than
 * this run's: finding it again where this run's entry was means a writer that read the tag
 * before this run's write erased it, and this run writes its entry again.
 */
export class EarlierEntries {
  private readonly byPlatform = new Map<string, Set<string>>();

  record(entries: readonly TagEntry[]): void {
    for (const e of entries) {
      if (e.platform === undefined) continue;
      const seen = this.byPlatform.get(e.platform) ?? new Set<string>();
      seen.add(e.digest);
      this.byPlatform.set(e.platform, seen);
    }
  }

  has(entry: TagEntry): boolean {
    return entry.platform !== undefined && (this.byPlatform.get(entry.platform)?.has(entry.digest) ?? false);
  }
}

/** Where this run's entries stand in what a tag holds. */
export interface Standing {
  /**
   * Own images absent from the tag (or whose attestation is), whose platform holds nothing or
   * an entry older than this run's: they are to be written again.
   */
  readonly missing: readonly Child[];
  /**
   * Own images whose platform holds an image this run never saw before it wrote: another run
   * wrote it after this one started, so it is at least as new. Theirs stays.
   */
  readonly superseded: ReadonlyArray<{ readonly own: Child; readonly theirs: string }>;
}

export function standing(own: OwnEntries, entries: readonly TagEntry[], earlier: EarlierEntries): Standing {
  const digests = new Set(entries.map((e) => e.digest));
  const missing: Child[] = [];
  const superseded: Array<{ own: Child; theirs: string }> = [];
  for (const image of own.images) {
    const digest = image.descriptor.digest;
    const attestations = own.attestations.filter((a) => a.subject === digest);
    if (digests.has(digest)) {
      if (attestations.some((a) => !digests.has(a.descriptor.digest))) missing.push(image);
      continue;
    }
    const key = platformKey(image.descriptor.platform);
    const theirs = entries.find((e) => e.platform === key && !earlier.has(e));
    if (theirs) superseded.push({ own: image, theirs: theirs.digest });
    else missing.push(image);
  }
  return { missing, superseded };
}

/**
 * The index one round writes: the base as read, with this run's remaining entries appended
 * (each replaces the base's entry of its platform, as a plain append does).
 */
export function planRound(
  resolved: readonly ResolvedSource[],
  options: PlanOptions,
  own: OwnEntries,
  base: ResolvedSource | undefined,
): Plan {
  const images = new Set(own.images);
  const attestations = new Set(own.attestations);
  const sources = resolved.map((r) => ({
    ...r,
    images: r.images.filter((i) => images.has(i)),
    attestations: r.attestations.filter((a) => attestations.has(a)),
  }));
  // `platforms` chose the own entries already; some may have been left to a newer run since.
  return buildPlan(sources, { ...options, platforms: undefined }, base);
}
