import { Readable } from 'node:stream';
import { worded, wordingOf } from '../errors';
import { type Digest, digestHasher, digestOf, isDigest } from '../oci/digest';
import { type Descriptor, parseManifest } from '../oci/manifest';
import { MANIFEST_ACCEPT, MAX_MANIFEST_BYTES, MediaType } from '../oci/mediaTypes';
import { apiHost } from '../oci/reference';
import type { Authenticator } from './auth';
import { repositoryScope } from './challenge';
import {
  allHeaders,
  describeTransportError,
  discard,
  header,
  type HttpRequest,
  type HttpResponse,
  readBody,
  release,
  type RequestBody,
  TransportError,
} from '../transport/http';
import { nextLink } from './link';
import type { Outages } from '../transport/outage';
import { backOffOrThrow, DEFAULT_RETRY, isRetriableError, type RetryPolicy, sleep } from '../transport/retry';

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

export interface PutManifestResult {
  readonly digest: Digest;
  /** `OCI-Subject`: the registry registered the manifest as a referrer of this digest. */
  readonly subject: Digest | undefined;
}

export type MountResult = { readonly mounted: true } | { readonly mounted: false; readonly uploadUrl?: URL };

async function errorOf(operation: string, res: HttpResponse): Promise<RegistryError> {
  let code: string | undefined;
  let detail = '';
  if (res.status === 401 || res.status === 403) {
    detail = 'access denied: check that the credentials for this registry may do this';
  }
  const retryAfter = header(res, 'retry-after');
  if ((res.status === 429 || res.status === 503) && retryAfter !== undefined) {
    // Only reached when the wait asked for is beyond the retry policy's cap, or retries ran out.
    detail = `the registry asked to retry after ${retryAfter}${/^\d+$/.test(retryAfter.trim()) ? ' s' : ''}`;
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
    /** For response bodies that break off after the headers (the transport retries the rest). */
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    private readonly log?: (message: string) => void,
    /** Design rule 12: a body cut by an outage waits for the host with its other requests. */
    private readonly outages?: Outages,
  ) {
    this.base = new URL(`${plainHttp ? 'http' : 'https'}://${apiHost(registry)}`);
  }

  private url(path: string): URL {
    return new URL(path, this.base);
  }

  /** Sends through auth; a transport failure is named after the operation it broke. */
  private async send(
    req: HttpRequest,
    scopes: string[],
    operation: string,
    options?: { refusalIsFinal?: boolean },
  ): Promise<HttpResponse> {
    try {
      return await this.auth.request(req, scopes, options);
    } catch (err) {
      throw err instanceof TransportError ? named(operation, err) : err;
    }
  }

  private where(repository: string, what: string): string {
    return `${this.registry}/${repository}${what}`;
  }

  /**
   * The manifests read this run, by `repository@digest`: what a digest names cannot change, so
   * none is read twice (on Docker Hub each manifest GET counts as a pull), and two reads at once
   * share one request.
   */
  private readonly manifests = new Map<string, Promise<FetchedManifest>>();
  /** The same reads by digest alone, whichever repository they were read from (or are being read from). */
  private readonly byDigest = new Map<Digest, Promise<FetchedManifest>>();
  /** The tags read this run, as `repository:tag`. */
  private readonly tagsRead = new Set<string>();

  /**
   * GET a manifest by tag or digest and verify its bytes (design rule 4); once per digest and
   * repository. A tag read before in this run is asked with a HEAD first (no Docker Hub pull):
   * when it still names a manifest in hand, that one is the answer.
   */
  async getManifest(repository: string, ref: string): Promise<FetchedManifest> {
    if (isDigest(ref)) return this.manifestByDigest(repository, ref);
    const key = `${repository}:${ref}`;
    if (this.tagsRead.has(key)) {
      const head = await this.headManifest(repository, ref);
      const known = head?.digest !== undefined ? this.manifests.get(`${repository}@${head.digest}`) : undefined;
      if (known !== undefined) return known;
    }
    const fetched = await this.fetchManifest(repository, ref);
    this.tagsRead.add(key);
    this.manifests.set(`${repository}@${fetched.digest}`, Promise.resolve(fetched));
    if (!this.byDigest.has(fetched.digest)) this.byDigest.set(fetched.digest, Promise.resolve(fetched));
    return fetched;
  }

  /**
   * A manifest that an index read from `repository` lists. A registry keeps an index's children
   * in the index's repository (Distribution refuses the index otherwise), so the verified bytes
   * of the same digest read from another repository of this registry are the answer.
   */
  getListedManifest(repository: string, digest: Digest): Promise<FetchedManifest> {
    const elsewhere = this.manifests.has(`${repository}@${digest}`) ? undefined : this.byDigest.get(digest);
    // A read elsewhere that fails (not there after all) leaves this repository's own read to answer.
    return elsewhere?.catch(() => this.manifestByDigest(repository, digest)) ?? this.manifestByDigest(repository, digest);
  }

  private manifestByDigest(repository: string, digest: Digest): Promise<FetchedManifest> {
    const key = `${repository}@${digest}`;
    let reading = this.manifests.get(key);
    if (reading === undefined) {
      const read = this.fetchManifest(repository, digest);
      reading = read;
      this.manifests.set(key, read);
      if (!this.byDigest.has(digest)) this.byDigest.set(digest, read);
      // A failed read is not remembered: asked again, it is sent again.
      read.catch(() => {
        this.manifests.delete(key);
        if (this.byDigest.get(digest) === read) this.byDigest.delete(digest);
      });
    }
    return reading;
  }

  private async fetchManifest(repository: string, ref: string): Promise<FetchedManifest> {
    const where = this.where(repository, isDigest(ref) ? `@${ref}` : `:${ref}`);
    const operation = `GET manifest ${where}`;
    for (let attempt = 0; ; attempt++) {
      const sentAt = Date.now();
      const res = await this.send(
        { method: 'GET', url: this.url(`/v2/${repository}/manifests/${ref}`), headers: { accept: MANIFEST_ACCEPT } },
        [repositoryScope(repository, 'pull')],
        operation,
      );
      if (res.status !== 200) throw await errorOf(operation, res);
      let bytes: Buffer;
      try {
        bytes = await readBody(res, MAX_MANIFEST_BYTES);
      } catch (err) {
        const broke = err instanceof TransportError ? named(operation, err) : err;
        await backOffOrThrow(
          broke,
          attempt,
          this.retry,
          this.log,
          this.outages && { outages: this.outages, url: res.url, sentAt },
        );
        continue;
      }
      return this.verifyManifest(res, ref, where, bytes);
    }
  }

  /** Design rule 4: the bytes must hash to the digest asked for, else to the one the registry names. */
  private verifyManifest(res: HttpResponse, ref: string, where: string, bytes: Buffer): FetchedManifest {
    const headerDigest = header(res, 'docker-content-digest');
    const expected = isDigest(ref) ? ref : headerDigest !== undefined && isDigest(headerDigest) ? headerDigest : undefined;
    const actual = digestOf(bytes, expected);
    if (expected !== undefined && actual !== expected) {
      throw new DigestMismatchError(`${where}: the registry sent a manifest whose digest is ${actual}, not ${expected}`);
    }
    return { bytes, digest: actual, contentType: header(res, 'content-type') };
  }

  /**
   * Every tag of a repository (`GET /v2/<name>/tags/list`, pull scope), page by page as the
   * registry's `Link` headers lead, in the registry's order. No `n` is sent: registries cap it
   * differently (some refuse a larger one), and their own page size is always accepted.
   * A next page on another host is refused: the listing's token must not travel there.
   */
  async listTags(repository: string): Promise<string[]> {
    const operation = `GET tags ${this.where(repository, '')}`;
    const tags: string[] = [];
    const pages = this.pages(this.url(`/v2/${repository}/tags/list`), repository, operation, {
      maxPages: MAX_TAG_PAGES,
      offHost: (host) => `the next page is on another host (${host}); not followed`,
    });
    for await (const res of pages) {
      if (res.status !== 200) throw await errorOf(operation, res);
      let page: { tags?: unknown };
      try {
        page = JSON.parse((await readBody(res, MAX_TAG_PAGE_BYTES)).toString('utf8')) as { tags?: unknown };
      } catch (err) {
        if (err instanceof TransportError) throw named(operation, err);
        throw new RegistryError(operation, 200, undefined, 'the answer is not a tag list (JSON with "tags")');
      }
      // An empty repository answers `"tags": null` on some registries, `[]` on others.
      if (page.tags !== null && page.tags !== undefined) {
        if (!Array.isArray(page.tags) || page.tags.some((t) => typeof t !== 'string')) {
          throw new RegistryError(operation, 200, undefined, '"tags" is not a list of strings');
        }
        tags.push(...(page.tags as string[]));
      }
    }
    return tags;
  }

  /**
   * The pages of a listing (tags, referrers), each answer yielded for the caller to read before
   * the next is asked for, as the registry's `Link` headers lead (`nextPage`). Never to another
   * origin than the one that answered (the listing's token must not travel there), and never
   * round a loop or past `maxPages`.
   */
  private async *pages(
    first: URL,
    repository: string,
    operation: string,
    options: { maxPages: number; offHost: (host: string) => string; accept?: string },
  ): AsyncGenerator<HttpResponse> {
    const visited = new Set<string>();
    let url: URL | undefined = first;
    // The origin that answers: a loopback or listed registry may answer over plain HTTP.
    let origin = first.origin;
    while (url !== undefined) {
      if (url.origin !== origin) throw new RegistryError(operation, 200, undefined, options.offHost(url.host));
      if (visited.has(url.href) || visited.size >= options.maxPages) {
        throw new RegistryError(operation, 200, undefined, `the pages do not end (${visited.size} read); not followed further`);
      }
      visited.add(url.href);
      const headers = options.accept ? { accept: options.accept } : undefined;
      const res = await this.send({ method: 'GET', url, headers }, [repositoryScope(repository, 'pull')], operation);
      // The URL that answered, unless a redirect took the listing elsewhere.
      const answered: URL = res.url.host === url.host ? res.url : url;
      origin = answered.origin;
      yield res;
      url = nextPage(allHeaders(res, 'link'), answered);
    }
  }

  /** HEAD a manifest; undefined when absent. A 403 counts as "unknown", not as denied (rule 8). */
  async headManifest(repository: string, ref: string, scopes?: string[]): Promise<ManifestHead | undefined> {
    const operation = `HEAD manifest ${this.where(repository, isDigest(ref) ? `@${ref}` : `:${ref}`)}`;
    const res = await this.send(
      { method: 'HEAD', url: this.url(`/v2/${repository}/manifests/${ref}`), headers: { accept: MANIFEST_ACCEPT } },
      scopes ?? [repositoryScope(repository, 'pull')],
      operation,
    );
    await discard(res);
    if (res.status === 404 || res.status === 403) return undefined;
    if (res.status !== 200) throw await errorOf(operation, res);
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
    return (await this.put(repository, ref, bytes, mediaType)).digest;
  }

  /**
   * Referrers: PUT a manifest that carries a `subject`. A registry with the referrers API
   * registers it and says so with `OCI-Subject: <subject digest>`; without that header the
   * caller keeps the fallback tag (`sha256-<hex>`) up to date itself.
   */
  async putReferrer(repository: string, ref: string, bytes: Buffer, mediaType: string): Promise<PutManifestResult> {
    return this.put(repository, ref, bytes, mediaType);
  }

  private async put(repository: string, ref: string, bytes: Buffer, mediaType: string): Promise<PutManifestResult> {
    const where = this.where(repository, isDigest(ref) ? `@${ref}` : `:${ref}`);
    let res: HttpResponse;
    for (let attempt = 0; ; attempt++) {
      res = await this.send(
        {
          method: 'PUT',
          url: this.url(`/v2/${repository}/manifests/${ref}`),
          headers: { 'content-type': mediaType },
          body: bytes,
        },
        [repositoryScope(repository, 'pull,push')],
        `PUT manifest ${where}`,
      );
      if (res.status === 201 || res.status === 200) break;
      const err = await errorOf(`PUT manifest ${where}`, res);
      if (!isLinkBeingRewritten(err) || attempt >= LINK_REWRITE_RETRIES) throw err;
      await sleep(100 * 2 ** attempt);
    }
    await discard(res);
    const ours = digestOf(bytes);
    const theirs = header(res, 'docker-content-digest');
    if (theirs !== undefined && isDigest(theirs) && theirs !== ours) {
      throw new DigestMismatchError(`${where}: the registry stored the manifest as ${theirs}, not ${ours}`);
    }
    const subject = header(res, 'oci-subject')?.trim();
    return { digest: ours, subject: subject !== undefined && isDigest(subject) ? subject : undefined };
  }

  /**
   * The referrers of a manifest (OCI 1.1 `GET /v2/<name>/referrers/<digest>`), every
   * page (`Link: <…>; rel="next"`, followed on this registry's own origin only). Undefined when
   * the registry has no referrers API: 404, or 400/405/501 from registries that do not know the route.
   */
  async getReferrers(repository: string, digest: Digest): Promise<Descriptor[] | undefined> {
    const operation = `GET referrers ${this.where(repository, `@${digest}`)}`;
    const found: Descriptor[] = [];
    const pages = this.pages(this.url(`/v2/${repository}/referrers/${digest}`), repository, operation, {
      maxPages: MAX_REFERRERS_PAGES,
      offHost: (host) => `refusing to follow a referrers page on another host (${host})`,
      accept: MediaType.OciIndex,
    });
    let first = true;
    for await (const res of pages) {
      // Only the first answer can say the route does not exist.
      if (first && NO_REFERRERS_API.has(res.status)) {
        await discard(res);
        return undefined;
      }
      if (res.status !== 200) throw await errorOf(operation, res);
      const bytes = await readBody(res, MAX_MANIFEST_BYTES);
      const index = parseManifest(bytes, MediaType.OciIndex, operation);
      if (index.kind !== 'index') throw new RegistryError(operation, res.status, undefined, 'the answer is not an OCI index');
      found.push(...index.manifests);
      first = false;
    }
    return found;
  }

  /** True when the blob is in the repository; 403 counts as absent (rule 8). */
  async hasBlob(repository: string, digest: Digest, scopes?: string[]): Promise<boolean> {
    const operation = `HEAD blob ${this.where(repository, `@${digest}`)}`;
    const res = await this.send(
      { method: 'HEAD', url: this.url(`/v2/${repository}/blobs/${digest}`) },
      scopes ?? [repositoryScope(repository, 'pull')],
      operation,
    );
    await discard(res);
    if (res.status === 200) return true;
    if (res.status === 404 || res.status === 403) return false;
    throw await errorOf(operation, res);
  }

  /**
   * Cross-repository mount (design rule 9). Only 201 means mounted; a 202 opens an upload
   * session that the caller must fill; anything else means "upload it instead".
   */
  async mountBlob(repository: string, digest: Digest, from: string): Promise<MountResult> {
    const scopes = [repositoryScope(repository, 'pull,push'), repositoryScope(from, 'pull')];
    // A token that says it lacks one of the two scopes cannot mount: no request for a sure refusal.
    if (this.auth.grants(scopes) === false) return { mounted: false };
    const url = this.url(`/v2/${repository}/blobs/uploads/`);
    url.searchParams.set('mount', digest);
    url.searchParams.set('from', from);
    const res = await this.send(
      { method: 'POST', url },
      scopes,
      `mount blob ${this.where(repository, `@${digest}`)} from ${from}`,
      // Refused with a token asked for both scopes: another token will not change the answer
      // (a token service that grants one scope per token, Harbor's 401 for an unknown project).
      { refusalIsFinal: true },
    );
    await discard(res);
    if (res.status === 201) return { mounted: true };
    const location = header(res, 'location');
    if (res.status === 202 && location) return { mounted: false, uploadUrl: new URL(location, this.base) };
    return { mounted: false };
  }

  /** Opens an upload session and returns where to PUT the blob. */
  async startUpload(repository: string): Promise<URL> {
    const operation = `start upload to ${this.where(repository, '')}`;
    const res = await this.send(
      { method: 'POST', url: this.url(`/v2/${repository}/blobs/uploads/`) },
      [repositoryScope(repository, 'pull,push')],
      operation,
    );
    const location = header(res, 'location');
    if (res.status !== 202 || !location) throw await errorOf(operation, res);
    await discard(res);
    return new URL(location, this.base);
  }

  /**
   * Completes an upload session with one monolithic PUT; `body` may be a stream factory (the
   * transport re-opens it on each attempt). A session that died under a failed attempt (its
   * body broke off, or its answer was lost after the registry took it) is replaced by a new one.
   */
  async finishUpload(repository: string, session: URL, digest: Digest, size: number, body: RequestBody): Promise<void> {
    const operation = `upload blob ${this.where(repository, `@${digest}`)}`;
    let url = session;
    for (let restart = 0; ; restart++) {
      const put = new URL(url);
      put.searchParams.set('digest', digest);
      const sentAt = Date.now();
      const res = await this.send(
        {
          method: 'PUT',
          url: put,
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
          body,
        },
        [repositoryScope(repository, 'pull,push')],
        operation,
      );
      if (res.status === 201 || res.status === 204) {
        await discard(res);
        return;
      }
      const error = await errorOf(operation, res);
      if (restart >= MAX_SESSION_RESTARTS || !isDeadSession(error)) throw error;
      // A session that died under an outage is part of the story the outage tells (design rule 12).
      if (!this.outages?.cutBy(put.host, sentAt)) {
        this.log?.(`${operation}: the upload session is gone (${error.message}); starting a new one`);
      }
      url = await this.startUpload(repository);
    }
  }

  /**
   * Streams a blob (redirects followed by the transport). A body that breaks off is read on
   * from where it stopped (`Range`, or skipping what a server that ignores it sends again).
   * The stream fails when the bytes do not hash to `digest` or their length differs, so a
   * corrupt copy never completes. A missing blob fails here, before any byte is streamed.
   * `onBytes` hears of each chunk as it passes (progress), with no stream layer of its own.
   */
  async getBlob(repository: string, digest: Digest, size: number, onBytes?: (n: number) => void): Promise<Readable> {
    const operation = `GET blob ${this.where(repository, `@${digest}`)}`;
    const url = this.url(`/v2/${repository}/blobs/${digest}`);
    let sentAt = 0;
    const open = async (offset: number): Promise<HttpResponse> => {
      sentAt = Date.now();
      const req: HttpRequest = {
        method: 'GET',
        url,
        bulk: size >= BULK_BYTES,
        ...(offset > 0 ? { headers: { range: `bytes=${offset}-` } } : {}),
      };
      const res = await this.send(req, [repositoryScope(repository, 'pull')], operation);
      if (res.status === 200) return res;
      if (res.status === 206 && offset > 0 && new RegExp(`^bytes ${offset}-`).test(header(res, 'content-range') ?? ''))
        return res;
      throw await errorOf(operation, res);
    };
    let res = await open(0);
    const { retry, log, outages } = this;

    async function* verified(): AsyncGenerator<Buffer> {
      const hasher = digestHasher(digest);
      let seen = 0;
      try {
        for (let attempt = 0; ; attempt++) {
          // A full answer to a resumed read repeats what was already streamed: skip it.
          let skip = res.status === 200 ? seen : 0;
          try {
            for await (const data of res.body) {
              let chunk = data as Buffer;
              if (skip > 0) {
                const n = Math.min(skip, chunk.length);
                skip -= n;
                chunk = chunk.subarray(n);
                if (chunk.length === 0) continue;
              }
              seen += chunk.length;
              if (seen > size)
                throw new DigestMismatchError(`${operation}: the registry sent more than the ${size} bytes the descriptor says`);
              hasher.update(chunk);
              onBytes?.(chunk.length);
              yield chunk;
            }
            break;
          } catch (err) {
            if (!(err as { code?: unknown }).code) throw err;
            const broke = named(operation, describeTransportError(err, res.url));
            release(res);
            if (stream.destroyed) return;
            if (attempt + 1 >= retry.attempts || !isRetriableError(broke)) {
              // Spent here: the copy above must not multiply these attempts by its own.
              throw new TransportError(broke.message, broke.host, broke.code, false, { cause: err });
            }
            await backOffOrThrow(broke, attempt, retry, log, outages && { outages, url: res.url, sentAt });
            // Its reader gave up meanwhile (an upload cut by the same outage re-opens a stream
            // of its own): reading on would fetch bytes nobody wants.
            if (stream.destroyed) return;
            res = await open(seen);
          }
        }
        if (seen !== size) throw new DigestMismatchError(`${operation}: got ${seen} bytes, the descriptor says ${size}`);
        const actual = hasher.digest();
        if (actual !== digest) throw new DigestMismatchError(`${operation}: the blob's content hashes to ${actual}`);
      } finally {
        release(res);
      }
    }
    const stream = Readable.from(verified(), { objectMode: false });
    // Destroyed before or while it is read (an upload that failed, or was never sent): free the
    // connection now. The generator's own cleanup runs only when it next resumes, and a GET left
    // unread is never timed out, so it would hold the run open.
    stream.once('close', () => release(res));
    return stream;
  }
}

