import { ContentError } from '../errors';
import type { AttestationMode } from '../inputs/context';
import type { Digest } from '../oci/digest';
import { type Descriptor, type ImageManifest, isAttestation, type Manifest, parseManifest } from '../oci/manifest';
import { ATTESTATION_SUBJECT_ANNOTATION, IN_TOTO_LAYER_TYPE, isImageMediaType, isIndexMediaType } from '../oci/mediaTypes';
import { formatPlatform, type Platform } from '../oci/platform';
import type { Reference } from '../oci/reference';
import { type FetchedManifest, type RegistryClient, RegistryError } from '../registry/client';
import { referrerFields } from '../referrers/attachment';
import { Once, sleep } from '../util/concurrency';
import { platformFromConfig } from './config';
import {
  isUnknownPlatform,
  mayBeClassicAttestation,
  refuseArtifactIndex,
  refuseAttachmentTag,
  refuseNonImage,
} from './imageCheck';

/** A manifest that goes into the result index, with what is needed to copy it. */
export interface Child {
  readonly kind: 'image' | 'attestation';
  /** The descriptor as it will be written: the child's own digest, size and media type, with its platform. */
  readonly descriptor: Descriptor & { readonly platform: Platform };
  readonly manifest: ImageManifest;
  readonly bytes: Buffer;
  /** The source the user named, and the repository the child is read from (same registry and repository). */
  readonly source: Reference;
  /** For attestations: the image digest they describe. */
  readonly subject?: Digest;
}

export interface ResolvedSource {
  readonly reference: Reference;
  readonly digest: Digest;
  readonly mediaType: string;
  readonly images: readonly Child[];
  readonly attestations: readonly Child[];
  /** The index's own annotations, when the source is an index (an append base keeps them). */
  readonly annotations?: Readonly<Record<string, string>>;
}

export type ClientFor = (registry: string) => Promise<RegistryClient>;

/**

 * An image manifest as soon as its bytes are verified: what it names can be made present in
 * the targets before the plan (design: blob writes may start early). `platform` is undefined
 * until known; a manifest whose platform comes from its config is reported again with it.
 */
export type OnImage = (found: {
  source: Reference;
  digest: Digest;
  manifest: ImageManifest;
  platform: Platform | undefined;
}) => void;

/**
 * Referrers hook (what is attached to the children travels with them): told every manifest digest a source names (its own, its children's,
 * the attestations kept) as soon as it is known, before the children are read, so what is
 * attached to them can be looked for while the rest resolves.
 */
export type DigestKnown = (source: Reference, digest: Digest) => void;

/** What resolve tells the later phases as soon as it learns it, so their work overlaps it. */
export interface ResolveHooks {
  readonly onImage?: OnImage;
  readonly known?: DigestKnown;
  /** Where resolve says that it asks again for a source not found yet (design rule 18). */
  readonly info?: (message: string) => void;
  /** How long a source named by digest is asked again while it answers 404; tests shorten it. */
  readonly digestLagMs?: number;
}

/**
 * Design rule 18: how long a source named by digest that answers 404 is asked again. Some
 * registries (GHCR) answer 404 for a manifest for a moment after another job pushed it; a digest
 * names content that was pushed, so it is worth waiting for. A tag is not: it may never exist.
 */
export const DIGEST_LAG_MS = 10_000;

/** The source's own manifest; by digest, a 404 is asked again until `lagMs` (design rule 18). */
async function fetchSource(client: RegistryClient, source: Reference, hooks: ResolveHooks): Promise<FetchedManifest> {
  const lagMs = hooks.digestLagMs ?? DIGEST_LAG_MS;
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.getManifest(source.repository, source.manifestRef);
    } catch (err) {
      if (!(err instanceof RegistryError && err.status === 404)) throw err;
      const waited = Date.now() - started;
      if (source.digest === undefined || waited >= lagMs) {
        const after = source.digest !== undefined ? `; asked for ${Math.round(waited / 1000)} s` : '';
        throw new ContentError(`source "${source}" was not found (${err.message}${after})`, { cause: err });
      }
      if (attempt === 0) {
        hooks.info?.(
          `source "${source}" is not there yet (404); asking again for up to ${Math.round(lagMs / 1000)} s ` +
            '(a registry may show a push a moment late)',
        );
      }
      await sleep(Math.min(2_000, 250 * 2 ** attempt, Math.max(0, lagMs - waited)));
    }
  }
}

