/**
 * RegistryClient's own recovery (bodies that break off, dead upload sessions) and checks
 * (digests, sizes), against a small scripted HTTP server. The end-to-end suites prove the same
 * against a real registry behind a fault proxy; here each branch is pinned down.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { Agent } from 'undici';
import type { Digest } from '../src/oci/digest';
import { Authenticator } from '../src/registry/auth';
import { DigestMismatchError, RegistryClient, RegistryError } from '../src/registry/client';
import { baseSend, TransportError } from '../src/transport/http';
import { withRedirects } from '../src/transport/redirect';
import { withRetry } from '../src/transport/retry';

const policy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 1000 };
const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}` as Digest;

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;

let server: http.Server;
let host: string;
let handler: Handler;
let seen: Array<{ method: string; url: string; range?: string }>;
const agent = new Agent({ headersTimeout: 500, bodyTimeout: 500 });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', range: req.headers.range });
      handler(req, res, Buffer.concat(chunks));
    });
    req.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  seen = [];
  bulk = [];
});
afterAll(async () => {
  await agent.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

/** Whether each request the client sent was marked bulk (a large download). */
let bulk: boolean[] = [];

function client(): RegistryClient {
  const base = baseSend(agent);
  const send = withRedirects(
    withRetry(async (req) => {
      bulk.push(req.bulk === true);
      return base(req);
    }, policy),
  );
  return new RegistryClient(host, new Authenticator(host, undefined, send, [], () => undefined), true, policy);
}

