import { ContentError } from '../errors';
import type { AttestationMode } from '../inputs/context';
import type { Digest } from '../oci/digest';
import { type Descriptor, type ImageManifest, isAttestation, type Manifest, parseManifest } from '../oci/manifest';
import { ATTESTATION_SUBJECT_ANNOTATION, isImageMediaType, isIndexMediaType } from '../oci/mediaTypes';
import { formatPlatform, type Platform } from '../oci/platform';
import type { Reference } from '../oci/reference';
import { type RegistryClient, RegistryError } from '../registry/client';
import { referrerFields } from '../referrers/attachment';
import { platformFromConfig } from './config';

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
  const client = await clientFor(source.registry);
  const fetched = await client.getManifest(source.repository, source.manifestRef).catch((err: unknown) => {
    if (err instanceof RegistryError && err.status === 404) {
      throw new ContentError(`source "${source}" was not found (${err.message})`, { cause: err });
    }
    throw err;
  });
  const manifest = parseManifest(fetched.bytes, fetched.contentType, `source "${source}"`);
  known(source, fetched.digest);
  if (manifest.kind === 'image') {
    const child = await resolveImage(client, source, fetched.digest, fetched.bytes, manifest, onImage);
    return { reference: source, digest: fetched.digest, mediaType: manifest.mediaType, images: [child], attestations: [] };
  }

  refuseNonManifests(source, manifest);
  const imageDescriptors = manifest.manifests.filter((m) => !isAttestation(m));
  if (imageDescriptors.length === 0) {
    throw new ContentError(`source "${source}" is an index with no image manifests (only attestations or nothing)`);
  }
  // Stripped attestations are never read: on Docker Hub every manifest GET counts as a pull.
  const wanted = attestations === 'strip' ? [] : manifest.manifests.filter(isAttestation);
  // What is attached to an attestation kept inline travels with it; one that becomes a referrer is written anew.
  for (const d of [...imageDescriptors, ...(attestations === 'keep' ? wanted : [])]) known(source, d.digest);
  const images = await Promise.all(
    imageDescriptors.map(async (d): Promise<Child> => {
      const { manifest: child, bytes } = await fetchImage(client, source, d);
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

/** Resolves every source at once; the first failure fails the step before anything is written. */
export function resolveSources(
  clientFor: ClientFor,
  sources: readonly Reference[],
  attestations: AttestationMode,
  hooks: ResolveHooks = {},
): Promise<ResolvedSource[]> {
  return Promise.all(sources.map((s) => resolveSource(clientFor, s, attestations, hooks)));
}

export function describeChild(child: Child): string {
  return `${formatPlatform(child.descriptor.platform)} ${child.descriptor.digest} from ${child.source}`;
}
