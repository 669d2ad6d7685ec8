import { type Digest, digestOf, isDigest } from '../oci/digest';
import type { Descriptor } from '../oci/manifest';
import { MediaType } from '../oci/mediaTypes';
import type { Reference } from '../oci/reference';
import type { ClientFor } from '../resolve/resolve';
import type { RepositoryTransfer, Transfer } from '../transfer/transfer';
import { type Attachment, digestTag, type Missed, shortDigest } from './attachment';
import { configOf, extendedConfig, mediaTypeOf, missingLayers, withLayers } from './cosignMerge';
import { addToFallbackIndex } from './fallbackIndex';
import { mergeIntoTag } from './sharedTag';
import type { RegistryClient } from '../registry/client';
import type { SettleTiming } from '../util/settle';
import { counted } from '../util/words';

/** What became of one attachment in one target repository. */
export type CarryOutcome = 'pushed' | 'present' | 'would-push' | 'kept-theirs';

export interface CarryOptions {
  readonly dryRun: boolean;
  readonly log: (message: string) => void;
  /** The settling loop of the tags other writers share (design rule 19); tests shorten it. */
  readonly settle?: SettleTiming;
}

/** cosign tags that hold a list cosign appends to; an `.sbom` is one document, never merged. */
const MERGED_SUFFIXES = ['.sig', '.att'];

interface Written {
  readonly attachment: Attachment;
  readonly outcome: CarryOutcome;
  /** For a manifest PUT with a subject: whether the registry answered `OCI-Subject`. */
  readonly registered?: boolean;
}

/**
 * Writes attachments into target repositories: blobs through the Transfer (as for children),
 * then the manifest, by digest for a referrer (a referrers API registers it) or under its cosign
 * tag; where the registry has no referrers API, the `sha256-<hex>` fallback index of each
 * subject gets the new entries. Writes happen only after every source resolved and the plan
 * passed (the caller's order), and before the index tag.
 */
export class Carrier {
  /** Per target repository: whether it has a referrers API, asked once when no PUT told. */
  private readonly apis = new Map<string, Promise<boolean>>();

  constructor(
    private readonly clientFor: ClientFor,
    private readonly transfer: Transfer,
    private readonly options: CarryOptions,
  ) {}

  /** Carries one child's attachments (a tree) from `source` into `target`; outcome per attachment, in tree order. */
  async carry(
    attachments: readonly Attachment[],
    source: Reference,
    target: Reference,
    report: RepositoryTransfer,
    missed: Missed[],
  ): Promise<Map<Attachment, CarryOutcome>> {
    const written: Written[] = [];
    const walk = async (a: Attachment): Promise<void> => {
      // A manifest already in the target has its blobs there: nothing to mount (a re-run writes nothing).
      const client = await this.clientFor(target.registry);
      const there =
        (await client.headManifest(target.repository, a.descriptor.digest)) !== undefined ||
        (await this.inCosignTag(client, a, target));
      if (!there) await this.transfer.ensureBlobs(a.manifest, a.from ?? source, target, report);
      const w =
        a.link.kind === 'tag' ? await this.putTag(a, a.link.tag, target, missed) : await this.putReferrer(a, target, there);
      if (w.outcome === 'pushed' || w.outcome === 'would-push') report.manifests[w.outcome]++;
      if (w.outcome === 'present') report.manifests.present++;
      written.push(w);
      // What is attached to this one goes after it: its subject is in place first.
      await Promise.all(a.attachments.map(walk));
    };
    await Promise.all(attachments.map(walk));
    if (!this.options.dryRun) await this.updateFallbackIndexes(written, target);
    return new Map(written.map((w) => [w.attachment, w.outcome]));
  }