/** Sends the headers and `part` bytes of `body`, then cuts the connection. */
function cutAfter(res: http.ServerResponse, body: Buffer, part: number, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-length': String(body.length), ...headers });
  res.write(body.subarray(0, part));
  setTimeout(() => res.socket?.destroy(), 20);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const manifest = Buffer.from(
  JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', layers: [] }),
);
const mType = { 'content-type': 'application/vnd.oci.image.manifest.v1+json' };

describe('getManifest', () => {
  it('sends the request again when the body breaks off', async () => {
    let n = 0;
    handler = (_req, res) => (++n === 1 ? cutAfter(res, manifest, 10, mType) : res.writeHead(200, mType).end(manifest));
    const got = await client().getManifest('app', digestOf(manifest));
    expect(got.bytes.equals(manifest)).toBe(true);
    expect(seen).toHaveLength(2);
  });

  it('refuses bytes that do not hash to the digest asked for, or to the one the registry names', async () => {
    const other = Buffer.from(`${manifest.toString()} `);
    handler = (_req, res) => res.writeHead(200, { ...mType, 'docker-content-digest': digestOf(manifest) }).end(other);
    await expect(client().getManifest('app', digestOf(manifest))).rejects.toThrow(
      new DigestMismatchError(
        `${host}/app@${digestOf(manifest)}: the registry sent a manifest whose digest is ${digestOf(other)}, not ${digestOf(manifest)}`,
      ),
    );
    await expect(client().getManifest('app', 'v1')).rejects.toThrow(
      `${host}/app:v1: the registry sent a manifest whose digest is`,
    );
  });

  it('gives up after the attempts, naming the manifest', async () => {
    handler = (_req, res) => cutAfter(res, manifest, 10, mType);
    const err = await client()
      .getManifest('app', 'v1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toMatch(new RegExp(`^GET manifest ${host}/app:v1: the connection to http://${host} broke`));
    expect(seen).toHaveLength(policy.attempts);
  });

  it('says how long a rate-limiting registry asked to wait when that is beyond the cap', async () => {
    handler = (_req, res) =>
      res
        .writeHead(429, { 'retry-after': '3600', 'content-type': 'application/json' })
        .end('{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}');
    await expect(client().getManifest('app', 'v1')).rejects.toThrow(
      `GET manifest ${host}/app:v1: HTTP 429 TOOMANYREQUESTS: slow down; the registry asked to retry after 3600 s`,
    );
    expect(seen).toHaveLength(1);
  });
});

describe('getManifest: each manifest read once a run (a manifest GET is a Docker Hub pull)', () => {
  const other = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: {} }),
  );
  /** Serves `tags` (tag → bytes) and every digest of them, to GET and HEAD, in any repository. */
  const serve = (tags: Record<string, Buffer>) => {
    handler = (req, res) => {
      const ref = decodeURIComponent((req.url ?? '').split('/manifests/')[1] ?? '');
      const bytes = tags[ref] ?? Object.values(tags).find((b) => digestOf(b) === ref);
      if (!bytes) return res.writeHead(404).end();
      res.writeHead(200, { ...mType, 'docker-content-digest': digestOf(bytes), 'content-length': String(bytes.length) });
      res.end(req.method === 'HEAD' ? undefined : bytes);
    };
  };
  const requests = () => seen.map((r) => `${r.method} ${r.url}`);

  it('reads a digest once, however often and however many at once ask for it', async () => {
    serve({ v1: manifest });
    const c = client();
    const [a, b] = await Promise.all([c.getManifest('app', digestOf(manifest)), c.getManifest('app', digestOf(manifest))]);
    const again = await c.getManifest('app', digestOf(manifest));
    expect([a, b, again].every((m) => m.bytes.equals(manifest))).toBe(true);
    expect(requests()).toEqual([`GET /v2/app/manifests/${digestOf(manifest)}`]);
  });

  it('sends a failed read again when asked again', async () => {
    serve({});
    const c = client();
    await expect(c.getManifest('app', digestOf(manifest))).rejects.toThrow(/HTTP 404/);
    serve({ v1: manifest });
    expect((await c.getManifest('app', digestOf(manifest))).bytes.equals(manifest)).toBe(true);
    expect(requests()).toHaveLength(2);
  });

  it('reads a tag again with a HEAD first: the manifest in hand when the tag still names it, else a GET', async () => {
    serve({ v1: manifest });
    const c = client();
    await c.getManifest('app', 'v1');
    expect((await c.getManifest('app', 'v1')).bytes.equals(manifest)).toBe(true);
    // A tag read by digest after it was read by tag: in hand too.
    await c.getManifest('app', digestOf(manifest));
    expect(requests()).toEqual(['GET /v2/app/manifests/v1', 'HEAD /v2/app/manifests/v1']);

    serve({ v1: other });
    expect((await c.getManifest('app', 'v1')).bytes.equals(other)).toBe(true);
    expect(requests().slice(2)).toEqual(['HEAD /v2/app/manifests/v1', 'GET /v2/app/manifests/v1']);
  });

  it('takes a manifest an index lists from another repository of the registry, but not one asked for by itself', async () => {
    serve({ v1: manifest });
    const c = client();
    await c.getManifest('a', digestOf(manifest));
    expect((await c.getListedManifest('b', digestOf(manifest))).bytes.equals(manifest)).toBe(true);
    expect(requests()).toEqual([`GET /v2/a/manifests/${digestOf(manifest)}`]);
    // Asked for by itself, a manifest must be in the repository named: the registry says.
    await c.getManifest('b', digestOf(manifest));
    expect(requests()).toEqual([`GET /v2/a/manifests/${digestOf(manifest)}`, `GET /v2/b/manifests/${digestOf(manifest)}`]);
  });

  it('shares a read still under way in another repository, and reads its own when that one fails', async () => {
    serve({ v1: manifest });
    const c = client();
    const [a, b] = await Promise.all([c.getManifest('a', digestOf(manifest)), c.getListedManifest('b', digestOf(manifest))]);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(requests()).toEqual([`GET /v2/a/manifests/${digestOf(manifest)}`]);

    const d = client();
    const missing = digestOf(other);
    handler = (req, res) => {
      if ((req.url ?? '').startsWith('/v2/a/')) return res.writeHead(404).end();
      res.writeHead(200, { ...mType, 'docker-content-digest': missing }).end(other);
    };
    const [gone, listed] = await Promise.allSettled([d.getManifest('a', missing), d.getListedManifest('b', missing)]);
    expect(gone.status).toBe('rejected');
    expect(listed.status === 'fulfilled' && listed.value.bytes.equals(other)).toBe(true);
    expect(requests().slice(1)).toEqual([`GET /v2/a/manifests/${missing}`, `GET /v2/b/manifests/${missing}`]);
  });
});

