import { ContentError } from '../errors';
import { type Digest, sha256Digest } from '../oci/digest';
import type { Descriptor } from '../oci/manifest';
import { type IndexMediaType, MAX_MANIFEST_BYTES, MediaType } from '../oci/mediaTypes';
import type { Platform } from '../oci/platform';

export interface SerializedIndex {
  readonly mediaType: IndexMediaType;
  readonly bytes: Buffer;
  readonly digest: Digest;
  /** The JSON text exactly as pushed (the `manifest` output). */
  readonly json: string;
}

function sortedRecord(r: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  if (!r || Object.keys(r).length === 0) return undefined;
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// Fixed key order: the same inputs always give the same bytes, hence the same digest.
function platformJson(p: Platform): Record<string, unknown> {
  return {
    architecture: p.architecture,
    os: p.os,
    ...(p['os.version'] ? { 'os.version': p['os.version'] } : {}),
    ...(p['os.features']?.length ? { 'os.features': [...p['os.features']] } : {}),
    ...(p.variant ? { variant: p.variant } : {}),
  };
}

function descriptorJson(d: Descriptor & { platform: Platform }, withAnnotations: boolean): Record<string, unknown> {
  const annotations = withAnnotations ? sortedRecord(d.annotations) : undefined;
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    // BuildKit's OCI-artifact attestations are listed with their artifactType: kept as listed (OCI only).
    ...(withAnnotations && d.artifactType !== undefined ? { artifactType: d.artifactType } : {}),
    platform: platformJson(d.platform),
    ...(annotations ? { annotations } : {}),
  };
}

/**
 * Serialises the index once (design rule 6): `schemaVersion` 2, `mediaType` always present,
 * and for a Docker list no annotations anywhere (rule 5). Over 4 MiB is refused.
 */
export function serializeIndex(
  mediaType: IndexMediaType,
  children: ReadonlyArray<Descriptor & { platform: Platform }>,
  annotations: Readonly<Record<string, string>>,
): SerializedIndex {
  const oci = mediaType === MediaType.OciIndex;
  const indexAnnotations = oci ? sortedRecord(annotations) : undefined;
  const doc = {
    schemaVersion: 2,
    mediaType,
    manifests: children.map((c) => descriptorJson(c, oci)),
    ...(indexAnnotations ? { annotations: indexAnnotations } : {}),
  };
  const json = JSON.stringify(doc, null, 2);
  const bytes = Buffer.from(json, 'utf8');
  if (bytes.length > MAX_MANIFEST_BYTES) {
    throw new ContentError(`the merged index would be ${bytes.length} bytes; registries accept at most ${MAX_MANIFEST_BYTES}`);
  }
  return { mediaType, bytes, digest: sha256Digest(bytes), json };
}
