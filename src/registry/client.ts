import { Transform } from 'node:stream';
import { type Digest, digestHasher, digestOf, isDigest } from '../oci/digest';
import { MANIFEST_ACCEPT, MAX_MANIFEST_BYTES } from '../oci/mediaTypes';
import { apiHost } from '../oci/reference';
import type { Authenticator } from './auth';
import { repositoryScope } from './challenge';
import { discard, header, type HttpRequest, type HttpResponse, readBody, type RequestBody } from './http';

/** An HTTP answer the operation did not expect, with the registry's own error code when it gave one. */
export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly code: string | undefined,
    detail: string,
  ) {
    super(`${operation}: HTTP ${status}${code ? ` ${code}` : ''}${detail ? `: ${detail}` : ''}`);
  }
}

export class DigestMismatchError extends Error {
  override name = 'DigestMismatchError';
}

export interface FetchedManifest {
  readonly bytes: Buffer;
  readonly digest: Digest;
  /** From the Content-Type header; the body's own field is read by parseManifest. */
  readonly contentType: string | undefined;
}

export interface ManifestHead {
  readonly digest: Digest | undefined;
  readonly mediaType: string | undefined;
  readonly size: number | undefined;
}

export type MountResult = { readonly mounted: true } | { readonly mounted: false; readonly uploadUrl?: URL };

async function errorOf(operation: string, res: HttpResponse): Promise<RegistryError> {
  let code: string | undefined;
  let detail = '';
  if (res.status === 401 || res.status === 403) {
    detail = 'access denied: check that the credentials for this registry may do this';
  }
  try {
    const text = (await readBody(res, 64 * 1024)).toString('utf8');
    const json = JSON.parse(text) as { errors?: Array<{ code?: string; message?: string }> };
    const first = json.errors?.[0];
    if (first) {
      code = first.code;
      detail = [first.message, detail].filter(Boolean).join('; ');
    }
  } catch {
    // Not a distribution error body; the status says enough.
  }
  return new RegistryError(operation, res.status, code, detail);
}

/**
 * The distribution API of one registry. Every method names the repository it works on and the
 * scopes it needs; authentication, retries and redirects happen below it.
 */
export class RegistryClient {
  private readonly base: URL;

  constructor(
    /** `ghcr.io`, `127.0.0.1:5000`, `docker.io` … (as in references). */
    readonly registry: string,
    private readonly auth: Authenticator,
    plainHttp: boolean,
  ) {
    this.base = new URL(`${plainHttp ? 'http' : 'https'}://${apiHost(registry)}`);
  }

  private url(path: string): URL {
    return new URL(path, this.base);
  }

  private send(req: HttpRequest, scopes: string[]): Promise<HttpResponse> {
    return this.auth.request(req, scopes);
  }

  private where(repository: string, what: string): string {
    return `${this.registry}/${repository}${what}`;
  }

  /** GET a manifest by tag or digest and verify its bytes (design rule 4). */
  async getManifest(repository: string, ref: string): Promise<FetchedManifest> {
    const where = this.where(repository, isDigest(ref) ? `@${ref}` : `:${ref}`);
    const res = await this.send(
      { method: 'GET', url: this.url(`/v2/${repository}/manifests/${ref}`), headers: { accept: MANIFEST_ACCEPT } },
      [repositoryScope(repository, 'pull')],
    );
    if (res.status !== 200) throw await errorOf(`GET manifest ${where}`, res);
    const bytes = await readBody(res, MAX_MANIFEST_BYTES);
    const headerDigest = header(res, 'docker-content-digest');
    const expected = isDigest(ref) ? ref : headerDigest !== undefined && isDigest(headerDigest) ? headerDigest : undefined;
    const actual = digestOf(bytes, expected);
    if (expected !== undefined && actual !== expected) {
      throw new DigestMismatchError(`${where}: the registry sent a manifest whose digest is ${actual}, not ${expected}`);
    }
    return { bytes, digest: actual, contentType: header(res, 'content-type') };
  }

  /** HEAD a manifest; undefined when absent. A 403 counts as "unknown", not as denied (rule 8). */
  async headManifest(repository: string, ref: string, scopes?: string[]): Promise<ManifestHead | undefined> {
    const res = await this.send(
      { method: 'HEAD', url: this.url(`/v2/${repository}/manifests/${ref}`), headers: { accept: MANIFEST_ACCEPT } },
      scopes ?? [repositoryScope(repository, 'pull')],
    );
    await discard(res);
    if (res.status === 404 || res.status === 403) return undefined;
    if (res.status !== 200) throw await errorOf(`HEAD manifest ${this.where(repository, `:${ref}`)}`, res);
    const digest = header(res, 'docker-content-digest');
    const length = header(res, 'content-length');
    return {
      digest: digest !== undefined && isDigest(digest) ? digest : undefined,
      mediaType: header(res, 'content-type')?.split(';')[0].trim(),
      size: length !== undefined ? Number(length) : undefined,
    };
  }