describe('getBlob', () => {
  const blob = Buffer.from('0123456789'.repeat(1000));
  const digest = digestOf(blob);

  it('resumes with Range where the body broke off, and checks the whole', async () => {
    let n = 0;
    handler = (req, res) => {
      n++;
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (n === 1) return cutAfter(res, blob, 3000);
      const start = Number(range?.[1] ?? 0);
      res.writeHead(206, {
        'content-range': `bytes ${start}-${blob.length - 1}/${blob.length}`,
        'content-length': String(blob.length - start),
      });
      res.end(blob.subarray(start));
    };
    const got = await readAll(await client().getBlob('app', digest, blob.length));
    expect(got.equals(blob)).toBe(true);
    expect(seen.map((s) => s.range)).toEqual([undefined, expect.stringMatching(/^bytes=\d+-$/)]);
  });

  it('asks for a blob of 1 MiB or more as bulk (its own HTTP/1.1 connection), and for a smaller one not', async () => {
    const large = Buffer.alloc(1 << 20, 7);
    for (const body of [blob, large]) {
      handler = (_req, res) => res.writeHead(200, { 'content-length': String(body.length) }).end(body);
      expect((await readAll(await client().getBlob('app', digestOf(body), body.length))).equals(body)).toBe(true);
    }
    expect(bulk).toEqual([false, true]);
  });

  it('skips what a server that ignores Range sends again', async () => {
    let n = 0;
    handler = (_req, res) =>
      ++n === 1 ? cutAfter(res, blob, 4096) : res.writeHead(200, { 'content-length': String(blob.length) }).end(blob);
    const got = await readAll(await client().getBlob('app', digest, blob.length));
    expect(got.equals(blob)).toBe(true);
    expect(seen).toHaveLength(2);
  });

  it('fails on content that hashes to something else, on a short body, and on a long one', async () => {
    const corrupt = Buffer.from(blob);
    corrupt[500] ^= 1;
    handler = (_req, res) => res.writeHead(200).end(corrupt);
    await expect(readAll(await client().getBlob('app', digest, blob.length))).rejects.toThrow(
      `GET blob ${host}/app@${digest}: the blob's content hashes to ${digestOf(corrupt)}`,
    );
    handler = (_req, res) => res.writeHead(200).end(blob.subarray(1));
    await expect(readAll(await client().getBlob('app', digest, blob.length))).rejects.toThrow(DigestMismatchError);
    handler = (_req, res) => res.writeHead(200).end(Buffer.concat([blob, Buffer.from('x')]));
    await expect(readAll(await client().getBlob('app', digest, blob.length))).rejects.toThrow(/more than the 10000 bytes/);
  });

  it('fails before streaming when the blob is missing', async () => {
    handler = (_req, res) =>
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}');
    await expect(client().getBlob('app', digest, blob.length)).rejects.toThrow(
      new RegistryError(`GET blob ${host}/app@${digest}`, 404, 'BLOB_UNKNOWN', 'blob unknown'),
    );
  });

  it('frees its connection when the stream is dropped before it is read (an upload that never started)', async () => {
    let closed: () => void = () => undefined;
    const gone = new Promise<void>((resolve) => (closed = resolve));
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': String(blob.length) });
      res.write(blob.subarray(0, 10));
      res.on('close', closed);
    };
    // No body timeout to end it for us: only the client may free it.
    const patient = new Agent({ bodyTimeout: 60_000 });
    try {
      const send = withRedirects(withRetry(baseSend(patient), policy));
      const c = new RegistryClient(host, new Authenticator(host, undefined, send, [], () => undefined), true, policy);
      const stream = await c.getBlob('app', digest, blob.length);
      stream.destroy();
      const timeout = new Promise<string>((r) => setTimeout(() => r('still open'), 3000));
      expect(await Promise.race([gone.then(() => 'freed'), timeout])).toBe('freed');
    } finally {
      await patient.destroy();
    }
  });

  it('stops resuming after the attempts, without inviting the copy above to multiply them', async () => {
    handler = (_req, res) => cutAfter(res, blob, 100);
    const err = await readAll(await client().getBlob('app', digest, blob.length)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).retriable).toBe(false);
    expect(seen).toHaveLength(policy.attempts);
  });
});

