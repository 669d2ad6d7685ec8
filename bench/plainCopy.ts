/**
 * The throughput baseline for cross-registry copies: the least a client can do to copy blobs
 * from registry A to registry B over HTTP/1.1 (plain, or over TLS in the TLS mode, trusting
 * NODE_EXTRA_CA_CERTS) — per blob, a GET streamed straight into a
 * monolithic upload (POST for the session, then PUT with the bytes), no verification, no
 * retries. Runs in its own process (`node <bench> __plain-copy <spec.json>`) so it is measured
 * like the action: wall time and peak RSS.
 */
import http from 'node:http';
import https from 'node:https';

export interface CopySpec {
  readonly from: string;
  readonly to: string;
  readonly targetRepository: string;
  readonly blobs: ReadonlyArray<{ readonly repository: string; readonly digest: string; readonly size: number }>;
  /** All blobs at once, or one after the other. */
  readonly parallel: boolean;
  /** HTTPS (the bench's TLS mode) instead of plain HTTP. */
  readonly tls?: boolean;
}

const plainAgent = new http.Agent({ keepAlive: true });
const tlsAgent = new https.Agent({ keepAlive: true });

/** `http` or `https` with its keep-alive agent, by the URL's scheme. */
function clientFor(url: URL): { send: typeof http.request; agent: http.Agent } {
  return url.protocol === 'https:' ? { send: https.request, agent: tlsAgent } : { send: http.request, agent: plainAgent };
}

function request(url: URL, method: string, headers: http.OutgoingHttpHeaders = {}): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const { send, agent } = clientFor(url);
    const req = send(url, { method, headers, agent }, resolve);
    req.once('error', reject);
    req.end();
  });
}

async function drain(res: http.IncomingMessage): Promise<void> {
  for await (const chunk of res) void chunk;
}

async function copyBlob(spec: CopySpec, blob: CopySpec['blobs'][number]): Promise<void> {
  const scheme = spec.tls ? 'https' : 'http';
  const [session, source] = await Promise.all([
    request(new URL(`${scheme}://${spec.to}/v2/${spec.targetRepository}/blobs/uploads/`), 'POST'),
    request(new URL(`${scheme}://${spec.from}/v2/${blob.repository}/blobs/${blob.digest}`), 'GET'),
  ]);
  await drain(session);
  if (session.statusCode !== 202 || !session.headers.location) throw new Error(`POST upload: HTTP ${session.statusCode}`);
  if (source.statusCode !== 200) throw new Error(`GET blob: HTTP ${source.statusCode}`);
  const put = new URL(session.headers.location, `${scheme}://${spec.to}`);
  put.searchParams.set('digest', blob.digest);
  const { send, agent } = clientFor(put);
  await new Promise<void>((resolve, reject) => {
    const req = send(
      put,
      { method: 'PUT', agent, headers: { 'content-type': 'application/octet-stream', 'content-length': blob.size } },
      (res) => {
        drain(res).then(
          () => (res.statusCode === 201 ? resolve() : reject(new Error(`PUT blob: HTTP ${res.statusCode}`))),
          reject,
        );
      },
    );
    req.once('error', reject);
    source.once('error', reject);
    source.pipe(req);
  });
}

/** Copies every blob; resolves with the milliseconds the copy took inside this process. */
export async function plainCopy(spec: CopySpec): Promise<number> {
  const started = performance.now();
  if (spec.parallel) await Promise.all(spec.blobs.map((b) => copyBlob(spec, b)));
  else for (const b of spec.blobs) await copyBlob(spec, b);
  plainAgent.destroy();
  tlsAgent.destroy();
  return performance.now() - started;
}
