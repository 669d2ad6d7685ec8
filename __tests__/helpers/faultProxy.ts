/**
 * A fault-injecting reverse proxy on loopback, in front of a REAL registry. The action is
 * pointed at `proxy.host` as if it were the registry; the proxy forwards to the registry and
 * counts what it sees. Pluggable rules (match method / path / nth occurrence → fault) inject
 * failures (503, 429 + Retry-After, connections cut mid-body, stalls, 307s to another host,
 * corrupt bodies) or rewrite requests and answers to emulate registry quirks (a status
 * rewritten, DELETE refused, 202 to mounts, 403 to HEAD of missing content …).
 *
 * Keeping the action on the proxy: requests are forwarded with their `Host` header (the
 * proxy's), so Distribution builds upload `Location`s pointing at the proxy; any absolute URL
 * naming the registry itself in `Location` or `WWW-Authenticate` is rewritten too.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

/** One request as the proxy saw it. */
export interface SeenRequest {
  /** Order of arrival, from 1. */
  readonly seq: number;
  readonly method: string;
  /** Path with query, as sent: `/v2/app/blobs/uploads/?mount=…&from=…`. */
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** `Date.now()` on arrival (to check a Retry-After was waited for). */
  readonly at: number;
  /** Name of the rule that acted on it, if any. */
  fault?: string;
  /** Status answered; undefined when the connection was cut or stalled. */
  status?: number;
}

/** What a rule looks at: the request, and how often this rule has matched so far (this one included). */
export interface ProxyRequest extends SeenRequest {
  readonly occurrence: number;
}

export interface RequestMatch {
  method?: string | readonly string[];
  /** An exact path (without query), or a RegExp tested against the path with its query. */
  path?: string | RegExp;
  /** Any other condition (a header, a query parameter). */
  when?: (req: SeenRequest) => boolean;
}

export interface Rule extends RequestMatch {
  /** Shown in `SeenRequest.fault`; defaults to the fault's own name. */
  name?: string;
  /** Act on these occurrences only (1-based, counted over the requests this rule matches). */
  nth?: number | readonly number[];
  /** Act on the first `times` occurrences only. */
  times?: number;
  fault: Fault;
}

/** A buffered answer, from the registry or made up. Header names are lowercase. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Changes to a request before it goes upstream; a header set to undefined is removed. */
export interface RequestChange {
  method?: string;
  url?: string;
  headers?: Record<string, string | undefined>;
  body?: Buffer;
}

export interface FaultContext {
  readonly request: ProxyRequest;
  /** The raw client side, for faults that cut or stall the connection. */
  readonly response: ServerResponse;
  /** Sends the request upstream (changed, if asked) and buffers the registry's whole answer. */
  forward(change?: RequestChange): Promise<Answer>;
  /** Streams the request upstream and the answer back (what happens when no rule acts). */
  pass(): Promise<void>;
  /** Answers the action. */
  reply(answer: Answer): void;
  /** Cuts the connection without an answer (the action sees a reset). */
  cut(): void;
  /** The request body, read whole. */
  body(): Promise<Buffer>;
  /** Starts an outage of the whole proxy (`FaultProxy.outage`), this request cut with the others. */
  outage(ms: number, mode?: OutageMode): void;
}

/**
 * How an outage drops connections: `refuse` closes the port (connections refused, as a registry
 * restarting), `reset` accepts and cuts each connection at once (as a load balancer failing over).
 * Either way every connection open when it starts is cut, requests in flight included.
 */
export type OutageMode = 'refuse' | 'reset';

export type Fault = ((ctx: FaultContext) => Promise<void> | void) & { faultName?: string };

