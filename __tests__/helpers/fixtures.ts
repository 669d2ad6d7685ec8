/**
 * Test fixtures pushed with raw HTTP (global fetch), deliberately independent of the
 * action's own registry client in src/, so that a bug there cannot hide in both.
 */
import { createHash, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** Where and as whom to talk; a RunningRegistry fits, `{ host }` alone is anonymous. */
export interface RegistryTarget {
  host: string;
  username?: string;
  password?: string;
}

export interface PushedBlob {
  digest: string;
  size: number;
  mediaType: string;
}
export interface PushedManifest {
  digest: string;
  size: number;
  mediaType: string;
  bytes: Buffer;
}
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}
export interface PushedImage extends PushedManifest {
  config: PushedBlob;
  layers: PushedBlob[];
  platform: Platform;
}
export interface IndexEntry {
  manifest: PushedManifest;
  platform?: Platform;
  annotations?: Record<string, string>;
  artifactType?: string;
}

export const MediaTypes = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  inToto: 'application/vnd.in-toto+json',
} as const;

/** All four manifest types: Distribution answers 404 for an OCI index/manifest tag without its type. */
export const MANIFEST_ACCEPT = [MediaTypes.ociIndex, MediaTypes.ociManifest, MediaTypes.dockerList, MediaTypes.dockerManifest];

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

// ---------------------------------------------------------------------------
// HTTP with the registry's own auth dance (no auth, Basic, Bearer from a realm)

interface RegRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

/** Authorization header last used per (registry, user, repository, read/write): saves round trips. */
const authCache = new Map<string, string>();

function parseChallenge(header: string | null): { scheme: string; params: Record<string, string> } | undefined {
  const m = /^\s*(\w+)\s*(.*)$/.exec(header ?? '');
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2].matchAll(/(\w+)="([^"]*)"/g)) params[p[1].toLowerCase()] = p[2];
  return { scheme: m[1].toLowerCase(), params };
}

function basicAuth(t: RegistryTarget): string | undefined {
  return t.username === undefined ? undefined : `Basic ${Buffer.from(`${t.username}:${t.password ?? ''}`).toString('base64')}`;
}

/** Answers a challenge with the target's credentials; undefined when it cannot be answered. */
async function authorize(t: RegistryTarget, challenge: string | null): Promise<string | undefined> {
  const c = parseChallenge(challenge);
  if (c?.scheme === 'basic') return basicAuth(t);
  if (c?.scheme !== 'bearer' || !c.params.realm) return undefined;
  const url = new URL(c.params.realm);
  if (c.params.service) url.searchParams.set('service', c.params.service);
  // Distribution puts the scope it needs into the challenge.
  if (c.params.scope) for (const s of c.params.scope.split(' ')) url.searchParams.append('scope', s);
  const basic = basicAuth(t);
  const res = await fetch(url, { headers: basic ? { Authorization: basic } : {} });
  if (res.status !== 200) {
    await res.arrayBuffer();
    return undefined;
  }
  const body = (await res.json()) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  return token ? `Bearer ${token}` : undefined;
}

/**
 * One request to the registry (`pathOrUrl` like `/v2/repo/...` or an absolute upload URL),
 * answering a 401 challenge once. The final Response is returned whatever its status.
 */
export async function registryFetch(t: RegistryTarget, pathOrUrl: string, init: RegRequest = {}): Promise<Response> {
  const url = new URL(pathOrUrl, `http://${t.host}`);
  const method = init.method ?? 'GET';
  const repo = /^\/v2\/(.+?)\/(?:manifests|blobs|tags)\//.exec(url.pathname)?.[1] ?? '';
  const write = !['GET', 'HEAD'].includes(method);
  const cacheKey = `${t.host} ${t.username ?? ''} ${repo} ${write}`;

  const send = (authorization?: string): Promise<Response> =>
    fetch(url, {
      method,
      headers: { ...init.headers, ...(authorization ? { Authorization: authorization } : {}) },
      body: init.body,
      redirect: 'follow',
    });

  let res = await send(authCache.get(cacheKey));
  if (res.status !== 401) return res;
  const authorization = await authorize(t, res.headers.get('www-authenticate'));
  if (!authorization) return res;
  await res.arrayBuffer();
  res = await send(authorization);
  if (res.status !== 401) authCache.set(cacheKey, authorization);
  return res;
}