async function fetchImage(
  client: RegistryClient,
  source: Reference,
  d: Descriptor,
): Promise<{ manifest: ImageManifest; bytes: Buffer }> {
  const fetched = await client.getListedManifest(source.repository, d.digest);
  const manifest = parseManifest(fetched.bytes, fetched.contentType, `${source.name}@${d.digest}`);
  if (manifest.kind !== 'image') {
    throw new ContentError(`source "${source}": ${d.digest} is an index inside an index; nested indexes are not supported`);
  }
  if (fetched.bytes.length !== d.size) {
    throw new ContentError(`source "${source}": ${d.digest} is ${fetched.bytes.length} bytes, its descriptor says ${d.size}`);
  }
  return { manifest, bytes: fetched.bytes };
}

/**
 * Design rule 16: an image-shaped manifest that is an attestation, a signature or an artifact is
 * refused, named by `where`. A buildx attestation names its image only in its statements: one
 * is read to say which (the run fails either way).
 */
async function refuseIfNotImage(
  client: RegistryClient,
  where: string,
  source: Reference,
  manifest: ImageManifest,
  bytes: Buffer,
): Promise<void> {
  const subject = mayBeClassicAttestation(manifest, bytes) ? await statementSubject(client, source, manifest) : undefined;
  refuseNonImage(where, manifest, bytes, subject);
}

/** The image an in-toto statement (the first layer, when small) is about; undefined when it cannot tell. */
async function statementSubject(client: RegistryClient, source: Reference, manifest: ImageManifest): Promise<Digest | undefined> {
  const layer = manifest.layers[0];
  if (layer.mediaType !== IN_TOTO_LAYER_TYPE || layer.size > 1024 * 1024) return undefined;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of await client.getBlob(source.repository, layer.digest, layer.size)) chunks.push(chunk as Buffer);
    const statement = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      subject?: Array<{ digest?: { sha256?: unknown } }>;
    };
    const hex = statement.subject?.[0]?.digest?.sha256;
    return typeof hex === 'string' && /^[0-9a-f]{64}$/.test(hex) ? (`sha256:${hex}` as Digest) : undefined;
  } catch {
    return undefined;
  }
}

function describe(d: Descriptor, manifest: ImageManifest, platform: Platform): Child['descriptor'] {
  // The child's own descriptor (design rule 2): digest and size as listed, media type as served.
  return { ...d, mediaType: manifest.mediaType, platform };
}

/**
 * An image's platform: the index entry's when it lists one (no config GET), else its config's
 * (design rule 3). `onImage` hears of the manifest at once and again when its platform is
 * learnt; the config GET goes out first, as the plan waits for it, not for the blob work
 * `onImage` starts.
 */
async function platformOf(
  client: RegistryClient,
  source: Reference,
  digest: Digest,
  manifest: ImageManifest,
  listed: Platform | undefined,
  onImage?: OnImage,
): Promise<Platform> {
  if (listed) {
    onImage?.({ source, digest, manifest, platform: listed });
    return listed;
  }
  const reading = platformFromConfig(client, source, manifest.config);
  reading.catch(() => undefined); // awaited below
  onImage?.({ source, digest, manifest, platform: undefined });
  const platform = await reading;
  onImage?.({ source, digest, manifest, platform });
  return platform;
}

/** A plain image manifest source: its platform comes from its config blob (design rule 3). */
async function resolveImage(
  client: RegistryClient,
  source: Reference,
  digest: Digest,
  bytes: Buffer,
  manifest: ImageManifest,
  onImage?: OnImage,
): Promise<Child> {
  const platform = await platformOf(client, source, digest, manifest, undefined, onImage);
  const descriptor = { mediaType: manifest.mediaType, digest, size: bytes.length };
  return { kind: 'image', descriptor: { ...descriptor, platform }, manifest, bytes, source };
}

function refuseNonManifests(source: Reference, index: Manifest & { kind: 'index' }): void {
  const odd = index.manifests.filter((m) => !isImageMediaType(m.mediaType) && !isAttestation(m));
  if (odd.length === 0) return;
  const nested = odd.filter((m) => isIndexMediaType(m.mediaType));
  if (nested.length === odd.length) {
    throw new ContentError(
      `source "${source}": the index holds other indexes (${nested[0].digest}); nested indexes are not supported`,
    );
  }
  const types = [...new Set(odd.map((m) => m.mediaType))].join(', ');
  throw new ContentError(
    `source "${source}" is an index whose entries are not image manifests (${types}); ` +
      'it looks like a BuildKit cache export or another artifact, not an image',
  );
}

/**
 * Resolves one source to the image manifests it contributes (design rule 2): a plain manifest
 * as is, a single-platform index unwrapped, a multi-platform index flattened; attestations are
 * kept aside for the plan to drop or carry.
 */