describe('finishUpload', () => {
  const data = Buffer.from('layer bytes');
  const digest = digestOf(data);
  const upload = (path: string) => new URL(`http://${host}${path}`);

  it('opens a new session when the registry says the old one is dead', async () => {
    handler = (req, res, body) => {
      if (req.method === 'POST') return res.writeHead(202, { location: '/v2/app/blobs/uploads/fresh?_state=b' }).end();
      if (req.url?.startsWith('/v2/app/blobs/uploads/dead')) {
        return res
          .writeHead(404, { 'content-type': 'application/json' })
          .end('{"errors":[{"code":"BLOB_UPLOAD_INVALID","message":"blob upload invalid"}]}');
      }
      res.writeHead(body.equals(data) ? 201 : 400).end();
    };
    let opened = 0;
    await client().finishUpload('app', upload('/v2/app/blobs/uploads/dead?_state=a'), digest, data.length, () => {
      opened++;
      return Promise.resolve(Readable.from([data]));
    });
    expect(seen.map((s) => `${s.method} ${s.url.replace(/\?.*/, '')}`)).toEqual([
      'PUT /v2/app/blobs/uploads/dead',
      'POST /v2/app/blobs/uploads/',
      'PUT /v2/app/blobs/uploads/fresh',
    ]);
    expect(seen[2].url).toContain(`digest=${encodeURIComponent(digest)}`);
    expect(opened).toBe(2);
  });

  it('does not start sessions forever, nor for errors a new session cannot fix', async () => {
    handler = (req, res) =>
      req.method === 'POST'
        ? res.writeHead(202, { location: '/v2/app/blobs/uploads/again' }).end()
        : res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"BLOB_UPLOAD_UNKNOWN"}]}');
    await expect(client().finishUpload('app', upload('/v2/app/blobs/uploads/x'), digest, data.length, data)).rejects.toThrow(
      /HTTP 404 BLOB_UPLOAD_UNKNOWN/,
    );
    expect(seen.filter((s) => s.method === 'PUT')).toHaveLength(3);

    seen = [];
    handler = (_req, res) =>
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"errors":[{"code":"DIGEST_INVALID"}]}');
    await expect(client().finishUpload('app', upload('/v2/app/blobs/uploads/x'), digest, data.length, data)).rejects.toThrow(
      `upload blob ${host}/app@${digest}: HTTP 400 DIGEST_INVALID`,
    );
    expect(seen).toHaveLength(1);
  });
});

describe('referrers (OCI 1.1 API)', () => {
  const subject = digestOf(Buffer.from('subject'));
  const entry = (n: number) => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: digestOf(Buffer.from(`r${n}`)),
    size: n,
  });
  const index = (n: number[]) =>
    Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: n.map(entry) }),
    );

  it('follows Link pages of the referrers API', async () => {
    handler = (req, res) => {
      const page = new URL(req.url ?? '/', 'http://x').searchParams.get('page');
      if (page === null) {
        res.writeHead(200, { link: `</v2/app/referrers/${subject}?page=2>; rel="next"` }).end(index([1, 2]));
      } else res.writeHead(200).end(index([3]));
    };
    const found = await client().getReferrers('app', subject);
    expect(found?.map((d) => d.digest)).toEqual([entry(1).digest, entry(2).digest, entry(3).digest]);
    expect(seen.map((r) => r.url)).toEqual([`/v2/app/referrers/${subject}`, `/v2/app/referrers/${subject}?page=2`]);
  });

  it('never follows a Link page to another host', async () => {
    handler = (_req, res) =>
      res.writeHead(200, { link: '<http://127.0.0.2:1/v2/app/referrers/x?page=2>; rel="next"' }).end(index([1]));
    await expect(client().getReferrers('app', subject)).rejects.toThrow(/refusing to follow a referrers page on another host/);
    expect(seen).toHaveLength(1);
  });

  it.each([404, 400, 405])('takes %i for "no referrers API"', async (status) => {
    handler = (_req, res) => res.writeHead(status).end();
    await expect(client().getReferrers('app', subject)).resolves.toBeUndefined();
  });

  it('reads OCI-Subject from the answer to a manifest PUT', async () => {
    const bytes = Buffer.from('{"schemaVersion":2}');
    handler = (_req, res) => res.writeHead(201, { 'oci-subject': subject }).end();
    await expect(
      client().putReferrer('app', digestOf(bytes), bytes, 'application/vnd.oci.image.manifest.v1+json'),
    ).resolves.toEqual({
      digest: digestOf(bytes),
      subject,
    });
    handler = (_req, res) => res.writeHead(201).end();
    expect((await client().putReferrer('app', digestOf(bytes), bytes, 'x')).subject).toBeUndefined();
  });
});

