import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { say, worded } from '../errors';
import { EnvHttpProxyAgent } from './undici';
import { redactUrl } from './redact';
import { type BulkOption, OriginRouter } from './origins';
import { type Preconnections, proxiesHttps } from './preconnect';

/** A request body: bytes, or a factory so a retry can re-open a stream (never replay a spent one). */
export type RequestBody = Buffer | (() => Readable | Promise<Readable>);

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
  /**
   * A large response body is expected (a blob download): the transport may give it an
   * HTTP/1.1 connection of its own instead of a stream of the shared HTTP/2 one.
   */
  readonly bulk?: boolean;
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

/**
 * Headers that carry credentials: they stay with the origin that asked for them (redirects),
 * and off plain HTTP until the server is known not to speak TLS (the scheme's reads ahead).
 */
export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADERS.has(name.toLowerCase());
}

const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

export function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function allHeaders(res: HttpResponse, name: string): string[] {
  const v = res.headers[name.toLowerCase()];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * A request that failed below HTTP (connection, TLS, timeout), described for the user with the
 * host it concerns. `retriable` says whether trying again can help (a reset can, a certificate
 * nobody trusts cannot).
 */
export class TransportError extends Error {
  override name = 'TransportError';
  constructor(
    message: string,
    readonly host: string,
    /** The underlying code (`ECONNRESET`, `UND_ERR_BODY_TIMEOUT`, `DEPTH_ZERO_SELF_SIGNED_CERT` …). */
    readonly code: string | undefined,
    readonly retriable: boolean,
    options?: { cause?: unknown; url?: URL },
  ) {
    super(message, options);
    this.url = options?.url;
  }

  /** The URL of the request that failed, as sent (plain HTTP after the fallback), when known. */
  readonly url: URL | undefined;
}

/** Connection-level failures worth another attempt. */
const RETRIABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

export function isRetriableCode(code: string | undefined): boolean {
  return code !== undefined && RETRIABLE_CODES.has(code);
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  // undici's parser names no code when the answer is not HTTP at all (an SSH banner, say).
  return (err as { name?: unknown } | undefined)?.name === 'HTTPParserError' ? 'HPE_NOT_HTTP' : undefined;
}

/** TLS verification failures as Node names them (OpenSSL's X509 codes and Node's own). */
export function isCertificateCode(code: string): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME_MISMATCH|INVALID_CA/.test(code);
}

/**
 * Maps an undici/Node error to a message a user can act on. A proxy tunnel wraps some TLS
 * errors (`UND_ERR_PRX_TLS`), so the cause is looked at too.
 */
export function describeTransportError(err: unknown, url: URL): TransportError {
  if (err instanceof TransportError) return err;
  const inner = (err as { cause?: unknown }).cause;
  const source = codeOf(err) === 'UND_ERR_PRX_TLS' && codeOf(inner) ? inner : err;
  const code = codeOf(source);
  const detail = readable(source);
  const host = url.host;
  const where = `${url.protocol === 'https:' ? 'https' : 'http'}://${host}`;
  const make = (message: string, retriable = isRetriableCode(code)) =>
    new TransportError(message, host, code, retriable, { cause: err, url });

  if (code && isCertificateCode(code)) {
    return worded(
      make('', false),
      say`the TLS certificate of ${host} is not trusted (${detail}): if the registry uses a private or self-signed CA, set NODE_EXTRA_CA_CERTS to a PEM file holding that CA; if it serves plain HTTP, ${{ hint: 'plain-http', host }}`,
    );
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO' || /wrong version number/i.test(detail)) {
    return worded(
      make('', false),
      say`${host} did not answer TLS (${detail}): if it serves plain HTTP, ${{ hint: 'plain-http', host }}`,
    );
  }
  if (code?.startsWith('HPE_')) return make(`${where} does not speak HTTP (${detail})`, false);
  switch (code) {
    case 'ECONNREFUSED':
      return make(`cannot connect to ${where}: connection refused`);
    case 'ENOTFOUND':
      return make(`cannot resolve the host name of ${where}`, false);
    case 'EAI_AGAIN':
      // The DNS server did not answer: a passing failure, unlike a name that does not exist.
      return make(`cannot resolve the host name of ${where} (DNS lookup failed; temporary)`);
    case 'UND_ERR_CONNECT_TIMEOUT':
      return make(`cannot connect to ${where}: timed out`);
    case 'UND_ERR_HEADERS_TIMEOUT':
      return make(`${where} did not answer in time (no response headers)`);
    case 'UND_ERR_BODY_TIMEOUT':
      return make(`${where} stopped sending the response body (timed out)`);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return make(`the connection to ${where} broke (${detail})`);
    case 'ERR_HTTP2_STREAM_ERROR':
      // A stream past the server's limit is refused before it is processed: safe to send again.
      return make(`${where}: ${detail}`, /REFUSED_STREAM/.test(detail));
    case 'UND_ERR_ABORTED':
      // undici reports a proxy refusing CONNECT this way.
      return make(`cannot reach ${where}: ${detail}`, false);
    default:
      return make(`${where}: ${detail}`);
  }
}