  /** PUT a manifest under a tag or its digest; the registry must agree on the digest. */
  async putManifest(repository: string, ref: string, bytes: Buffer, mediaType: string): Promise<Digest> {
    const where = this.where(repository, isDigest(ref) ? `@${ref}` : `:${ref}`);
    const res = await this.send(
      {
        method: 'PUT',
        url: this.url(`/v2/${repository}/manifests/${ref}`),
        headers: { 'content-type': mediaType },
        body: bytes,
      },
      [repositoryScope(repository, 'pull,push')],
    );
    if (res.status !== 201 && res.status !== 200) throw await errorOf(`PUT manifest ${where}`, res);
    await discard(res);
    const ours = digestOf(bytes);
    const theirs = header(res, 'docker-content-digest');
    if (theirs !== undefined && isDigest(theirs) && theirs !== ours) {
      throw new DigestMismatchError(`${where}: the registry stored the manifest as ${theirs}, not ${ours}`);
    }
    return ours;
  }

  /** True when the blob is in the repository; 403 counts as absent (rule 8). */
  async hasBlob(repository: string, digest: Digest, scopes?: string[]): Promise<boolean> {
    const res = await this.send(
      { method: 'HEAD', url: this.url(`/v2/${repository}/blobs/${digest}`) },
      scopes ?? [repositoryScope(repository, 'pull')],
    );
    await discard(res);
    if (res.status === 200) return true;
    if (res.status === 404 || res.status === 403) return false;
    throw await errorOf(`HEAD blob ${this.where(repository, `@${digest}`)}`, res);
  }

  /**
   * Cross-repository mount (design rule 9). Only 201 means mounted; a 202 opens an upload
   * session that the caller must fill; anything else means "upload it instead".
   */
  async mountBlob(repository: string, digest: Digest, from: string): Promise<MountResult> {
    const url = this.url(`/v2/${repository}/blobs/uploads/`);
    url.searchParams.set('mount', digest);
    url.searchParams.set('from', from);
    const res = await this.send({ method: 'POST', url }, [
      repositoryScope(repository, 'pull,push'),
      repositoryScope(from, 'pull'),
    ]);
    await discard(res);
    if (res.status === 201) return { mounted: true };
    const location = header(res, 'location');
    if (res.status === 202 && location) return { mounted: false, uploadUrl: new URL(location, this.base) };
    return { mounted: false };
  }

  /** Opens an upload session and returns where to PUT the blob. */
  async startUpload(repository: string): Promise<URL> {
    const res = await this.send({ method: 'POST', url: this.url(`/v2/${repository}/blobs/uploads/`) }, [
      repositoryScope(repository, 'pull,push'),
    ]);
    const location = header(res, 'location');
    if (res.status !== 202 || !location) throw await errorOf(`start upload to ${this.where(repository, '')}`, res);
    await discard(res);
    return new URL(location, this.base);
  }

  /** Completes an upload session with one monolithic PUT; `body` may be a stream factory. */
  async finishUpload(repository: string, session: URL, digest: Digest, size: number, body: RequestBody): Promise<void> {
    const url = new URL(session);
    url.searchParams.set('digest', digest);
    const res = await this.send(
      {
        method: 'PUT',
        url,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
        body,
      },
      [repositoryScope(repository, 'pull,push')],
    );
    if (res.status !== 201 && res.status !== 204) {
      throw await errorOf(`upload blob ${this.where(repository, `@${digest}`)}`, res);
    }
    await discard(res);
  }

  /**
   * Streams a blob (redirects followed by the transport). The stream fails when the bytes do
   * not hash to `digest` or the length differs, so a corrupt copy never completes.
   */
  async getBlob(repository: string, digest: Digest, size: number): Promise<NodeJS.ReadableStream & Transform> {
    const where = this.where(repository, `@${digest}`);
    const res = await this.send({ method: 'GET', url: this.url(`/v2/${repository}/blobs/${digest}`) }, [
      repositoryScope(repository, 'pull'),
    ]);
    if (res.status !== 200) throw await errorOf(`GET blob ${where}`, res);
    const hasher = digestHasher(digest);
    let seen = 0;
    const verify = new Transform({
      transform(chunk: Buffer, _enc, done) {
        seen += chunk.length;
        hasher.update(chunk);
        done(null, chunk);
      },
      flush(done) {
        const actual = hasher.digest();
        if (seen !== size) done(new DigestMismatchError(`${where}: got ${seen} bytes, the descriptor says ${size}`));
        else if (actual !== digest) done(new DigestMismatchError(`${where}: the blob's content hashes to ${actual}`));
        else done();
      },
    });
    res.body.on('error', (err) => verify.destroy(err));
    return res.body.pipe(verify);
  }
}