export interface FaultProxy {
  /** `127.0.0.1:PORT`: use it as the registry host in references. */
  readonly host: string;
  readonly url: string;
  /** The registry behind it, `127.0.0.1:PORT`. */
  readonly upstream: string;
  /** Every request seen, in order of arrival. */
  readonly requests: readonly SeenRequest[];
  /** Requests matching method / path / condition (all when no match is given). */
  seen(match?: RequestMatch): SeenRequest[];
  count(match?: RequestMatch): number;
  /** Requests that change something: anything but GET and HEAD. */
  writes(): SeenRequest[];
  /**
   * Adds a rule after the others. Rules form a chain: a rule counts the requests that reach it
   * and match it (its `nth`); the first rule to act on a request ends the chain for it.
   */
  add(rule: Rule): Rule;
  /** How many requests a rule acted on. */
  hits(rule: Rule): number;
  /**
   * Drops every connection for `ms` (Infinity: for good): those open now, and each one attempted
   * until it ends. Resolves when it is over.
   */
  outage(ms: number, mode?: OutageMode): Promise<void>;
  /** The outages so far: when each began and ended (`Date.now()`), and how many connections each dropped. */
  readonly outages: ReadonlyArray<{ readonly start: number; end?: number; dropped: number }>;
  /** Drops every rule and forgets every request (between tests). */
  reset(): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------
// Paths of the distribution API, as RegExps for rules (any repository when none is given)

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const repoRe = (repo?: string) => (repo === undefined ? '.+' : esc(repo));
const refRe = (ref?: string) => (ref === undefined ? '[^/?]+' : esc(ref));

export const api = {
  /** `/v2/<repo>/manifests/<ref>` */
  manifest: (repo?: string, ref?: string) => new RegExp(`^/v2/${repoRe(repo)}/manifests/${refRe(ref)}(?:\\?|$)`),
  /** `/v2/<repo>/blobs/<digest>` */
  blob: (repo?: string, digest?: string) => new RegExp(`^/v2/${repoRe(repo)}/blobs/(?!uploads/)${refRe(digest)}(?:\\?|$)`),
  /** `POST /v2/<repo>/blobs/uploads/` with or without `mount=` */
  uploads: (repo?: string) => new RegExp(`^/v2/${repoRe(repo)}/blobs/uploads/(?:\\?|$)`),
  /** `POST /v2/<repo>/blobs/uploads/?mount=…` only */
  mount: (repo?: string) => new RegExp(`^/v2/${repoRe(repo)}/blobs/uploads/\\?(?:.*&)?mount=`),
  /** `PUT|PATCH /v2/<repo>/blobs/uploads/<session>` */
  session: (repo?: string) => new RegExp(`^/v2/${repoRe(repo)}/blobs/uploads/[^/?]+`),
};

function matches(m: RequestMatch, req: SeenRequest): boolean {
  if (m.method !== undefined) {
    const methods = typeof m.method === 'string' ? [m.method] : m.method;
    if (!methods.includes(req.method)) return false;
  }
  if (typeof m.path === 'string' && m.path !== req.path) return false;
  if (m.path instanceof RegExp && !m.path.test(req.url)) return false;
  return m.when === undefined || m.when(req);
}

function selected(rule: Rule, occurrence: number): boolean {
  if (rule.times !== undefined && occurrence > rule.times) return false;
  if (rule.nth === undefined) return true;
  return typeof rule.nth === 'number' ? rule.nth === occurrence : rule.nth.includes(occurrence);
}

function named(name: string, fault: (ctx: FaultContext) => Promise<void> | void): Fault {
  return Object.assign(fault, { faultName: name });
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

// ---------------------------------------------------------------------------
// Faults

export interface MadeUpAnswer {
  headers?: Record<string, string>;
  body?: string | Buffer | object;
}

function madeUp(status: number, a: MadeUpAnswer = {}): Answer {
  const json = a.body !== undefined && !Buffer.isBuffer(a.body) && typeof a.body === 'object';
  const body =
    a.body === undefined
      ? Buffer.alloc(0)
      : Buffer.isBuffer(a.body)
        ? a.body
        : Buffer.from(json ? JSON.stringify(a.body) : String(a.body));
  const headers: Record<string, string> = { ...(json ? { 'content-type': 'application/json' } : {}) };
  for (const [k, v] of Object.entries(a.headers ?? {})) headers[k.toLowerCase()] = v;
  return { status, headers, body };
}

/** Where a redirected blob is served from: another loopback host, as S3 or a CDN would be. */
export interface BlobHost {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** Every request it got, with all its headers (to prove no credentials arrived). */
  readonly requests: Array<{ method: string; url: string; headers: IncomingHttpHeaders }>;
  /** Serves `body` at a new signed-looking URL, which it returns. */
  publish(body: Buffer, contentType?: string): string;
  close(): Promise<void>;
}

export const faults = {
  /** Answers with a status (and headers/body) without asking the registry: 503, 429 + Retry-After … */
  status: (status: number, answer?: MadeUpAnswer): Fault => named(`status ${status}`, (ctx) => ctx.reply(madeUp(status, answer))),

  /** A distribution-style error answer: `{"errors":[{"code":…,"message":…}]}`. */
  registryError: (
    status: number,
    code: string,
    message = code.toLowerCase().replace(/_/g, ' '),
    headers?: Record<string, string>,
  ): Fault => named(`${status} ${code}`, (ctx) => ctx.reply(madeUp(status, { headers, body: { errors: [{ code, message }] } }))),

  /** Cuts the connection before answering. */
  cut: (): Fault => named('cut', (ctx) => ctx.cut()),

  /** Starts an outage of `ms` when the request arrives: it never reaches the registry. */
  outage: (ms: number, mode: OutageMode = 'refuse'): Fault => named(`outage ${ms} ms`, (ctx) => ctx.outage(ms, mode)),

  /**
   * Forwards the request, then starts an outage before the answer leaves: the registry did the
   * write, the client never hears of it and must send it again.
   */
  outageAfterForward: (ms: number, mode: OutageMode = 'refuse'): Fault =>
    named(`outage ${ms} ms after forwarding`, async (ctx) => {
      await ctx.forward();
      ctx.outage(ms, mode);
    }),

  /** Forwards, sends the headers and a part of the body, then cuts the connection. */
  cutMidBody: (fraction = 0.5): Fault =>
    named('cut mid-body', async (ctx) => {
      const answer = await ctx.forward();
      const res = ctx.response;
      res.writeHead(answer.status, answer.headers);
      res.write(answer.body.subarray(0, Math.floor(answer.body.length * fraction)));
      // Let the partial body leave before the reset.
      setTimeout(() => res.socket?.destroy(), 50);
    }),

  /** Never answers; the connection stays open until the client gives up (or the proxy closes). */
  stall: (): Fault => named('stall', () => undefined),

  /** Sends the headers and part of the body, then goes silent. */
  stallMidBody: (fraction = 0.5): Fault =>
    named('stall mid-body', async (ctx) => {
      const answer = await ctx.forward();
      ctx.response.writeHead(answer.status, answer.headers);
      ctx.response.write(answer.body.subarray(0, Math.floor(answer.body.length * fraction)));
    }),

  /** Forwards, flips one byte of the body (length and headers unchanged: the digest no longer matches). */
  corruptBody: (): Fault =>
    named('corrupt body', async (ctx) => {
      const answer = await ctx.forward();
      if (answer.status === 200 && answer.body.length > 0) {
        const body = Buffer.from(answer.body);
        body[Math.floor(body.length / 2)] ^= 0xff;
        answer.body = body;
      }
      ctx.reply(answer);
    }),

  /**
   * An upload that breaks off: the registry gets only the first `bytes` of the body (it refuses
   * them, and that upload session is spent, as after a real break), the action sees its
   * connection cut. Waiting for the registry's answer makes the dead session certain.
   */
  cutUpload: (bytes: number): Fault =>
    named('cut upload', async (ctx) => {
      const body = await ctx.body();
      await ctx.forward({ body: body.subarray(0, Math.min(bytes, body.length)) });
      ctx.cut();
    }),

  /**
   * Answers a 307 to the blob host (another loopback server) holding the registry's answer, as
   * registries do to S3. Non-200 answers (auth challenges) are passed on unchanged.
   */
  redirect: (to: BlobHost): Fault =>
    named('redirect 307', async (ctx) => {
      const answer = await ctx.forward();
      if (answer.status !== 200) return ctx.reply(answer);
      const contentType = answer.headers['content-type'];
      const location = to.publish(answer.body, typeof contentType === 'string' ? contentType : undefined);
      ctx.reply({ status: 307, headers: { location, 'content-length': '0' }, body: Buffer.alloc(0) });
    }),

  /** Rewrites the request on its way up and/or the answer on its way back (registry quirks). */
  rewrite: (change: {
    request?: RequestChange | ((req: ProxyRequest) => RequestChange);
    response?: (answer: Answer, req: ProxyRequest) => Answer;
  }): Fault =>
    named('rewrite', async (ctx) => {
      const up = typeof change.request === 'function' ? change.request(ctx.request) : change.request;
      const answer = await ctx.forward(up);
      ctx.reply(change.response ? change.response(answer, ctx.request) : answer);
    }),
};

// ---------------------------------------------------------------------------
// The proxy

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

export interface FaultProxyOptions {
  /**
   * Other absolute URLs to rewrite in `Location` and `WWW-Authenticate` answers, prefix → prefix:
   * a token service's realm sent through a proxy of its own.
   */
  readonly rewrite?: Readonly<Record<string, string>>;
  /** Every request waits a random time in this range (ms) before it goes on: a slow registry. */
  readonly latencyMs?: readonly [number, number];
}

export async function startFaultProxy(upstream: string, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const [upstreamHost, upstreamPort] = upstream.split(':');
  const agent = new http.Agent({ keepAlive: true });
  const requests: SeenRequest[] = [];
  let rules: Array<{ rule: Rule; occurrences: number; hits: number }> = [];
  let seq = 0;
  let origin = '';

  /** Absolute URLs naming the registry point at the proxy instead. */
  const toProxy = (value: string) =>
    Object.entries(options.rewrite ?? {}).reduce(
      (v, [from, to]) => v.split(from).join(to),
      value.split(`http://${upstream}`).join(origin),
    );

  function outgoingHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined || HOP_BY_HOP.includes(k)) continue;
      out[k] = k === 'location' || k === 'www-authenticate' ? (Array.isArray(v) ? v.map(toProxy) : toProxy(v)) : v;
    }
    return out;
  }

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const parsed = new URL(url, 'http://proxy.invalid');
    const seen: SeenRequest = {
      seq: ++seq,
      method: req.method ?? '',
      url,
      path: parsed.pathname,
      query: parsed.searchParams,
      headers: req.headers,
      at: Date.now(),
    };
    requests.push(seen);
    res.on('finish', () => (seen.status = res.statusCode));

    let bodyPromise: Promise<Buffer> | undefined;
    const body = () => (bodyPromise ??= readAll(req));

    const openUpstream = (change: RequestChange = {}) => {
      const headers: Record<string, string | string[] | undefined> = { ...req.headers };
      for (const h of HOP_BY_HOP) delete headers[h];
      for (const [k, v] of Object.entries(change.headers ?? {})) headers[k.toLowerCase()] = v;
      if (change.body !== undefined) headers['content-length'] = String(change.body.length);
      return http.request({
        host: upstreamHost,
        port: Number(upstreamPort),
        method: change.method ?? req.method,
        path: change.url ?? url,
        headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as http.OutgoingHttpHeaders,
        agent,
      });
    };

    const ctx: FaultContext = {
      request: { ...seen, occurrence: 0 },
      response: res,
      body,
      forward: async (change = {}) => {
        const payload = change.body ?? (await body());
        return new Promise<Answer>((resolve, reject) => {
          const up = openUpstream({ ...change, body: payload });
          up.on('response', (answer) => {
            readAll(answer).then(
              (data) => resolve({ status: answer.statusCode ?? 502, headers: outgoingHeaders(answer.headers), body: data }),
              reject,
            );
          });
          up.on('error', reject);
          up.end(payload);
        });
      },
      pass: () =>
        new Promise<void>((resolve) => {
          const up = openUpstream();
          up.on('response', (answer) => {
            res.writeHead(answer.statusCode ?? 502, outgoingHeaders(answer.headers));
            answer.pipe(res);
            answer.on('end', resolve);
            answer.on('error', () => resolve());
          });
          up.on('error', () => {
            res.destroy();
            resolve();
          });
          req.pipe(up);
        }),
      reply: (answer) => {
        if (res.headersSent || res.destroyed) return;
        const headers = { ...answer.headers };
        delete headers['transfer-encoding'];
        // HEAD answers keep the registry's Content-Length (of the content), without a body.
        if (!(req.method === 'HEAD' && headers['content-length'] !== undefined))
          headers['content-length'] = String(answer.body.length);
        res.writeHead(answer.status, headers);
        res.end(req.method === 'HEAD' ? undefined : answer.body);
      },
      cut: () => {
        req.socket.destroy();
      },
      outage: (ms, mode) => void startOutage(ms, mode),
    };

    // Rules form a chain: each counts the requests that reach it and match; the first that
    // selects its occurrence acts, and the rules after it never see that request.
    let acting: { rule: Rule; hits: number } | undefined;
    let occurrence = 0;
    for (const entry of rules) {
      if (!matches(entry.rule, seen)) continue;
      entry.occurrences++;
      if (selected(entry.rule, entry.occurrences)) {
        acting = entry;
        occurrence = entry.occurrences;
        break;
      }
    }
    const run = async () => {
      if (!acting) return ctx.pass();
      acting.hits++;
      seen.fault = acting.rule.name ?? acting.rule.fault.faultName ?? 'custom';
      const act = { ...ctx, request: { ...seen, occurrence } };
      await acting.rule.fault(act);
    };
    const latency = options.latencyMs;
    const wait = latency ? latency[0] + Math.random() * (latency[1] - latency[0]) : 0;
    const go = () =>
      run().catch(() => {
        if (!res.headersSent) res.writeHead(502).end();
        else res.destroy();
      });
    if (wait > 0) setTimeout(go, wait);
    else void go();
  });
  server.keepAliveTimeout = 2000;
  const sockets = new Set<Socket>();
  const outages: Array<{ start: number; end?: number; dropped: number }> = [];
  let resetting: { dropped: number } | undefined;
  server.on('connection', (s: Socket) => {
    if (resetting) {
      resetting.dropped++;
      s.destroy();
      return;
    }
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  origin = `http://${host}`;
  let closed: Promise<void> | undefined;
  let current: Promise<void> | undefined;
  let outageTimer: NodeJS.Timeout | undefined;

  /** Cuts every open connection, then refuses or resets new ones until `ms` have passed. */
  function startOutage(ms: number, mode: OutageMode = 'refuse'): Promise<void> {
    if (current) return current;
    const record: { start: number; end?: number; dropped: number } = { start: Date.now(), dropped: sockets.size };
    outages.push(record);
    if (mode === 'reset') resetting = record;
    else server.close();
    for (const s of sockets) s.destroy();
    sockets.clear();
    if (ms === Infinity) return (current = new Promise<void>(() => undefined));
    current = new Promise<void>((resolve, reject) => {
      outageTimer = setTimeout(() => {
        const over = () => {
          record.end = Date.now();
          current = undefined;
          resolve();
        };
        if (mode === 'reset') {
          resetting = undefined;
          return over();
        }
        // Listening again on the same port: the client must find the registry where it was.
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          over();
        });
      }, ms);
    });
    return current;
  }

  const seenMatching = (m: RequestMatch = {}) => requests.filter((r) => matches(m, r));
  return {
    host,
    url: origin,
    upstream,
    requests,
    seen: seenMatching,
    count: (m) => seenMatching(m).length,
    writes: () => requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD'),
    add(rule) {
      rules.push({ rule, occurrences: 0, hits: 0 });
      return rule;
    },
    hits: (rule) => rules.find((e) => e.rule === rule)?.hits ?? 0,
    outage: startOutage,
    outages,
    reset() {
      rules = [];
      requests.splice(0);
    },
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        // Stalled answers would hold close() open forever; an outage must not open the port again.
        clearTimeout(outageTimer);
        resetting = undefined;
        for (const s of sockets) s.destroy();
        agent.destroy();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      })),
  };
}