  /** Whether the target's cosign tag lists every signature of `a` already (added there by an earlier run, design rule 19). */
  private async inCosignTag(client: RegistryClient, a: Attachment, target: Reference): Promise<boolean> {
    if (a.link.kind !== 'tag' || !MERGED_SUFFIXES.some((suffix) => a.link.kind === 'tag' && a.link.tag.endsWith(suffix))) {
      return false;
    }
    const head = await client.headManifest(target.repository, a.link.tag);
    if (head === undefined) return false;
    const current = await client.getManifest(target.repository, head.digest ?? a.link.tag);
    return missingLayers(current.bytes, a.bytes, `${target.name}:${a.link.tag}`).length === 0;
  }

  private async putReferrer(a: Attachment, target: Reference, there: boolean): Promise<Written> {
    const client = await this.clientFor(target.registry);
    const digest = a.descriptor.digest;
    if (there) return { attachment: a, outcome: 'present' };
    if (this.options.dryRun) return { attachment: a, outcome: 'would-push' };
    const put = await client.putReferrer(target.repository, digest, a.bytes, a.descriptor.mediaType);
    this.options.log(`pushed referrer ${digest} of ${shortDigest(a.subject)} to ${target.name}`);
    return { attachment: a, outcome: 'pushed', registered: put.subject === a.subject };
  }

  /** A cosign tag: written when absent; a different manifest already under it is kept (it is someone's signature). */
  private async putTag(a: Attachment, tag: string, target: Reference, missed: Missed[]): Promise<Written> {
    const client = await this.clientFor(target.registry);
    const digest = a.descriptor.digest;
    const head = await client.headManifest(target.repository, tag);
    // A registry that names no digest on HEAD: read the tag to compare.
    const current = head && (head.digest ?? (await client.getManifest(target.repository, tag)).digest);
    if (current === digest) return { attachment: a, outcome: 'present' };
    if (current !== undefined && MERGED_SUFFIXES.some((suffix) => tag.endsWith(suffix))) {
      if (this.options.dryRun) return { attachment: a, outcome: 'would-push' };
      return this.addToCosignTag(client, a, tag, target);
    }
    if (current !== undefined) {
      missed.push({
        what: `${digest} (${tag})`,
        why: `${target.name}:${tag} already holds ${current}, kept as it is (never drop a signature someone else wrote)`,
      });
      return { attachment: a, outcome: 'kept-theirs' };
    }
    if (this.options.dryRun) return { attachment: a, outcome: 'would-push' };
    await client.putManifest(target.repository, tag, a.bytes, a.descriptor.mediaType);
    this.options.log(`pushed ${target.name}:${tag} (${digest})`);
    return { attachment: a, outcome: 'pushed' };
  }

  /**
   * Without a referrers API the referrers of a subject are found through its fallback tag:
   * add what was carried, keep what is there, write only when it changed.
   */
  private async updateFallbackIndexes(written: readonly Written[], target: Reference): Promise<void> {
    const bySubject = new Map<Digest, Written[]>();
    for (const w of written) {
      if (w.attachment.link.kind !== 'subject' || w.outcome === 'kept-theirs') continue;
      bySubject.set(w.attachment.subject, [...(bySubject.get(w.attachment.subject) ?? []), w]);
    }
    await Promise.all(
      [...bySubject].map(async ([subject, group]) => {
        const pushed = group.filter((w) => w.outcome === 'pushed');
        // A PUT's answer says whether the registry registered the subject; else ask the registry once.
        const hasApi = pushed.length > 0 ? pushed.some((w) => w.registered) : await this.hasReferrersApi(target, subject);
        if (!hasApi)
          await this.addToFallback(
            target,
            subject,
            group.map((w) => w.attachment.descriptor),
          );
      }),
    );
  }

  private hasReferrersApi(target: Reference, subject: Digest): Promise<boolean> {
    let api = this.apis.get(target.name);
    if (!api) {
      api = this.clientFor(target.registry).then(async (c) => (await c.getReferrers(target.repository, subject)) !== undefined);
      this.apis.set(target.name, api);
    }
    return api;
  }

