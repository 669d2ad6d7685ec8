/**
 * A scripted, in-memory stand-in for RegistryClient, for the referrers unit tests only (the
 * end-to-end suite runs the same code against a real registry): manifests by repository and
 * reference, an optional referrers API built from the `subject` of what is stored, every call
 * recorded.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Digest } from '../../src/oci/digest';
import type { Descriptor } from '../../src/oci/manifest';
import type { RegistryClient } from '../../src/registry/client';
import type { ClientFor } from '../../src/resolve/resolve';

export const digestOf = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}` as Digest;
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export interface MemoryRegistry {
  readonly calls: string[];
  /** repository → reference (tag or digest) → bytes */
  readonly manifests: Map<string, Map<string, Buffer>>;
  readonly blobs: Map<string, Set<string>>;
  /** Blob bytes, by digest, for the blobs stored with `storeBlob` or uploaded. */
  readonly blobBytes: Map<string, Buffer>;
  storeBlob(repository: string, bytes: Buffer): Digest;
  /** Called after each manifest PUT has been stored (a concurrent writer's hook). */
  afterPut?: (repository: string, ref: string) => void;
  store(repository: string, bytes: Buffer, tag?: string): Digest;
  get(repository: string, ref: string): Buffer | undefined;
  clientFor: ClientFor;
}

export function memoryRegistry(options: {
  referrersApi: boolean;
  /** HEAD answers without Docker-Content-Digest (some registries). */
  headWithoutDigest?: boolean;
  /** Fails every referrers API call. */
  referrersFail?: boolean;
}): MemoryRegistry {
  const calls: string[] = [];
  const manifests = new Map<string, Map<string, Buffer>>();
  const blobs = new Map<string, Set<string>>();
  const blobBytes = new Map<string, Buffer>();
  const blobSet = (r: string) => blobs.get(r) ?? blobs.set(r, new Set()).get(r)!;
  const storeBlob = (repository: string, bytes: Buffer): Digest => {
    const digest = digestOf(bytes);
    blobBytes.set(digest, bytes);
    blobSet(repository).add(digest);
    return digest;
  };
  const repo = (r: string) => manifests.get(r) ?? manifests.set(r, new Map()).get(r)!;
  const store = (repository: string, bytes: Buffer, tag?: string): Digest => {
    const digest = digestOf(bytes);
    repo(repository).set(digest, bytes);
    if (tag) repo(repository).set(tag, bytes);
    return digest;
  };
  const get = (repository: string, ref: string) => manifests.get(repository)?.get(ref);
  const mediaTypeOf = (bytes: Buffer) => (JSON.parse(bytes.toString()) as { mediaType: string }).mediaType;
  const client = {
    headManifest: async (repository: string, ref: string) => {
      calls.push(`HEAD ${repository}/${ref}`);
      const bytes = get(repository, ref);
      return (
        bytes && {
          digest: options.headWithoutDigest ? undefined : digestOf(bytes),
          mediaType: mediaTypeOf(bytes),
          size: bytes.length,
        }
      );
    },
    getManifest: async (repository: string, ref: string) => {
      calls.push(`GET ${repository}/${ref}`);
      const bytes = get(repository, ref);
      if (!bytes) throw new Error(`GET ${repository}/${ref}: 404`);
      return { bytes, digest: digestOf(bytes), contentType: mediaTypeOf(bytes) };
    },
    // Read as any other manifest here: what the real client reuses is its own concern (client.test.ts).
    getListedManifest: (repository: string, digest: string) => client.getManifest(repository, digest),
    getReferrers: async (repository: string, digest: Digest): Promise<Descriptor[] | undefined> => {
      calls.push(`REFERRERS ${repository}/${digest}`);
      if (options.referrersFail) throw new Error(`GET referrers ${repository}@${digest}: HTTP 500`);
      if (!options.referrersApi) return undefined;
      const found: Descriptor[] = [];
      for (const [ref, bytes] of manifests.get(repository) ?? []) {
        const json = JSON.parse(bytes.toString()) as { subject?: { digest: string }; artifactType?: string };
        if (ref.startsWith('sha256:') && json.subject?.digest === digest)
          found.push({ mediaType: OCI_MANIFEST, digest: ref as Digest, size: bytes.length, artifactType: json.artifactType });
      }
      return found;
    },
    putManifest: async (repository: string, ref: string, bytes: Buffer) => {
      calls.push(`PUT ${repository}/${ref}`);
      store(repository, bytes, ref.startsWith('sha256:') ? undefined : ref);
      registry.afterPut?.(repository, ref);
      return digestOf(bytes);
    },
    getBlob: async (repository: string, digest: Digest) => {
      calls.push(`GET blob ${repository}/${digest}`);
      const bytes = blobSet(repository).has(digest) ? blobBytes.get(digest) : undefined;
      if (!bytes) throw new Error(`GET blob ${repository}/${digest}: 404`);
      return Readable.from([bytes]);
    },
    startUpload: async (repository: string) => new URL(`http://memory/${repository}/uploads/1`),
    finishUpload: async (repository: string, _session: URL, digest: Digest, _size: number, body: Buffer) => {
      calls.push(`UPLOAD ${repository}/${digest}`);
      storeBlob(repository, body);
    },
    putReferrer: async (repository: string, ref: string, bytes: Buffer) => {
      calls.push(`PUT ${repository}/${ref}`);
      store(repository, bytes);
      const subject = (JSON.parse(bytes.toString()) as { subject?: { digest: Digest } }).subject?.digest;
      return { digest: digestOf(bytes), subject: options.referrersApi ? subject : undefined };
    },
    hasBlob: async (repository: string, digest: Digest) => blobs.get(repository)?.has(digest) ?? false,
    mountBlob: async (repository: string, digest: Digest) => {
      calls.push(`MOUNT ${repository}/${digest}`);
      (blobs.get(repository) ?? blobs.set(repository, new Set()).get(repository)!).add(digest);
      return { mounted: true as const };
    },
  };
  const registry: MemoryRegistry = {
    calls,
    manifests,
    blobs,
    blobBytes,
    store,
    storeBlob,
    get,
    clientFor: async () => client as unknown as RegistryClient,
  };
  return registry;
}

/** An OCI manifest attached to `subject` (or not), with one layer; distinct per `name`. */
export function artifact(name: string, subject?: Digest, artifactType = 'application/vnd.example+json'): Buffer {
  const layer = { mediaType: artifactType, digest: digestOf(name), size: name.length };
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: digestOf('{}'), size: 2 },
      layers: [layer],
      ...(subject ? { subject: { mediaType: OCI_MANIFEST, digest: subject, size: 1 } } : {}),
      annotations: { name },
    }),
  );
}

/** A referrers tag schema index listing `bytes` (as stored), the way a client without the API writes it. */
export function fallbackIndex(...bytes: Buffer[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: bytes.map((b) => ({ mediaType: OCI_MANIFEST, digest: digestOf(b), size: b.length })),
    }),
  );
}