// ---------------------------------------------------------------------------
// The blob host

/**
 * A loopback "object store" for redirected blobs. URLs carry a signature-like query (so tests
 * can check it is never printed); a request without it is refused. Supports `Range: bytes=N-`.
 */
export async function startBlobHost(): Promise<BlobHost> {
  const objects = new Map<string, { body: Buffer; contentType?: string; signature: string }>();
  const requests: BlobHost['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const url = new URL(req.url ?? '/', 'http://blob.invalid');
    const object = objects.get(url.pathname);
    if (!object || url.searchParams.get('X-Amz-Signature') !== object.signature) {
      res.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code></Error>');
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
    const start = range ? Math.min(Number(range[1]), object.body.length) : 0;
    const body = object.body.subarray(start);
    const headers: Record<string, string> = { 'content-length': String(body.length), 'accept-ranges': 'bytes' };
    if (object.contentType) headers['content-type'] = object.contentType;
    if (range) headers['content-range'] = `bytes ${start}-${object.body.length - 1}/${object.body.length}`;
    res.writeHead(range ? 206 : 200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  server.keepAliveTimeout = 2000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closed: Promise<void> | undefined;
  return {
    origin,
    requests,
    publish(body, contentType) {
      const path = `/bucket/${randomBytes(8).toString('hex')}`;
      const signature = randomBytes(16).toString('hex');
      objects.set(path, { body, contentType, signature });
      return `${origin}${path}?X-Amz-Credential=test-credential&X-Amz-Signature=${signature}`;
    },
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}

// ---------------------------------------------------------------------------
// Concurrent appends

export interface TagWriteGate {
  /** Index PUTs to the tag held at the gate (all released together once `runs` were waiting). */
  readonly held: number;
  /** Opens the gate now: a run that ended without writing must not leave the others waiting. */
  release(): void;
}

/**
 * The worst interleaving of parallel appends, made certain: every PUT to `repo:tag` waits until
 * `runs` of them wait, then all go on at once. Each run has then read the tag, and checked it
 * just before writing, before any of them wrote: every write is made on the same base and erases
 * the others'. The gate opens once; later PUTs pass. Add it before other rules for the same path.
 */
export function holdTagWrites(
  /** One proxy, or several before the same registry (one per run, each counting its own run). */
  proxies: FaultProxy | readonly FaultProxy[],
  repo: string,
  tag: string,
  runs: number,
): TagWriteGate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let isOpen = false;
  const state = {
    held: 0,
    release: () => {
      isOpen = true;
      open();
    },
  };
  for (const proxy of 'host' in proxies ? [proxies] : proxies) {
    proxy.add({
      name: 'hold tag writes',
      method: 'PUT',
      path: api.manifest(repo, tag),
      fault: async (ctx) => {
        if (!isOpen) {
          state.held++;
          if (state.held >= runs) state.release();
          await opened;
        }
        ctx.reply(await ctx.forward());
      },
    });
  }
  return state;
}
