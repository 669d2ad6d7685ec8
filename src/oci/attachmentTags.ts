import type { Digest } from './digest';

/**
 * Tags that name what is attached to an image, never an image (design rule 16): the referrers
 * tag schema's fallback index `sha256-<64 hex>`, and cosign's `sha256-<64 hex>.sig` (signatures),
 * `.att` (attestations) and `.sbom` (SBOMs).
 */
export type AttachmentTag =
  | { readonly kind: 'referrers-index'; readonly subject: Digest }
  | { readonly kind: 'cosign'; readonly suffix: 'sig' | 'att' | 'sbom'; readonly subject: Digest };

const ATTACHMENT_TAG = /^sha256-([0-9a-f]{64})(?:\.(sig|att|sbom))?$/;

/** What a tag names when it follows one of the attachment schemas; undefined for any other tag. */
export function attachmentTag(tag: string): AttachmentTag | undefined {
  const m = ATTACHMENT_TAG.exec(tag);
  if (!m) return undefined;
  const subject = `sha256:${m[1]}` as Digest;
  const suffix = m[2] as 'sig' | 'att' | 'sbom' | undefined;
  return suffix === undefined ? { kind: 'referrers-index', subject } : { kind: 'cosign', suffix, subject };
}

/** In words, for an error: `a cosign signature of sha256:…`. */
export function describeAttachmentTag(t: AttachmentTag): string {
  if (t.kind === 'referrers-index') return `a referrers index (the fallback tag listing what is attached to ${t.subject})`;
  const what = { sig: 'a cosign signature', att: 'a cosign attestation', sbom: 'a cosign SBOM' }[t.suffix];
  return `${what} of ${t.subject}`;
}