/**
 * Blobs from this size on are downloaded as bulk (`HttpRequest.bulk`); smaller ones, configs
 * above all, which the plan waits for, stay on the shared connection.
 */
const BULK_BYTES = 1 << 20;

/** Statuses meaning "this registry has no referrers API". */
const NO_REFERRERS_API = new Set([400, 404, 405, 501]);

/**
 * Distribution's filesystem storage rewrites a blob's (or manifest's) link file in place each
 * time it is mounted or pushed into a repository: a manifest PUT that reads the link meanwhile
 * finds it empty and answers 400 "blob unknown" (MANIFEST_BLOB_UNKNOWN, sometimes reported
 * first as DIGEST_INVALID). Parallel runs into one repository (parallel appends) mount the same
 * blobs, the empty config of every OCI artifact above all. The run made every blob present
 * before this PUT, so the answer is worth a few quick retries; a blob really missing costs
 * under a second more.
 */
const LINK_REWRITE_RETRIES = 3;
const LINK_REWRITE_CODES = new Set(['MANIFEST_BLOB_UNKNOWN', 'BLOB_UNKNOWN', 'DIGEST_INVALID']);

function isLinkBeingRewritten(err: RegistryError): boolean {
  return err.status === 400 && err.code !== undefined && LINK_REWRITE_CODES.has(err.code);
}
const MAX_REFERRERS_PAGES = 100;