/** An error's message without OpenSSL's `<id>:error:<code>:SSL routines:<function>:` prefix and source location. */
function readable(err: unknown): string {
  const reason = (err as { reason?: unknown }).reason;
  if (typeof reason === 'string' && reason !== '') return reason;
  const message = err instanceof Error ? err.message : String(err);
  const openssl = /^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+)/.exec(message);
  return (openssl ? openssl[1] : message).trim();
}

/** Reads a (small) body whole; callers use it only for manifests, tokens and error bodies. */
export async function readBody(res: HttpResponse, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body) {
      total += (chunk as Buffer).length;
      if (total > limit) {
        res.body.destroy();
        throw new Error(`${redactUrl(res.url)}: response body exceeds ${limit} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    // A body that breaks off is a transport failure (retriable); the size limit is not.
    throw codeOf(err) !== undefined ? describeTransportError(err, res.url) : err;
  }
  return Buffer.concat(chunks);
}

/**
 * Drops a response body at once, read or not. undici reports an unfinished body destroyed
 * without an error as an 'error' event: nobody wants that one.
 */
export function release(res: HttpResponse): void {
  res.body.on('error', () => undefined);
  res.body.destroy();
}

/** Frees the connection of a response whose body is not wanted. */
export async function discard(res: HttpResponse): Promise<void> {
  await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
}

export interface TransportTimeouts {
  /**
   * Until the response headers arrive, end to end (connecting included) for every request
   * whose body is not a stream: a manifest or tag-list GET, a HEAD, a token, a mount, a
   * manifest PUT. Then it is abandoned and retried.
   */
  readonly headersMs: number;
  /** Between two chunks of a body (a stalled stream fails instead of hanging the job). */
  readonly bodyMs: number;
  /** TCP connect plus TLS handshake. */
  readonly connectMs: number;
}

export const DEFAULT_TIMEOUTS: TransportTimeouts = { headersMs: 30_000, bodyMs: 60_000, connectMs: 30_000 };

/** Hosts that never go through a proxy: a proxy cannot reach the runner's own loopback. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The NO_PROXY list handed to undici: the user's, plus loopback (as Go's net/http, hence docker,
 * treats it). `*` stays `*` (undici only honours a bare wildcard).
 */
export function noProxyList(env: string | undefined, loopbackHosts: readonly string[]): string {
  const user = (env ?? '').trim();
  if (user === '*') return '*';
  const names = loopbackHosts.map((h) => h.toLowerCase().replace(/:\d+$/, ''));
  return [...new Set([...user.split(/[,\s]+/).filter(Boolean), ...LOOPBACK_NAMES, ...names])].join(',');
}

export interface DispatcherOptions {
  readonly timeouts?: TransportTimeouts;
  /** Loopback registries of this run (`127.0.0.2:5000` …), reached directly even with a proxy set. */
  readonly loopbackHosts?: readonly string[];
  /** Connections opened before the transport was loaded, for the router to adopt. */
  readonly preconnected?: Preconnections;
}

/**
 * The base layer: one pooled keep-alive dispatcher for the whole run. It honours
 * HTTP(S)_PROXY and NO_PROXY (loopback always direct), and verifies TLS (with
 * NODE_EXTRA_CA_CERTS when set). Without a proxy, HTTPS origins speak HTTP/2 where the server
 * offers it (`OriginRouter`); `preconnect` opens their connections early.
 */
export function createDispatcher(options: DispatcherOptions = {}): Dispatcher | OriginRouter {
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const agent = proxyAgent(options, timeouts);
  if (proxiesHttps(process.env)) return agent;
  return new OriginRouter(
    {
      connectTimeoutMs: timeouts.connectMs,
      headersTimeoutMs: timeouts.headersMs,
      bodyTimeoutMs: timeouts.bodyMs,
      keepAliveTimeoutMs: KEEP_ALIVE_MS,
      preconnected: options.preconnected,
    },
    agent,
  );
}

const KEEP_ALIVE_MS = 30_000;

function proxyAgent(options: DispatcherOptions, timeouts: TransportTimeouts): Dispatcher {
  return new EnvHttpProxyAgent({
    keepAliveTimeout: KEEP_ALIVE_MS,
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyMs,
    connect: { timeout: timeouts.connectMs },
    // Plain-HTTP registries go through an HTTP proxy as absolute-form requests, as curl does;
    // HTTPS ones through a CONNECT tunnel.
    proxyTunnel: false,
    noProxy: noProxyList(process.env.no_proxy ?? process.env.NO_PROXY, options.loopbackHosts ?? []),
  });
}

/**
 * `deadlineMs` bounds the wait for response headers of requests without a streamed body, end to
 * end: undici's own timeouts do not cover a proxy that never answers a CONNECT. (An upload's
 * headers come only after its whole body, so streamed bodies are left to the body timeouts.)
 */
export function baseSend(dispatcher: Dispatcher, deadlineMs?: number): Send {
  return async (req) => {
    const body = typeof req.body === 'function' ? await req.body() : req.body;
    const bounded = deadlineMs !== undefined && (body === undefined || Buffer.isBuffer(body));
    let timer: NodeJS.Timeout | undefined;
    try {
      const options: Dispatcher.RequestOptions & BulkOption = {
        origin: req.url.origin,
        path: `${req.url.pathname}${req.url.search}`,
        method: req.method,
        headers: { 'user-agent': USER_AGENT, ...req.headers },
        body,
        // undici closes the connection after a HEAD unless told otherwise; keep it for the next request.
        reset: false,
        // On HTTP/2 undici holds a request it takes for non-idempotent (POST, PUT) until the
        // connection is otherwise idle: mounts and manifest PUTs would go one per round trip.
        // Registry writes are safe to run side by side, and retries are decided above, not by undici.
        idempotent: true,
        bulk: req.bulk,
      };
      const pending = dispatcher.request(options);
      // undici ignores an abort while it waits for a proxy's CONNECT answer, so race it instead;
      // a late answer is drained so its connection is freed.
      const res = bounded
        ? await Promise.race([
            pending,
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => {
                pending.then(
                  (late) => late.body.dump().catch(() => undefined),
                  () => undefined,
                );
                reject(Object.assign(new Error(`no response within ${deadlineMs} ms`), { code: 'UND_ERR_HEADERS_TIMEOUT' }));
              }, deadlineMs);
            }),
          ])
        : await pending;
      return { status: res.statusCode, headers: res.headers, body: res.body, url: req.url };
    } catch (err) {
      // A streamed body whose request failed is closed, so its source connection is freed.
      if (body !== undefined && !Buffer.isBuffer(body) && !body.destroyed) body.destroy();
      // Our own errors from a body stream (a digest mismatch while streaming) pass unchanged.
      if (codeOf(err) === undefined) throw err;
      throw describeTransportError(err, req.url);
    } finally {
      clearTimeout(timer);
    }
  };
}

export const USER_AGENT = 'merge-multiarch-action/0.1';
