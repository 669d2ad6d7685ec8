import type { Digest } from '../oci/digest';
import { type Descriptor, parseManifest } from '../oci/manifest';
import type { Reference } from '../oci/reference';
import type { RegistryClient } from '../registry/client';
import type { ClientFor } from '../resolve/resolve';
import { RegistryLimits } from '../transport/limits';
import { Once } from '../util/concurrency';
import {
  type Attachment,
  COSIGN_SUFFIXES,
  digestTag,
  type Link,
  type Missed,
  referrerDescriptor,
  referrerFields,
  shortDigest,
} from './attachment';

/** Levels of attachments carried: a signature (1), a signature of an attestation (2), and one more. */
export const MAX_DEPTH = 3;

/** One entry found by listing, before its manifest is read. */
export interface Listed {
  readonly link: Link;
  /** Known from the referrers index, or from the HEAD of a cosign tag (when the registry sent it). */
  readonly digest: Digest | undefined;
}

export interface Discovery {
  readonly attachments: readonly Attachment[];
  readonly missed: readonly Missed[];
}

export interface DiscoverOptions {
  readonly maxDepth?: number;
  /** Requests in flight per registry (design rule 13), shared with the transfer's. */
  readonly limits?: RegistryLimits;
}

export function describeListed(l: Listed, repository: string): string {
  return l.link.kind === 'tag' ? `${repository}:${l.link.tag}` : `${repository}@${l.digest}`;
}

/**
 * Finds what is attached to a manifest in its own repository: OCI 1.1 referrers (the referrers
 * API, or on a 404 the fallback tag `sha256-<hex>`) and cosign's `.sig`/`.att`/`.sbom` tags.
 * Existence is checked with HEAD (Docker Hub counts manifest GETs as pulls, not HEADs); only
 * what exists is read.
 */
export class Discoverer {
  private readonly limits: RegistryLimits;
  private readonly listings = new Once<Listed[]>();
  private readonly maxDepth: number;

  constructor(
    private readonly clientFor: ClientFor,
    options: DiscoverOptions = {},
  ) {
    this.maxDepth = options.maxDepth ?? MAX_DEPTH;
    // Lookups of a run with many children go out in as few waves as the transport allows: the re-run (g) is nothing else.
    this.limits = options.limits ?? new RegistryLimits();
  }

  private limited<T>(registry: string, task: () => Promise<T>): Promise<T> {
    return this.limits.run(registry, task);
  }

  /**
   * Lists what is attached to `digest` in `source`'s repository, without reading it; once per
   * manifest, so a listing started early (as the sources resolve) is the one used later.
   */
  list(source: Reference, digest: Digest): Promise<Listed[]> {
    const listing = this.listings.run(`${source.name}@${digest}`, async () => {
      const client = await this.clientFor(source.registry);
      const [bySubject, byTag] = await Promise.all([
        this.referrers(client, source, digest),
        this.cosignTags(client, source, digest),
      ]);
      return [...bySubject.map((d): Listed => ({ link: { kind: 'subject' }, digest: d.digest })), ...byTag];
    });
    listing.catch(() => undefined); // a failure surfaces where it is awaited
    return listing;
  }

  private async referrers(client: RegistryClient, source: Reference, digest: Digest): Promise<Descriptor[]> {
    // The referrers API and the fallback tag are asked at once: one round trip for a manifest
    // with nothing attached, whichever the registry has (a HEAD costs no Docker Hub pull).
    const tag = digestTag(digest);
    const fallback = this.limited(source.registry, () => client.headManifest(source.repository, tag));
    fallback.catch(() => undefined); // only its answer without an API matters
    const viaApi = await this.limited(source.registry, () => client.getReferrers(source.repository, digest));
    if (viaApi !== undefined) return viaApi;
    // No referrers API: the referrers tag schema's index, when the tag exists.
    const head = await fallback;
    if (!head) return [];
    const fetched = await this.limited(source.registry, () => client.getManifest(source.repository, head.digest ?? tag));
    const index = parseManifest(fetched.bytes, fetched.contentType, `${source.name}:${tag}`);
    // Not an index: not a referrers tag (someone's image under that name); nothing to list.
    return index.kind === 'index' ? [...index.manifests] : [];
  }

  private async cosignTags(client: RegistryClient, source: Reference, digest: Digest): Promise<Listed[]> {
    const found = await Promise.all(
      COSIGN_SUFFIXES.map(async (suffix): Promise<Listed | undefined> => {
        const tag = `${digestTag(digest)}.${suffix}`;
        const head = await this.limited(source.registry, () => client.headManifest(source.repository, tag));
        return head ? { link: { kind: 'tag', tag }, digest: head.digest } : undefined;
      }),
    );
    return found.filter((l) => l !== undefined);
  }

  /**
   * Everything attached to `digest`, read and verified, and recursively what is attached to
   * that, down to the depth bound; what lies past the bound is named in `missed`.
   */
  async discover(source: Reference, digest: Digest, depth = 1): Promise<Discovery> {
    const listed = await this.list(source, digest);
    if (depth > this.maxDepth) {
      return {
        attachments: [],
        missed: listed.map((l) => ({
          what: describeListed(l, source.name),
          why: `attached ${depth} levels below the image, past the depth bound of ${this.maxDepth}`,
        })),
      };
    }
    const results = await Promise.all(listed.map((l) => this.read(source, digest, l, depth)));
    return {
      attachments: results.flatMap((r) => r.attachments),
      missed: results.flatMap((r) => r.missed),
    };
  }

  private async read(source: Reference, subject: Digest, listed: Listed, depth: number): Promise<Discovery> {
    const client = await this.clientFor(source.registry);
    const ref = listed.digest ?? (listed.link as { tag: string }).tag;
    const fetched = await this.limited(source.registry, () => client.getManifest(source.repository, ref));
    const what = describeListed({ ...listed, digest: fetched.digest }, source.name);
    const manifest = parseManifest(fetched.bytes, fetched.contentType, what);
    if (manifest.kind !== 'image') {
      return { attachments: [], missed: [{ what, why: 'an index, not an image manifest: not carried' }] };
    }
    if (listed.link.kind === 'subject' && referrerFields(fetched.bytes).subject !== subject) {
      return {
        attachments: [],
        missed: [{ what, why: `listed as a referrer of ${shortDigest(subject)} but its subject differs` }],
      };
    }
    const below = await this.discover(source, fetched.digest, depth + 1);
    const attachment: Attachment = {
      subject,
      link: listed.link,
      bytes: fetched.bytes,
      manifest,
      descriptor: referrerDescriptor(fetched.digest, manifest.mediaType, fetched.bytes),
      attachments: below.attachments,
    };
    return { attachments: [attachment], missed: below.missed };
  }
}
