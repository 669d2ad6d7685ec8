import { ContentError, say, setting } from '../errors';
import type { AttestationMode, MediaTypeMode } from '../inputs/context';
import { type IndexMediaType, MediaType } from '../oci/mediaTypes';
import { formatPlatform, type Platform, platformKey, platformMatches } from '../oci/platform';
import type { Child, ResolvedSource } from '../resolve/resolve';
import { asReferrer, type RelocatedAttestation } from './attestations';
import { type SerializedIndex, serializeIndex } from './serialize';

export interface PlanOptions {
  readonly attestations: AttestationMode;
  readonly platforms: readonly Platform[] | undefined;
  readonly annotations: Readonly<Record<string, string>>;
  readonly mediaType: MediaTypeMode;
}

/** Everything the writes need, decided before the first one (design: nothing written before plan). */
export interface Plan {
  /** In index order: images in source order, then their attestations. */
  readonly children: readonly Child[];
  readonly index: SerializedIndex;
  /** `linux/amd64`, `linux/arm64/v8` … of the image entries, in index order. */
  readonly platforms: readonly string[];
  /** Append: the base's image entries that a new source replaced (their attestations went with them). */
  readonly replaced: readonly Child[];
  /** `attestations: referrers`: the kept images' attestations, out of the index, as referrers of their images. */
  readonly relocated: readonly RelocatedAttestation[];
}

/** Keeps exactly the listed platforms, in source order; every listed one must be found. */
export function selectPlatforms(images: readonly Child[], wanted: readonly Platform[] | undefined): Child[] {
  if (!wanted) return [...images];
  const kept = images.filter((c) => wanted.some((w) => platformMatches(w, c.descriptor.platform)));
  const missing = wanted.filter((w) => !kept.some((c) => platformMatches(w, c.descriptor.platform)));
  if (missing.length > 0) {
    const found = images.map((c) => formatPlatform(c.descriptor.platform)).join(', ') || 'none';
    throw new ContentError(
      say`${setting('platforms')}: no source provides ${missing.map(formatPlatform).join(', ')} (the sources provide ${found})`,
    );
  }
  return kept;
}

/** Design rule 3: two entries with the same platform are an error. */
export function refuseDuplicatePlatforms(images: readonly Child[]): void {
  const seen = new Map<string, Child>();
  for (const child of images) {
    const key = platformKey(child.descriptor.platform);
    const earlier = seen.get(key);
    if (earlier) {
      throw new ContentError(
        say`platform ${formatPlatform(child.descriptor.platform)} is provided twice: by "${earlier.source.toString()}" (${earlier.descriptor.digest}) and by "${child.source.toString()}" (${child.descriptor.digest}); remove one source or narrow them with ${setting('platforms')}`,
      );
    }
    seen.set(key, child);
  }
}

/**
 * Attestations whose subject is a kept image, in the order of their images; an attestation
 * both the base and a new source hold (a re-run) is listed once.
 */
function attestationsFor(images: readonly Child[], attestations: readonly Child[]): Child[] {
  const seen = new Set<string>();
  return images.flatMap((image) =>
    attestations.filter((a) => {
      if (a.subject !== image.descriptor.digest || seen.has(a.descriptor.digest)) return false;
      seen.add(a.descriptor.digest);
      return true;
    }),
  );
}

function imageOf(images: readonly Child[], attestation: Child): Child {
  return images.find((i) => i.descriptor.digest === attestation.subject) as Child; // attestationsFor matched it
}

/** Chooses the index media type (design rule 5: no OCI child and no annotations in a Docker list). */
export function chooseMediaType(
  mode: MediaTypeMode,
  children: readonly Child[],
  annotations: Readonly<Record<string, string>>,
): IndexMediaType {
  const ociChildren = children.filter((c) => c.descriptor.mediaType !== MediaType.DockerManifest);
  const hasAnnotations = Object.keys(annotations).length > 0;
  if (mode === 'oci') return MediaType.OciIndex;
  if (mode === 'auto') return ociChildren.length === 0 && !hasAnnotations ? MediaType.DockerList : MediaType.OciIndex;
  if (ociChildren.length > 0) {
    const c = ociChildren[0];
    const what = c.kind === 'attestation' ? 'the attestation' : 'the image';
    throw new ContentError([
      ...say`${setting('media-type')}: docker cannot be used: ${what} ${c.descriptor.digest} from "${c.source.toString()}" is an OCI manifest, which a Docker manifest list cannot hold; `,
      ...say`use ${setting('media-type', 'oci')} or auto`,
      ...(c.kind === 'attestation' ? say`, or ${setting('attestations', 'strip')}` : []),
    ]);
  }
  if (hasAnnotations) {
    throw new ContentError(
      say`${setting('media-type')}: docker cannot be used with annotations (a Docker manifest list has none); use ${setting('media-type', 'oci')} or auto`,
    );
  }
  return MediaType.DockerList;
}

/**
 * Append: the base's entries in their order, each replaced in place by a new image of the same
 * platform; new platforms follow. Returns the images and the base entries that were replaced.
 */
export function appendImages(base: readonly Child[], added: readonly Child[]): { images: Child[]; replaced: Child[] } {
  const byPlatform = new Map(added.map((c) => [platformKey(c.descriptor.platform), c]));
  const used = new Set<Child>();
  const replaced: Child[] = [];
  const images = base.map((old) => {
    const fresh = byPlatform.get(platformKey(old.descriptor.platform));
    if (!fresh) return old;
    used.add(fresh);
    replaced.push(old);
    return fresh;
  });
  return { images: [...images, ...added.filter((c) => !used.has(c))], replaced };
}

export function buildPlan(resolved: readonly ResolvedSource[], options: PlanOptions, base?: ResolvedSource): Plan {
  // `platforms` selects among the new sources; an append base keeps what it has.
  const added = selectPlatforms(
    resolved.flatMap((r) => r.images),
    options.platforms,
  );
  refuseDuplicatePlatforms(added);
  const { images, replaced } = base ? appendImages(base.images, added) : { images: added, replaced: [] };
  if (base) refuseDuplicatePlatforms(images);
  // The base's attestations stay with the base entries kept (a replaced entry's go with it);
  // the new sources' follow the `attestations` input.
  const attestations = [
    ...(base?.attestations ?? []),
    ...(options.attestations === 'strip' ? [] : resolved.flatMap((r) => r.attestations)),
  ];
  const kept = attestationsFor(images, attestations);
  // As referrers, the attestations leave the index (the base's inline ones too): it lists only images.
  const asReferrers = options.attestations === 'referrers';
  const relocated = asReferrers ? kept.map((a) => asReferrer(a, imageOf(images, a))) : [];
  const children = asReferrers ? images : [...images, ...kept];
  // The base's index annotations stay unless the input sets the same key.
  const annotations = { ...(base?.annotations ?? {}), ...options.annotations };
  const mediaType = chooseMediaType(options.mediaType, children, annotations);
  const index = serializeIndex(
    mediaType,
    children.map((c) => c.descriptor),
    annotations,
  );
  return {
    children,
    index,
    platforms: images.map((c) => formatPlatform(c.descriptor.platform)),
    replaced,
    relocated,
  };
}