/**
 * The next page of a listing. Artifactory's links drop the repository key from the path
 * (RTFACT-18971), which would list another repository: a link to another path keeps this
 * listing's path and takes only the link's query (`last`, `n` or an opaque cursor).
 */
function nextPage(links: readonly string[], current: URL): URL | undefined {
  const next = nextLink(links, current);
  if (next === undefined || next.pathname === current.pathname) return next;
  const fixed = new URL(current);
  fixed.search = next.search;
  return next.origin === current.origin ? fixed : next;
}

/** Bounds on a tag listing: no repository needs more, and a looping or endless listing must end. */
const MAX_TAG_PAGES = 1000;
const MAX_TAG_PAGE_BYTES = 16 * 1024 * 1024;

/** Upload sessions replaced at most this often per blob (each attempt also has the transport's retries). */
const MAX_SESSION_RESTARTS = 2;

/** What registries answer for a session that no longer takes data. */
function isDeadSession(error: RegistryError): boolean {
  return (
    error.status === 404 || error.status === 416 || error.code === 'BLOB_UPLOAD_INVALID' || error.code === 'BLOB_UPLOAD_UNKNOWN'
  );
}

/** The same transport failure, prefixed with the operation it broke. */
function named(operation: string, err: TransportError): TransportError {
  if (err.message.startsWith(`${operation}: `)) return err;
  const renamed = new TransportError('', err.host, err.code, err.retriable, { cause: err.cause ?? err });
  return worded(renamed, [`${operation}: `, ...wordingOf(err)]);
}