describe('putManifest', () => {
  const blobUnknown = (res: http.ServerResponse, code = 'MANIFEST_BLOB_UNKNOWN') =>
    res
      .writeHead(400, { 'content-type': 'application/json' })
      .end(JSON.stringify({ errors: [{ code, message: 'blob unknown to registry' }] }));

  it('tries again when a blob it made present reads as unknown (a link another run is rewriting)', async () => {
    let n = 0;
    handler = (_req, res) =>
      ++n === 1 ? blobUnknown(res) : n === 2 ? blobUnknown(res, 'DIGEST_INVALID') : res.writeHead(201).end();
    await expect(client().putManifest('app', 'v1', manifest, mType['content-type'])).resolves.toBe(digestOf(manifest));
    expect(seen.map((r) => r.method)).toEqual(['PUT', 'PUT', 'PUT']);
  });

  it("gives up after three more tries with the registry's error, and never retries other refusals", async () => {
    handler = (_req, res) => blobUnknown(res);
    await expect(client().putManifest('app', 'v1', manifest, mType['content-type'])).rejects.toThrow(
      new RegistryError(`PUT manifest ${host}/app:v1`, 400, 'MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry'),
    );
    expect(seen).toHaveLength(4);
    seen = [];
    handler = (_req, res) => blobUnknown(res, 'TAG_INVALID');
    await expect(client().putManifest('app', 'v1', manifest, mType['content-type'])).rejects.toThrow(/TAG_INVALID/);
    expect(seen).toHaveLength(1);
  });
});

describe('listTags', () => {
  const json = { 'content-type': 'application/json' };
  const page = (tags: unknown) => JSON.stringify({ name: 'app', tags });

  it('follows relative and absolute next links, sending no page size of its own', async () => {
    handler = (req, res) => {
      if (req.url === '/v2/app/tags/list')
        return res.writeHead(200, { ...json, link: '</v2/app/tags/list?last=b&n=2>; rel="next"' }).end(page(['a', 'b']));
      if (req.url === '/v2/app/tags/list?last=b&n=2')
        return res
          .writeHead(200, { ...json, link: `<http://${host}/v2/app/tags/list?next_page=z>; rel=next` })
          .end(page(['c', 'd']));
      res.writeHead(200, json).end(page(['e']));
    };
    expect(await client().listTags('app')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(seen.map((s) => s.url)).toEqual([
      '/v2/app/tags/list',
      '/v2/app/tags/list?last=b&n=2',
      '/v2/app/tags/list?next_page=z',
    ]);
  });

  it('takes "tags": null, or no tags at all, for an empty repository', async () => {
    handler = (_req, res) => res.writeHead(200, json).end(page(null));
    expect(await client().listTags('app')).toEqual([]);
    handler = (_req, res) => res.writeHead(200, json).end('{"name":"app"}');
    expect(await client().listTags('app')).toEqual([]);
  });

  it('never follows a next link to another host', async () => {
    handler = (_req, res) =>
      res.writeHead(200, { ...json, link: '<http://127.0.0.2:1/v2/app/tags/list?last=a>; rel="next"' }).end(page(['a']));
    await expect(client().listTags('app')).rejects.toThrow(/the next page is on another host \(127.0.0.2:1\); not followed/);
    expect(seen).toHaveLength(1);
  });

  it('stops a listing whose next link points back at a page already read', async () => {
    handler = (_req, res) => res.writeHead(200, { ...json, link: '</v2/app/tags/list>; rel="next"' }).end(page(['a']));
    await expect(client().listTags('app')).rejects.toThrow(/the pages do not end/);
    expect(seen).toHaveLength(1);
  });

  it('refuses an answer that is not a tag list, and names the registry error of a missing repository', async () => {
    handler = (_req, res) => res.writeHead(200, json).end(page('a'));
    await expect(client().listTags('app')).rejects.toThrow(/"tags" is not a list of strings/);
    handler = (_req, res) => res.writeHead(200, json).end('<html>');
    await expect(client().listTags('app')).rejects.toThrow(/not a tag list/);
    handler = (_req, res) =>
      res.writeHead(404, json).end('{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}');
    await expect(client().listTags('app')).rejects.toMatchObject({ status: 404, code: 'NAME_UNKNOWN' });
  });
});

describe('listTags on a registry whose links drop the repository key (Artifactory)', () => {
  it("keeps the listing's own path and takes the link's query", async () => {
    handler = (req, res) =>
      req.url === '/v2/docker/acme/app/tags/list'
        ? res
            .writeHead(200, { 'content-type': 'application/json', link: '</v2/acme/app/tags/list?last=a&n=1>; rel="next"' })
            .end('{"tags":["a"]}')
        : res.writeHead(200, { 'content-type': 'application/json' }).end('{"tags":["b"]}');
    expect(await client().listTags('docker/acme/app')).toEqual(['a', 'b']);
    expect(seen.map((s) => s.url)).toEqual(['/v2/docker/acme/app/tags/list', '/v2/docker/acme/app/tags/list?last=a&n=1']);
  });
});