  /**
   * The fallback index is read, changed and written back by every tool that attaches something
   * (cosign, actions/attest-build-provenance): this run's entries are merged onto what is there
   * and kept there against a concurrent writer (design rule 19).
   */
  private async addToFallback(target: Reference, subject: Digest, referrers: readonly Descriptor[]): Promise<void> {
    const client = await this.clientFor(target.registry);
    const tag = digestTag(subject);
    const where = `${target.name}:${tag}`;
    const own = referrers.map((r) => r.digest);
    const wrote = await mergeIntoTag(
      client,
      target,
      tag,
      {
        what: `the referrers index ${where}`,
        merge: async (current) => {
          const update = addToFallbackIndex(current?.bytes, referrers, where);
          return update.changed ? { bytes: update.bytes, mediaType: MediaType.OciIndex } : undefined;
        },
        holds: (current) => {
          const listed = listedDigests(current.bytes);
          return own.every((d) => listed.has(d));
        },
      },
      { log: this.options.log, timing: this.options.settle },
    );
    if (wrote) {
      this.options.log(
        `updated the referrers index ${where} (${counted(referrers.length, 'referrer')} of ${shortDigest(subject)})`,
      );
    }
  }

  /**
   * A cosign `.sig` / `.att` the target holds already, with signatures of its own: the carried
   * ones are added to it, as cosign adds one, never written over it (design rule 19).
   */
  private async addToCosignTag(client: RegistryClient, a: Attachment, tag: string, target: Reference): Promise<Written> {
    const where = `${target.name}:${tag}`;
    let added = 0;
    const wrote = await mergeIntoTag(
      client,
      target,
      tag,
      {
        what: where,
        merge: async (current) => {
          // Deleted meanwhile: the carried manifest as it is.
          if (current === undefined) return { bytes: a.bytes, mediaType: a.descriptor.mediaType };
          const missing = missingLayers(current.bytes, a.bytes, where);
          added = missing.length;
          if (missing.length === 0) return undefined;
          const config = await this.extendConfig(client, target, current.bytes, missing, where);
          const bytes = withLayers(current.bytes, missing, config, where);
          return { bytes, mediaType: mediaTypeOf(current.bytes) ?? a.descriptor.mediaType };
        },
        holds: (current) => missingLayers(current.bytes, a.bytes, where).length === 0,
      },
      { log: this.options.log, timing: this.options.settle },
    );
    if (!wrote) return { attachment: a, outcome: 'present' };
    this.options.log(`added ${counted(added, 'signature')} of ${a.descriptor.digest} to ${where}, which keeps its own`);
    return { attachment: a, outcome: 'pushed' };
  }

  /** The cosign manifest's config with the added layers recorded, uploaded; undefined to keep it as it is. */
  private async extendConfig(
    client: RegistryClient,
    target: Reference,
    current: Buffer,
    added: Parameters<typeof extendedConfig>[1],
    where: string,
  ): Promise<Record<string, unknown> | undefined> {
    const config = configOf(current, where);
    if (!config || !isDigest(config.digest) || config.size > 1024 * 1024) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of await client.getBlob(target.repository, config.digest, config.size)) chunks.push(chunk as Buffer);
    const bytes = extendedConfig(Buffer.concat(chunks), added);
    if (!bytes) return undefined;
    const digest = digestOf(bytes);
    const session = await client.startUpload(target.repository);
    await client.finishUpload(target.repository, session, digest, bytes.length, bytes);
    return { mediaType: config.mediaType, digest, size: bytes.length };
  }
}

/** The digests a referrers index lists (none when it is not one). */
function listedDigests(bytes: Buffer): Set<string> {
  try {
    const manifests = (JSON.parse(bytes.toString('utf8')) as { manifests?: unknown }).manifests;
    return new Set(Array.isArray(manifests) ? manifests.map((m) => String((m as { digest?: unknown }).digest)) : []);
  } catch {
    return new Set();
  }
}