async function expectStatus(res: Response, expected: number[], what: string): Promise<void> {
  if (expected.includes(res.status)) return;
  const body = (await res.text()).slice(0, 500);
  throw new Error(`${what}: HTTP ${res.status} ${body}`);
}

// ---------------------------------------------------------------------------
// Push and read

/** Monolithic upload: POST opens the session, PUT with `?digest=` closes it with the bytes. */
export async function pushBlob(
  t: RegistryTarget,
  repo: string,
  data: Buffer,
  mediaType = 'application/octet-stream',
): Promise<PushedBlob> {
  const digest = sha256Digest(data);
  const what = `push blob ${digest} to ${t.host}/${repo}`;
  const start = await registryFetch(t, `/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  await expectStatus(start, [202], what);
  await start.arrayBuffer();
  const location = start.headers.get('location');
  if (!location) throw new Error(`${what}: no Location in 202`);
  const put = new URL(location, `http://${t.host}`);
  put.searchParams.set('digest', digest);
  const res = await registryFetch(t, put.toString(), {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: data,
  });
  await expectStatus(res, [201], what);
  await res.arrayBuffer();
  return { digest, size: data.length, mediaType };
}

export async function pushManifest(
  t: RegistryTarget,
  repo: string,
  reference: string,
  bytes: Buffer,
  mediaType: string,
): Promise<PushedManifest> {
  const digest = sha256Digest(bytes);
  const what = `push manifest ${t.host}/${repo}:${reference}`;
  const res = await registryFetch(t, `/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    headers: { 'Content-Type': mediaType },
    body: bytes,
  });
  await expectStatus(res, [201], what);
  await res.arrayBuffer();
  const answered = res.headers.get('docker-content-digest');
  if (answered && answered !== digest) throw new Error(`${what}: registry says ${answered}, bytes are ${digest}`);
  return { digest, size: bytes.length, mediaType, bytes };
}

export async function getManifest(
  t: RegistryTarget,
  repo: string,
  reference: string,
  accept: readonly string[] = MANIFEST_ACCEPT,
): Promise<{ status: number; digest?: string; mediaType?: string; bytes?: Buffer; json?: any }> {
  const res = await registryFetch(t, `/v2/${repo}/manifests/${reference}`, { headers: { Accept: accept.join(', ') } });
  const bytes = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) return { status: res.status };
  return {
    status: res.status,
    digest: res.headers.get('docker-content-digest') ?? undefined,
    mediaType: res.headers.get('content-type') ?? undefined,
    bytes,
    json: JSON.parse(bytes.toString('utf8')),
  };
}

export async function blobExists(t: RegistryTarget, repo: string, digest: string): Promise<boolean> {
  const res = await registryFetch(t, `/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
  await res.arrayBuffer();
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw new Error(`HEAD blob ${digest} in ${t.host}/${repo}: HTTP ${res.status}`);
}

/** Tags of a repository; [] when the repository does not exist. */
export async function listTags(t: RegistryTarget, repo: string): Promise<string[]> {
  const res = await registryFetch(t, `/v2/${repo}/tags/list`);
  if (res.status === 404) {
    await res.arrayBuffer();
    return [];
  }
  await expectStatus(res, [200], `list tags of ${t.host}/${repo}`);
  return ((await res.json()) as { tags?: string[] | null }).tags ?? [];
}

// ---------------------------------------------------------------------------
// Images

export function parsePlatform(p: string): Platform {
  const [os, architecture, variant] = p.split('/');
  if (!os || !architecture) throw new Error(`bad platform ${p}`);
  // Key order as in buildx output (Go's ocispec.Platform field order).
  return variant ? { architecture, os, variant } : { architecture, os };
}

/** Deterministic pseudo-random bytes: SHA-256 in counter mode over the seed. */
function seededBytes(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0, off = 0; off < size; i++, off += 32) {
    createHash('sha256').update(`${seed}#${i}`).digest().copy(out, off);
  }
  return out;
}

function descriptor(d: PushedBlob, extra: object = {}): object {
  return { mediaType: d.mediaType, digest: d.digest, size: d.size, ...extra };
}

export interface PushImageOptions {
  platform: string;
  /** Number of layers (default 2). */
  layers?: number;
  /** Uncompressed bytes per layer (default 1024). */
  layerSize?: number;
  format?: 'oci' | 'docker';
  /** Without a tag the manifest is pushed by digest. */
  tag?: string;
  /** Same seed, same bytes; default random, so every image is unique. */
  seed?: string;
}

/** A single-platform image: config + gzip'd pseudo-random layers + manifest. */
export async function pushImage(t: RegistryTarget, repo: string, opts: PushImageOptions): Promise<PushedImage> {
  const format = opts.format ?? 'oci';
  const seed = opts.seed ?? randomUUID();
  const platform = parsePlatform(opts.platform);
  const mt =
    format === 'oci'
      ? { manifest: MediaTypes.ociManifest, config: MediaTypes.ociConfig, layer: MediaTypes.ociLayer }
      : { manifest: MediaTypes.dockerManifest, config: MediaTypes.dockerConfig, layer: MediaTypes.dockerLayer };

  const diffIds: string[] = [];
  const layers: PushedBlob[] = [];
  for (let i = 0; i < (opts.layers ?? 2); i++) {
    const raw = seededBytes(`${seed}/${opts.platform}/layer${i}`, opts.layerSize ?? 1024);
    diffIds.push(sha256Digest(raw)); // diff_id = digest of the uncompressed layer
    layers.push(await pushBlob(t, repo, gzipSync(raw), mt.layer));
  }
  const configJson = {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    rootfs: { type: 'layers', diff_ids: diffIds },
    // The seed label keeps configs unique even for images without layers.
    config: { Labels: { 'test.seed': seed } },
  };
  const config = await pushBlob(t, repo, Buffer.from(JSON.stringify(configJson)), mt.config);
  const manifest = {
    schemaVersion: 2,
    mediaType: mt.manifest,
    config: descriptor(config),
    layers: layers.map((l) => descriptor(l)),
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const pushed = await pushManifest(t, repo, opts.tag ?? sha256Digest(bytes), bytes, mt.manifest);
  return { ...pushed, config, layers, platform };
}

/**
 * An index (OCI by default, or a Docker manifest list) over already pushed manifests.
 * Without a tag it is pushed by digest.
 */
export async function pushIndex(
  t: RegistryTarget,
  repo: string,
  tag: string | undefined,
  entries: IndexEntry[],
  mediaType: 'oci' | 'docker' = 'oci',
): Promise<PushedManifest> {
  const type = mediaType === 'oci' ? MediaTypes.ociIndex : MediaTypes.dockerList;
  const index = {
    mediaType: type,
    schemaVersion: 2,
    manifests: entries.map((e) =>
      descriptor(e.manifest, {
        ...(e.artifactType ? { artifactType: e.artifactType } : {}),
        ...(e.annotations ? { annotations: e.annotations } : {}),
        ...(e.platform ? { platform: e.platform } : {}),
      }),
    ),
  };
  const bytes = Buffer.from(JSON.stringify(index));
  return pushManifest(t, repo, tag ?? sha256Digest(bytes), bytes, type);
}

export const ATTESTATION_ANNOTATIONS = {
  referenceDigest: 'vnd.docker.reference.digest',
  referenceType: 'vnd.docker.reference.type',
} as const;

export const ATTESTATION_TYPES = {
  /** The artifactType of an attestation manifest that is a referrer (BuildKit's own). */
  manifest: 'application/vnd.docker.attestation.manifest.v1+json',
  /** The config of BuildKit's OCI-artifact attestations. */
  config: 'application/vnd.docker.attestation.config.v1+json',
} as const;

export const PREDICATES = {
  provenance: 'https://slsa.dev/provenance/v0.2',
  spdx: 'https://spdx.dev/Document',
} as const;

export interface BuildxImageOptions {
  platform: string;
  tag?: string;
  seed?: string;
  layers?: number;
  /**
   * classic (buildx's default since 0.10): an image-like attestation manifest, found only through
   * the index entry's annotations. oci-artifact (BuildKit with OCI media types and
   * `oci-artifact=true`): the same statements in a manifest with `artifactType`, the attestation
   * config type and a `subject` naming the image, listed in the index with its artifactType.
   */
  attestation?: 'classic' | 'oci-artifact';
  /** One in-toto statement (layer) per predicate type; default provenance only. */
  predicates?: readonly string[];
  /**
   * The image name the statements give (default `repo`): the same name and seed in several
   * repositories give the same bytes, as BuildKit's push by digest under several names does.
   */
  named?: string;
}

/**
 * What `docker buildx build --push` (provenance on, the default since buildx 0.10) leaves
 * for one platform: an OCI index with the image manifest and an attestation manifest
 * (platform unknown/unknown) pointing back at the image.
 */
export async function pushBuildxImage(
  t: RegistryTarget,
  repo: string,
  opts: BuildxImageOptions,
): Promise<{ index: PushedManifest; image: PushedImage; attestation: PushedManifest; statements: Buffer[] }> {
  const seed = opts.seed ?? randomUUID();
  const image = await pushImage(t, repo, { platform: opts.platform, layers: opts.layers, seed, format: 'oci' });
  const artifact = opts.attestation === 'oci-artifact';

  const statements: Buffer[] = [];
  const layers: object[] = [];
  for (const predicateType of opts.predicates ?? [PREDICATES.provenance]) {
    const statement = {
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType,
      subject: [
        {
          name: `pkg:docker/${opts.named ?? repo}@${opts.tag ?? 'latest'}?platform=${encodeURIComponent(opts.platform)}`,
          digest: { sha256: image.digest.slice('sha256:'.length) },
        },
      ],
      predicate: { builder: { id: '' }, buildType: 'https://mobyproject.org/buildkit@v1', metadata: { 'test.seed': seed } },
    };
    const layerBytes = Buffer.from(JSON.stringify(statement));
    statements.push(layerBytes);
    const layer = await pushBlob(t, repo, layerBytes, MediaTypes.inToto);
    layers.push(descriptor(layer, { annotations: { 'in-toto.io/predicate-type': predicateType } }));
  }
  // BuildKit gives the classic attestation manifest a valid (but meaningless) image config "for
  // compatibility": OCI config media type, platform unknown/unknown.
  const configJson = artifact
    ? {}
    : {
        architecture: 'unknown',
        os: 'unknown',
        config: {},
        rootfs: { type: 'layers', diff_ids: layers.map((l) => (l as { digest: string }).digest) },
      };
  const config = await pushBlob(
    t,
    repo,
    Buffer.from(JSON.stringify(configJson)),
    artifact ? ATTESTATION_TYPES.config : MediaTypes.ociConfig,
  );
  const attManifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    ...(artifact ? { artifactType: ATTESTATION_TYPES.manifest } : {}),
    config: descriptor(config),
    layers,
    ...(artifact ? { subject: descriptor(image) } : {}),
  };
  const attBytes = Buffer.from(JSON.stringify(attManifest));
  const attestation = await pushManifest(t, repo, sha256Digest(attBytes), attBytes, MediaTypes.ociManifest);

  const index = await pushIndex(t, repo, opts.tag, [
    { manifest: image, platform: image.platform },
    {
      manifest: attestation,
      platform: { architecture: 'unknown', os: 'unknown' },
      annotations: {
        [ATTESTATION_ANNOTATIONS.referenceDigest]: image.digest,
        [ATTESTATION_ANNOTATIONS.referenceType]: 'attestation-manifest',
      },
      ...(artifact ? { artifactType: ATTESTATION_TYPES.manifest } : {}),
    },
  ]);
  return { index, image, attestation, statements };
}
