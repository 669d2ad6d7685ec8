import type { Digest } from '../oci/digest';
import { isDigest } from '../oci/digest';
import type { Descriptor, ImageManifest } from '../oci/manifest';
import type { Reference } from '../oci/reference';

/** cosign's tag attachments: `sha256-<hex>.sig`, `.att` (attestations), `.sbom`. */
export const COSIGN_SUFFIXES = ['sig', 'att', 'sbom'] as const;

/** `sha256-<hex>`: the referrers tag schema's fallback tag, and the stem of cosign's tags. */
export function digestTag(digest: Digest): string {
  return digest.replace(':', '-');
}

/** How an attachment is found: by its `subject` (referrers API or fallback tag), or under a cosign tag. */
export type Link = { readonly kind: 'subject' } | { readonly kind: 'tag'; readonly tag: string };

/** A manifest attached to another one, fetched and verified, with what is attached to it in turn. */
export interface Attachment {
  /** The manifest it is attached to. */
  readonly subject: Digest;
  readonly link: Link;
  readonly bytes: Buffer;
  readonly manifest: ImageManifest;
  /** As a referrers index lists it: media type, digest, size, artifactType and annotations of the manifest. */
  readonly descriptor: Descriptor;
  readonly attachments: readonly Attachment[];
  /** Where its blobs are read when not the child's source (an attestation written as a referrer). */
  readonly from?: Reference;
}

/** Something attached that cannot come along, named for the log and the job summary. */
export interface Missed {
  readonly what: string;
  readonly why: string;
}

/** What a referrer's manifest says about itself beyond the image fields (parsed at the edge). */
export interface ReferrerFields {
  readonly subject?: Digest;
  readonly artifactType?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

export function referrerFields(bytes: Buffer): ReferrerFields {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
  const subject = (json.subject as { digest?: unknown } | undefined)?.digest;
  const config = json.config as { mediaType?: unknown } | undefined;
  // The referrers API's rule: artifactType, else the config's media type.
  const artifactType =
    typeof json.artifactType === 'string'
      ? json.artifactType
      : typeof config?.mediaType === 'string'
        ? config.mediaType
        : undefined;
  const annotations = json.annotations;
  const stringMap =
    typeof annotations === 'object' &&
    annotations !== null &&
    !Array.isArray(annotations) &&
    Object.values(annotations).every((v) => typeof v === 'string');
  return {
    ...(typeof subject === 'string' && isDigest(subject) ? { subject } : {}),
    ...(artifactType !== undefined ? { artifactType } : {}),
    ...(stringMap && Object.keys(annotations).length > 0 ? { annotations: annotations as Record<string, string> } : {}),
  };
}

/** The descriptor a referrers index holds for a manifest. */
export function referrerDescriptor(digest: Digest, mediaType: string, bytes: Buffer): Descriptor {
  const { artifactType, annotations } = referrerFields(bytes);
  return {
    mediaType,
    digest,
    size: bytes.length,
    ...(artifactType !== undefined ? { artifactType } : {}),
    ...(annotations ? { annotations } : {}),
  };
}

/** Every attachment in a tree, parents before their own attachments. */
export function flatten(attachments: readonly Attachment[]): Attachment[] {
  return attachments.flatMap((a) => [a, ...flatten(a.attachments)]);
}

export function shortDigest(digest: string): string {
  return digest.slice(0, 19);
}
