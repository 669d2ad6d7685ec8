import type { Readable } from 'node:stream';
import { type Dispatcher, EnvHttpProxyAgent } from 'undici';

/** A request body: bytes, or a factory so a retry can re-open a stream (never replay a spent one). */
export type RequestBody = Buffer | (() => Readable | Promise<Readable>);

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Dispatcher.ResponseData['body'];
  /** The URL that answered (differs from the request's after a redirect). */
  readonly url: URL;
}

/** One layer of the transport stack: auth → redirects → retry → base. */
export type Send = (req: HttpRequest) => Promise<HttpResponse>;

export function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function allHeaders(res: HttpResponse, name: string): string[] {
  const v = res.headers[name.toLowerCase()];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Reads a (small) body whole; callers use it only for manifests, tokens and error bodies. */
export async function readBody(res: HttpResponse, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      res.body.destroy();
      throw new Error(`${res.url.toString()}: response body exceeds ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Frees the connection of a response whose body is not wanted. */
export async function discard(res: HttpResponse): Promise<void> {
  await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
}

export interface TransportTimeouts {
  /** Until the response headers arrive. */
  readonly headersMs: number;
  /** Between two chunks of a body (a stalled stream fails instead of hanging the job). */
  readonly bodyMs: number;
}

export const DEFAULT_TIMEOUTS: TransportTimeouts = { headersMs: 60_000, bodyMs: 60_000 };

/**
 * The base layer: one pooled keep-alive dispatcher for the whole run. It honours
 * HTTP(S)_PROXY and NO_PROXY, and verifies TLS (with NODE_EXTRA_CA_CERTS when set).
 */
export function createDispatcher(timeouts: TransportTimeouts = DEFAULT_TIMEOUTS): Dispatcher {
  return new EnvHttpProxyAgent({
    keepAliveTimeout: 30_000,
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyMs,
    connect: { timeout: 30_000 },
  });
}

export function baseSend(dispatcher: Dispatcher): Send {
  return async (req) => {
    const body = typeof req.body === 'function' ? await req.body() : req.body;
    const res = await dispatcher.request({
      origin: req.url.origin,
      path: `${req.url.pathname}${req.url.search}`,
      method: req.method,
      headers: { 'user-agent': USER_AGENT, ...req.headers },
      body,
    });
    return { status: res.statusCode, headers: res.headers, body: res.body, url: req.url };
  };
}

export const USER_AGENT = 'merge-multiarch-action/0.1';
