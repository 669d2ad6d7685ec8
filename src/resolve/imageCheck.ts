import { ContentError } from '../errors';
import { attachmentTag, describeAttachmentTag } from '../oci/attachmentTags';
import { type Digest, isDigest } from '../oci/digest';
import type { Descriptor, ImageIndex, ImageManifest } from '../oci/manifest';
import { isAttestation } from '../oci/manifest';
import {
  ATTESTATION_ARTIFACT_TYPE,
  ATTESTATION_CONFIG_TYPE,
  ATTESTATION_LAYER_TYPES,
  COSIGN_SIGNATURE_LAYER_TYPE,
  IMAGE_CONFIG_TYPES,
  PREDICATE_TYPE_ANNOTATION,
} from '../oci/mediaTypes';
import type { Platform } from '../oci/platform';
import type { Reference } from '../oci/reference';

/**
 * Design rule 16: only images are merged. A source (or an entry of a source index, or of the
 * append base) that is an attestation, a signature, an OCI artifact or a referrers index is
 * refused before anything is written, with an error that says what it is.
 */

/** A source named by a referrers or cosign tag: refused before it is read. */
export function refuseAttachmentTag(source: Reference): void {
  const tag = source.digest === undefined && source.tag !== undefined ? attachmentTag(source.tag) : undefined;
  if (tag) throw new ContentError(`source "${source}" is ${describeAttachmentTag(tag)}, not an image`);
}

/** The fields of a manifest beyond what an image needs, read from its bytes. */
interface ArtifactFields {
  readonly subject?: Digest;
  readonly artifactType?: string;
}

function artifactFields(bytes: Buffer): ArtifactFields {
  try {
    const json = JSON.parse(bytes.toString('utf8')) as { subject?: { digest?: unknown }; artifactType?: unknown };
    const subject = json.subject?.digest;
    return {
      ...(typeof subject === 'string' && isDigest(subject) ? { subject } : {}),
      ...(typeof json.artifactType === 'string' && json.artifactType !== '' ? { artifactType: json.artifactType } : {}),
    };
  } catch {
    return {};
  }
}

function isAttestationLayer(l: Descriptor): boolean {
  return ATTESTATION_LAYER_TYPES.has(l.mediaType) || l.annotations?.[PREDICATE_TYPE_ANNOTATION] !== undefined;
}

/**
 * What an image-shaped manifest is when it is not an image, in words (`an attestation of
 * sha256:…`); undefined for an image. `subjectOf` may name the image an attestation without a
 * `subject` describes (buildx's classic attestations name it only in their statements).
 */
export function nonImage(manifest: ImageManifest, bytes: Buffer, subjectHint?: Digest): string | undefined {
  const { subject, artifactType } = artifactFields(bytes);
  const about = subject ?? subjectHint;
  const of = about ? ` of ${about}` : '';
  const attestation =
    artifactType === ATTESTATION_ARTIFACT_TYPE ||
    manifest.config.mediaType === ATTESTATION_CONFIG_TYPE ||
    (manifest.layers.length > 0 && manifest.layers.every(isAttestationLayer));
  if (attestation) {
    const predicates = [
      ...new Set(manifest.layers.map((l) => l.annotations?.[PREDICATE_TYPE_ANNOTATION]).filter((p) => p !== undefined)),
    ];
    return `an attestation${of}${about || predicates.length === 0 ? '' : ` (${predicates.join(', ')})`}`;
  }
  if (manifest.layers.some((l) => l.mediaType === COSIGN_SIGNATURE_LAYER_TYPE)) return `a cosign signature${of}`;
  const type = artifactType ?? (IMAGE_CONFIG_TYPES.has(manifest.config.mediaType) ? undefined : manifest.config.mediaType);
  if (subject) return `an artifact${type ? ` (${type})` : ''} attached to ${subject}`;
  if (type) return `an artifact (${type})`;
  return undefined;
}

/** Refuses an image-shaped manifest that is not an image (`where`: `source "…"`, or an entry of it). */
export function refuseNonImage(where: string, manifest: ImageManifest, bytes: Buffer, subjectHint?: Digest): void {
  const what = nonImage(manifest, bytes, subjectHint);
  if (what) throw new ContentError(`${where} is ${what}, not an image`);
}

/**
 * Whether an image-shaped manifest may be an attestation whose subject only its statements name
 * (then the error reads one statement to say which image it describes).
 */
export function mayBeClassicAttestation(manifest: ImageManifest, bytes: Buffer): boolean {
  return (
    artifactFields(bytes).subject === undefined &&
    manifest.layers.length > 0 &&
    manifest.layers.every(isAttestationLayer) &&
    nonImage(manifest, bytes) !== undefined
  );
}

/**
 * An index that lists only artifacts (every entry has an `artifactType`, none a platform, none
 * is a buildx attestation entry): a referrers index, or an index of artifacts; not an image.
 */
export function refuseArtifactIndex(source: Reference, index: ImageIndex): void {
  const entries = index.manifests;
  if (entries.length === 0) return;
  if (entries.every((d) => d.artifactType !== undefined && d.platform === undefined && !isAttestation(d))) {
    const types = [...new Set(entries.map((d) => d.artifactType))].join(', ');
    throw new ContentError(`source "${source}" is a referrers index (it lists artifacts: ${types}), not an image`);
  }
}

/** Design rule 16: a platform `unknown` or empty in os or architecture is no image's. */
export function isUnknownPlatform(p: Pick<Platform, 'os' | 'architecture'>): boolean {
  return p.os === '' || p.os === 'unknown' || p.architecture === '' || p.architecture === 'unknown';
}
