/**
 * Attachments as signing tools leave them in a registry (referrers), pushed with raw HTTP like
 * the other fixtures:
 * - cosign's tag-based signatures (`sha256-<hex>.sig`), built from cosign's published format:
 *   an OCI manifest whose layer is the "simple signing" payload
 *   (`application/vnd.dev.cosign.simplesigning.v1+json`), signed with a real ECDSA P-256 key, the
 *   base64 signature in the layer annotation `dev.cosignproject.cosign/signature`;
 * - OCI 1.1 referrers (`subject` + `artifactType`), e.g. a Sigstore bundle as
 *   actions/attest-build-provenance pushes it (`application/vnd.dev.sigstore.bundle.v0.3+json`,
 *   empty config), registered by the referrers API where the registry answers `OCI-Subject`,
 *   else added to the subject's fallback tag `sha256-<hex>` (the referrers tag schema).
 */
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import {
  getManifest,
  MediaTypes,
  pushBlob,
  type PushedManifest,
  registryFetch,
  type RegistryTarget,
  sha256Digest,
} from './fixtures';

export const AttachmentTypes = {
  simpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
  sigstoreBundle: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  empty: 'application/vnd.oci.empty.v1+json',
  spdx: 'application/spdx+json',
} as const;
export const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';

export const digestTag = (digest: string) => digest.replace(':', '-');

/** An ECDSA P-256 key pair, as `cosign generate-key-pair` makes. */
export function signingKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** cosign's simple signing payload for an image digest. */
export function simpleSigningPayload(reference: string, digest: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': reference },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
}

export interface Signature extends PushedManifest {
  readonly payload: Buffer;
  readonly signature: string;
}

/**
 * `cosign sign --key` with the tag-based storage: the signature manifest under
 * `sha256-<hex>.sig` in the image's repository.
 */
export async function pushCosignSignature(
  t: RegistryTarget,
  repo: string,
  subject: string,
  key: KeyObject,
  tag = `${digestTag(subject)}.sig`,
): Promise<Signature> {
  const payload = simpleSigningPayload(`${t.host}/${repo}`, subject);
  const signature = sign('sha256', payload, key).toString('base64');
  const layer = await pushBlob(t, repo, payload, AttachmentTypes.simpleSigning);
  const configJson = {
    architecture: '',
    config: {},
    created: '0001-01-01T00:00:00Z',
    history: [{ created: '0001-01-01T00:00:00Z' }],
    os: '',
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
  };
  const config = await pushBlob(t, repo, Buffer.from(JSON.stringify(configJson)), MediaTypes.ociConfig);
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: { mediaType: config.mediaType, size: config.size, digest: config.digest },
    layers: [
      {
        mediaType: layer.mediaType,
        size: layer.size,
        digest: layer.digest,
        annotations: { [COSIGN_SIGNATURE_ANNOTATION]: signature },
      },
    ],
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const res = await registryFetch(t, `/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'Content-Type': MediaTypes.ociManifest },
    body: bytes,
  });
  if (res.status !== 201) throw new Error(`push ${repo}:${tag}: HTTP ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
  return { digest: sha256Digest(bytes), size: bytes.length, mediaType: MediaTypes.ociManifest, bytes, payload, signature };
}

/** Checks a cosign signature against its payload as `cosign verify --key` would (signature over the payload blob). */
export function verifySignature(payload: Buffer, signatureBase64: string, key: KeyObject): boolean {
  return verify('sha256', payload, key, Buffer.from(signatureBase64, 'base64'));
}

export interface Referrer extends PushedManifest {
  readonly artifactType: string;
  readonly annotations: Record<string, string>;
  /** Whether the registry answered `OCI-Subject` (else the fallback tag was updated). */
  readonly registered: boolean;
}

/**
 * An OCI 1.1 artifact attached to `subject`: one layer, empty config, `subject` and
 * `artifactType`. Where the registry does not answer `OCI-Subject`, the subject's fallback tag
 * gets the descriptor, as the referrers tag schema says (read, add, write).
 */
export async function pushReferrer(
  t: RegistryTarget,
  repo: string,
  subject: PushedManifest | { digest: string; size: number; mediaType: string },
  artifact: { artifactType: string; content: Buffer; annotations?: Record<string, string> },
): Promise<Referrer> {
  const layer = await pushBlob(t, repo, artifact.content, artifact.artifactType);
  const empty = await pushBlob(t, repo, Buffer.from('{}'), AttachmentTypes.empty);
  const annotations = artifact.annotations ?? {};
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    artifactType: artifact.artifactType,
    config: { mediaType: AttachmentTypes.empty, digest: empty.digest, size: empty.size },
    layers: [{ mediaType: artifact.artifactType, digest: layer.digest, size: layer.size }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations,
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = sha256Digest(bytes);
  const res = await registryFetch(t, `/v2/${repo}/manifests/${digest}`, {
    method: 'PUT',
    headers: { 'Content-Type': MediaTypes.ociManifest },
    body: bytes,
  });
  if (res.status !== 201) throw new Error(`push referrer to ${repo}: HTTP ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
  const registered = res.headers.get('oci-subject') === subject.digest;
  const descriptor = {
    mediaType: MediaTypes.ociManifest,
    digest,
    size: bytes.length,
    artifactType: artifact.artifactType,
    annotations,
  };
  if (!registered) await addToFallbackTag(t, repo, subject.digest, descriptor);
  return {
    digest,
    size: bytes.length,
    mediaType: MediaTypes.ociManifest,
    bytes,
    artifactType: artifact.artifactType,
    annotations,
    registered,
  };
}

/** The referrers tag schema, client side: add one descriptor to `sha256-<hex>`. */
export async function addToFallbackTag(t: RegistryTarget, repo: string, subject: string, descriptor: object): Promise<void> {
  const tag = digestTag(subject);
  const current = await getManifest(t, repo, tag);
  const index = current.status === 200 ? current.json : { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [] };
  index.manifests.push(descriptor);
  const res = await registryFetch(t, `/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'Content-Type': MediaTypes.ociIndex },
    body: Buffer.from(JSON.stringify(index)),
  });
  if (res.status !== 201) throw new Error(`push ${repo}:${tag}: HTTP ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

/**
 * A Sigstore bundle (v0.3, DSSE envelope over an in-toto SLSA provenance statement) for an
 * image digest, signed with `key`: the content actions/attest-build-provenance attaches.
 */
export function sigstoreBundle(imageName: string, digest: string, key: KeyObject): Buffer {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: imageName, digest: { sha256: digest.slice('sha256:'.length) } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: { buildDefinition: { buildType: 'https://actions.github.io/buildtypes/workflow/v1' }, runDetails: {} },
  };
  const payload = Buffer.from(JSON.stringify(statement));
  const payloadType = 'application/vnd.in-toto+json';
  // DSSE pre-authentication encoding: what is really signed.
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${payloadType.length} ${payloadType} ${payload.length} `), payload]);
  const publicKey = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return Buffer.from(
    JSON.stringify({
      mediaType: AttachmentTypes.sigstoreBundle,
      verificationMaterial: { publicKey: { hint: createHash('sha256').update(publicKey).digest('base64') } },
      dsseEnvelope: {
        payload: payload.toString('base64'),
        payloadType,
        signatures: [{ sig: sign('sha256', pae, key).toString('base64'), keyid: '' }],
      },
    }),
  );
}
