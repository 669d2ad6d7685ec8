import { ContentError, say, setting } from '../errors';
import { type Digest, sha256Digest } from '../oci/digest';
import type { Descriptor } from '../oci/manifest';
import { ATTESTATION_ARTIFACT_TYPE, MediaType, PREDICATE_TYPE_ANNOTATION } from '../oci/mediaTypes';
import { referrerFields } from '../referrers/attachment';
import type { Child } from '../resolve/resolve';

/**
 * An attestation taken out of the index and written as an OCI referrer of its image
 * (`attestations: referrers`): GHCR then shows only the images as platforms, and the
 * provenance is still found the way referrers are found.
 */
export interface RelocatedAttestation {
  /** The image it describes: its subject. */
  readonly image: Child;
  /** The attestation as the source lists it. */
  readonly attestation: Child;
  /** The manifest as written into the targets, and its digest. */
  readonly bytes: Buffer;
  readonly digest: Digest;
  /** False for an attestation that already names its image as subject (copied byte for byte). */
  readonly rewritten: boolean;
  /** Predicate types of its in-toto statements (`https://slsa.dev/provenance/v0.2`, `https://spdx.dev/Document` …). */
  readonly predicateTypes: readonly string[];
}

/** The subject field: the image's descriptor as the index lists it (media type, digest, size). */
function subjectOf(image: Child): Descriptor {
  const { mediaType, digest, size } = image.descriptor;
  return { mediaType, digest, size };
}

/**
 * The attestation as a referrer of `image`. BuildKit's OCI-artifact attestations already are one
 * (`subject` and `artifactType` set): copied as they are, same digest. A classic one gets
 * `artifactType` and `subject` and nothing else changes: its config and layers (the in-toto
 * statements, whose own subjects name the image digest) stay, so its blobs are the source's.
 * The same bytes in give the same bytes out, so a dry run and a re-run agree with the run.
 */
export function asReferrer(attestation: Child, image: Child): RelocatedAttestation {
  const where = `the attestation ${attestation.descriptor.digest} of ${image.descriptor.digest} from "${attestation.source}"`;
  const predicateTypes = [
    ...new Set(attestation.manifest.layers.map((l) => l.annotations?.[PREDICATE_TYPE_ANNOTATION]).filter((t) => t !== undefined)),
  ];
  const named = referrerFields(attestation.bytes).subject;
  if (named !== undefined) {
    if (named !== image.descriptor.digest) {
      throw new ContentError(say`${where} names ${named} as its subject; use ${setting('attestations', 'keep')} or strip`);
    }
    const digest = attestation.descriptor.digest;
    return { image, attestation, bytes: attestation.bytes, digest, rewritten: false, predicateTypes };
  }
  // `subject` and `artifactType` are OCI image manifest fields: a Docker v2 manifest has no place for them.
  if (attestation.manifest.mediaType !== MediaType.OciManifest) {
    throw new ContentError(
      say`${where} is a ${attestation.manifest.mediaType}, which cannot name a subject; use ${setting('attestations', 'keep')} or strip`,
    );
  }
  const { schemaVersion, mediaType, ...rest } = JSON.parse(attestation.bytes.toString('utf8')) as Record<string, unknown>;
  const doc = { schemaVersion, mediaType, artifactType: ATTESTATION_ARTIFACT_TYPE, ...rest, subject: subjectOf(image) };
  const bytes = Buffer.from(JSON.stringify(doc), 'utf8');
  return { image, attestation, bytes, digest: sha256Digest(bytes), rewritten: true, predicateTypes };
}