export async function resolveSource(
  clientFor: ClientFor,
  source: Reference,
  attestations: AttestationMode,
  hooks: ResolveHooks = {},
): Promise<ResolvedSource> {
  const { onImage, known = () => undefined } = hooks;
  refuseAttachmentTag(source);
  const client = await clientFor(source.registry);
  const fetched = await fetchSource(client, source, hooks);
  const manifest = parseManifest(fetched.bytes, fetched.contentType, `source "${source}"`);
  known(source, fetched.digest);
  if (manifest.kind === 'image') {
    await refuseIfNotImage(client, `source "${source}"`, source, manifest, fetched.bytes);
    const child = await resolveImage(client, source, fetched.digest, fetched.bytes, manifest, onImage);
    return { reference: source, digest: fetched.digest, mediaType: manifest.mediaType, images: [child], attestations: [] };
  }

  refuseNonManifests(source, manifest);
  refuseArtifactIndex(source, manifest);
  const imageDescriptors = manifest.manifests.filter((m) => !isAttestation(m));
  if (imageDescriptors.length === 0) {
    throw new ContentError(`source "${source}" is an index with no image manifests (only attestations or nothing)`);
  }
  // Design rule 16: an entry listed as unknown/unknown without the attestation annotation is no image.
  const unknown = imageDescriptors.find((d) => d.platform !== undefined && isUnknownPlatform(d.platform));
  if (unknown?.platform) {
    throw new ContentError(
      `source "${source}": entry ${unknown.digest} is listed with platform ${formatPlatform(unknown.platform)} ` +
        'and is not marked as an attestation: it is not an image',
    );
  }
  // Stripped attestations are never read: on Docker Hub every manifest GET counts as a pull.
  const wanted = attestations === 'strip' ? [] : manifest.manifests.filter(isAttestation);
  // What is attached to an attestation kept inline travels with it; one that becomes a referrer is written anew.
  for (const d of [...imageDescriptors, ...(attestations === 'keep' ? wanted : [])]) known(source, d.digest);
  const images = await Promise.all(
    imageDescriptors.map(async (d): Promise<Child> => {
      const { manifest: child, bytes } = await fetchImage(client, source, d);
      await refuseIfNotImage(client, `source "${source}": entry ${d.digest}`, source, child, bytes);
      const platform = await platformOf(client, source, d.digest, child, d.platform, onImage);
      return { kind: 'image', descriptor: describe(d, child, platform), manifest: child, bytes, source };
    }),
  );
  const kept = await Promise.all(
    wanted.map(async (d): Promise<Child> => {
      const { manifest: child, bytes } = await fetchImage(client, source, d);
      // buildx names the image in the entry's annotation; an OCI-artifact attestation also in its own subject.
      const subject = (d.annotations?.[ATTESTATION_SUBJECT_ANNOTATION] as Digest | undefined) ?? referrerFields(bytes).subject;
      const platform = d.platform ?? { os: 'unknown', architecture: 'unknown' };
      return { kind: 'attestation', descriptor: describe(d, child, platform), manifest: child, bytes, source, subject };
    }),
  );
  return {
    reference: source,
    digest: fetched.digest,
    mediaType: manifest.mediaType,
    images,
    attestations: kept,
    ...(manifest.annotations ? { annotations: manifest.annotations } : {}),
  };
}

/**
 * The sources a run has resolved, by reference and attestation mode: images of a batch that
 * name the same source read it once (design rule 22). Only the first to ask runs the hooks; the
 * others find its children in the plan, where the transfer and the referrers look for them anyway.
 */
export class SourceCache {
  private readonly resolved = new Once<ResolvedSource>();

  get(source: Reference, attestations: AttestationMode, resolve: () => Promise<ResolvedSource>): Promise<ResolvedSource> {
    return this.resolved.run(`${source.toString()} ${attestations}`, resolve);
  }
}

/** Resolves every source at once; the first failure fails the step before anything is written. */
export function resolveSources(
  clientFor: ClientFor,
  sources: readonly Reference[],
  attestations: AttestationMode,
  hooks: ResolveHooks = {},
  cache?: SourceCache,
): Promise<ResolvedSource[]> {
  return Promise.all(
    sources.map((s) =>
      cache
        ? cache.get(s, attestations, () => resolveSource(clientFor, s, attestations, hooks))
        : resolveSource(clientFor, s, attestations, hooks),
    ),
  );
}

export function describeChild(child: Child): string {
  return `${formatPlatform(child.descriptor.platform)} ${child.descriptor.digest} from ${child.source}`;
}
