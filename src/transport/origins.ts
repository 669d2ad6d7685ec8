import * as tls from 'node:tls';
import type { Dispatcher } from 'undici';
import type * as Undici from 'undici';
import { bareHostname, openSpares, type Preconnections, startHandshake } from './preconnect';
import { buildConnector, Client, Dispatcher as DispatcherBase, Pool, WrapHandler } from './undici';
import type { Protocol } from './protocol';
import { forwarding } from './handlers';
import { type Connect, WarmSockets } from './warmSockets';

export interface OriginOptions {
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /** Extra TLS options (tests pass their CA; the action relies on NODE_EXTRA_CA_CERTS). */
  readonly tls?: Pick<tls.ConnectionOptions, 'ca'>;
  /** Connections the front end opened before the transport was loaded: adopted, not opened again. */
  readonly preconnected?: Preconnections;
}

/** How an origin is reached; `failure` is why its handshake failed, if it did. */
interface Route {
  readonly dispatcher: Dispatcher;
  readonly protocol: Protocol;
  readonly failure?: unknown;
  /** HTTP/2 origins: the HTTP/1.1 pool blob bodies take (`isBulk`). */
  readonly bulk?: () => Dispatcher;
}

/**
 * Streams one HTTP/2 connection carries at once. Go's servers allow 250, Node's, HAProxy's and
 * Google's front ends 100, nginx 128: undici does not follow the server's SETTINGS, and a stream
 * past the server's limit is refused, so 100.
 */
const H2_STREAMS = 100;
/** Receive windows on HTTP/2: room for blob downloads at loopback and WAN bandwidth-delay products. */
const H2_STREAM_WINDOW = 2 << 20;
const H2_CONNECTION_WINDOW = 16 << 20;

function isStream(body: unknown): boolean {
  return typeof body === 'object' && body !== null && typeof (body as { pipe?: unknown }).pipe === 'function';
}

/** A dispatch option of this router: the request moves a blob's bytes (see `isBulk`). */
export interface BulkOption {
  readonly bulk?: boolean;
}

/**
 * Blob bodies go over HTTP/1.1 connections of their own, even to an HTTP/2 origin. An upload
 * (a streamed request body): on HTTP/2 the server's receive window (Distribution's is 1 MiB per
 * connection) caps it at one window per round trip, and undici sends one streamed upload at a
 * time on a connection. A large download (`bulk`): all of them on one TCP connection share its
 * one congestion window and flow-control windows, and measured 20% slower across registries
 * (BENCHMARKS.md, (e)); the many small requests stay on HTTP/2.
 */
function isBulk(options: Dispatcher.DispatchOptions & BulkOption): boolean {
  return isStream(options.body) || options.bulk === true;
}

/** What a run did with one origin's connections (design rule 13), for the debug log. */
export interface OriginConnections {
  /** `https://host:port` or `http://host:port`. */
  readonly origin: string;
  /** `HTTP/2`, `HTTP/1.1` (over TLS), `plain HTTP/1.1`, or `not TLS` (a handshake that failed). */
  readonly transport: string;
  /** Connections that carried requests (or were handed to a dispatcher for them). */
  readonly connections: number;
  /** Connections opened early and closed without a request (the origin spoke HTTP/2, or not TLS). */
  readonly unused: number;
  /** The most requests in flight at once. */
  readonly mostInFlight: number;
}

interface Usage {
  transport: string;
  connections: number;
  unused: number;
  inFlight: number;
  mostInFlight: number;
  /** Answers that ended in this turn of the event loop: their connections are free in the next. */
  ending: number;
}

/**
 * HTTPS origins, each on the transport its server offers (design rule 13): one HTTP/2
 * connection with many streams where ALPN says h2, a keep-alive pool where it says http/1.1.
 *
 * undici's Agent opens one connection per request that arrives before the first connection is
 * up, since it cannot know the server will speak h2: the first burst of a run would open dozens.
 * So each origin is first reached by one TLS handshake of its own (`preconnect`, started as
 * soon as the inputs name the host), its ALPN answer picks the dispatcher, and that socket
 * becomes the dispatcher's first connection: the probe costs no extra connection. Requests
 * that come before the handshake ends wait for it, as they would wait for any connection.
 * Beside the handshake, the connections the rest of the first burst needs are opened at once
 * (`spare`; the first two of them TLS from the start, offering HTTP/1.1 only): on HTTP/1.1 the
 * burst takes them, so it never waits for a connection opened after the handshake (nor, in a
 * burst of three, for one secured after it); on HTTP/2 they close unused.
 * A handshake that fails leaves the origin to `fallback`, whose own attempt then reports the
 * failure (an untrusted certificate, a refused connection) the way every request does.
 */
export class OriginRouter extends DispatcherBase {
  private readonly origins = new Map<string, Promise<Route>>();
  /** Dispatchers made so far, and handshakes still running: closed with the router. */
  private readonly made = new Set<Dispatcher>();
  private readonly handshakes = new Set<tls.TLSSocket>();
  /** Per HTTPS origin, the connections opened beside its handshake (`openSpares`). */
  private readonly spares = new Map<string, WarmSockets>();
  /** Plain-HTTP origins opened early (`preconnectPlain`): a pool each, fed by its warm sockets. */
  private readonly plain = new Map<string, { readonly pool: Dispatcher; readonly warm: WarmSockets }>();
  private readonly usage = new Map<string, Usage>();

  constructor(
    private readonly options: OriginOptions,
    /** For plain-HTTP origins and for HTTPS origins whose handshake failed. */
    private readonly fallback: Dispatcher,
  ) {
    super();
  }

  /**
   * Starts the handshake with an HTTPS origin (`https://host:port`) now, if not started yet,
   * and beside it `spare` connections for HTTP/1.1 (`openSpares`).
   */
  preconnect(origin: string, spare = 0): void {
    const url = new URL(origin);
    if (!this.spares.has(url.origin)) {
      const warm =
        this.options.preconnected?.takeSpare(url.origin) ??
        (spare > 0 ? openSpares(url.origin, spare, this.options.tls) : undefined);
      if (warm) this.spares.set(url.origin, warm);
    }
    void this.route(origin);
  }

  /**
   * Opens `count` TCP connections to a plain-HTTP origin (`http://host:port`) now, beside the TLS
   * handshake with the same host, which decides whether they are used: when the server does not
   * speak TLS, the requests that follow find their HTTP/1.1 connections open, as an HTTP/2
   * origin finds its one (and those sent before the decision have gone out on them already).
   * When it does, those left are closed unused. Only for hosts design rule 14 lets fall back to
   * plain HTTP (loopback, `insecure-registries`).
   */
  preconnectPlain(origin: string, count: number): void {
    const url = new URL(origin);
    if (url.protocol !== 'http:' || this.plain.has(url.origin)) return;
    const warm =
      this.options.preconnected?.takePlain(url.origin) ?? WarmSockets.open(bareHostname(url), Number(url.port || 80), count);
    const pool = this.pool(url.origin, warm.connector(buildConnector({ timeout: this.options.connectTimeoutMs })));
    this.plain.set(url.origin, { pool, warm });
    this.use(url.origin).transport = 'plain HTTP/1.1';
    void this.route(`https://${url.host}`).then((route) => {
      if (route.failure === undefined) warm.discard();
    });
  }

  /** The protocol an origin speaks (after its handshake). */
  async protocol(origin: string): Promise<Protocol> {
    return new URL(origin).protocol === 'https:' ? (await this.route(origin)).protocol : 'http/1.1';
  }

  /**
   * Why an HTTPS origin's handshake failed (undefined when it succeeded): the scheme probe reads
   * in it whether a loopback or listed server speaks TLS at all, before any request.
   */
  async handshakeFailure(origin: string): Promise<unknown> {
    return (await this.route(origin)).failure;
  }

  /** Each origin's connections and most requests in flight so far (the debug log reports them at the end). */
  connectionsUsed(): OriginConnections[] {
    return [...this.usage].map(([origin, u]) => ({
      origin,
      transport: u.transport,
      connections: u.connections,
      // With those opened beside the handshake or for plain HTTP and never used (closed, or still
      // waiting for a request that did not come: closed with the router).
      unused: u.unused + (this.spares.get(origin)?.unused ?? 0) + (this.plain.get(origin)?.warm.unused ?? 0),
      mostInFlight: u.mostInFlight,
    }));
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const url = new URL(String(options.origin));
    const tracked = this.tracked(url.origin, handler);
    if (url.protocol !== 'https:') {
      const plain = this.plain.size > 0 ? this.plain.get(url.origin) : undefined;
      if (!plain) return this.fallback.dispatch(options, tracked);
      this.use(url.origin).transport = 'plain HTTP/1.1';
      this.toPool(url.origin, plain.pool, options, tracked);
      return true;
    }
    void this.route(url.origin).then(({ dispatcher, bulk }) =>
      bulk && isBulk(options) ? bulk().dispatch(options, tracked) : this.toPool(url.origin, dispatcher, options, tracked),
    );
    return true;
  }

  /**
   * Hands a request to an origin's dispatcher. undici's HTTP/1.1 client takes a connection whose
   * answer just ended back only in the next turn of the event loop (a server may close it after
   * all): a request sent meanwhile, as the next request of a chain is, would find every
   * connection busy and open one more, one connection setup (or two round trips) on its path,
   * and one connection more than requests in flight. Such a request waits for that turn instead.
   */
  private toPool(
    origin: string,
    dispatcher: Dispatcher,
    options: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
  ): void {
    if (dispatcher instanceof Pool && this.use(origin).ending > 0 && dispatcher.stats.free === 0) {
      setImmediate(() => dispatcher.dispatch(options, handler));
      return;
    }
    dispatcher.dispatch(options, handler);
  }

  private route(origin: string): Promise<Route> {
    const key = new URL(origin).origin;
    let routed = this.origins.get(key);
    if (!routed) {
      routed = this.handshake(key).then(
        (socket) => {
          const h2 = socket.alpnProtocol === 'h2';
          this.use(key).transport = h2 ? 'HTTP/2' : 'HTTP/1.1';
          const spare = this.spares.get(key);
          // HTTP/2 needs no connection but the handshake's; HTTP/1.1 the burst's.
          if (h2) spare?.discard();
          return h2
            ? { dispatcher: this.dispatcherFor(key, socket), protocol: 'h2' as const, bulk: this.bulkPool(key) }
            : { dispatcher: this.dispatcherFor(key, socket, spare), protocol: 'http/1.1' as const };
        },
        (failure: unknown) => {
          this.use(key).transport = 'not TLS';
          this.unused(key, 1); // the handshake's own connection
          const spare = this.spares.get(key);
          spare?.discard();
          return { dispatcher: this.fallback, protocol: 'http/1.1' as const, failure };
        },
      );
      this.origins.set(key, routed);
    }
    return routed;
  }

  private use(origin: string): Usage {
    let u = this.usage.get(origin);
    if (!u) {
      u = { transport: 'HTTP/1.1', connections: 0, unused: 0, inFlight: 0, mostInFlight: 0, ending: 0 };
      this.usage.set(origin, u);
    }
    return u;
  }

  private unused(origin: string, closed: number): void {
    this.use(origin).unused += closed;
  }

  /** Counts the connections a dispatcher of `origin` gets. */
  private counted(origin: string, connect: Connect): Connect {
    return (options, callback) =>
      connect(options, (...outcome) => {
        if (outcome[0] === null) this.use(origin).connections++;
        callback(...outcome);
      });
  }

  /** Counts a request in flight to `origin` until its answer ends or fails. */
  private tracked(origin: string, given: Dispatcher.DispatchHandler): Dispatcher.DispatchHandler {
    const handler = WrapHandler.wrap(given);
    const u = this.use(origin);
    u.inFlight++;
    u.mostInFlight = Math.max(u.mostInFlight, u.inFlight);
    let ended = false;
    const end = (): void => {
      if (!ended) u.inFlight--;
      ended = true;
    };
    return {
      ...forwarding(handler),
      onResponseEnd: (controller, trailers) => {
        end();
        u.ending++;
        setImmediate(() => u.ending--);
        handler.onResponseEnd?.(controller, trailers);
      },
      onResponseError: (controller, error) => {
        end();
        handler.onResponseError?.(controller, error);
      },
    };
  }

  /** The handshake opened early for this origin, else a new one; bounded by the connect timeout either way. */
  private handshake(origin: string): Promise<tls.TLSSocket> {
    const { socket, secured } = this.options.preconnected?.takeHandshake(origin) ?? startHandshake(origin, this.options.tls);
    this.handshakes.add(socket);
    const timer = setTimeout(
      () => socket.destroy(Object.assign(new Error('TLS handshake timed out'), { code: 'ETIMEDOUT' })),
      this.options.connectTimeoutMs,
    );
    return secured.finally(() => {
      clearTimeout(timer);
      this.handshakes.delete(socket);
    });
  }

  private dispatcherFor(origin: string, socket: tls.TLSSocket, spare?: WarmSockets): Dispatcher {
    const h2 = socket.alpnProtocol === 'h2';
    // The handshake's socket is the first connection, then those opened beside it (TLS started
    // on them by `base` where it was not yet); later ones (past the burst, after an idle close) are new.
    const base = buildConnector({ allowH2: h2, timeout: this.options.connectTimeoutMs, ...this.options.tls });
    const connect = WarmSockets.ready([socket]).connector(spare ? spare.connector(base) : base);
    if (!h2) return this.pool(origin, connect);
    const dispatcher = new Client(origin, {
      ...this.timeouts(),
      connect: this.counted(origin, connect),
      allowH2: true,
      pipelining: H2_STREAMS,
      maxConcurrentStreams: H2_STREAMS,
      // Blob downloads: undici's default windows (256 KiB a stream, 512 KiB the connection)
      // cap them at a window per round trip.
      initialWindowSize: H2_STREAM_WINDOW,
      connectionWindowSize: H2_CONNECTION_WINDOW,
    });
    this.made.add(dispatcher);
    return dispatcher;
  }

  /** An HTTP/1.1 keep-alive pool, closed with the router. */
  private pool(origin: string, connect: Connect): Dispatcher {
    const pool = new Pool(origin, { ...this.timeouts(), connect: this.counted(origin, connect) });
    this.made.add(pool);
    return pool;
  }

  private timeouts(): Pick<Undici.Pool.Options, 'headersTimeout' | 'bodyTimeout' | 'keepAliveTimeout'> {
    return {
      headersTimeout: this.options.headersTimeoutMs,
      bodyTimeout: this.options.bodyTimeoutMs,
      keepAliveTimeout: this.options.keepAliveTimeoutMs,
    };
  }

  /** An HTTP/1.1 pool to an HTTP/2 origin, for blob bodies; made on first use. */
  private bulkPool(origin: string): () => Dispatcher {
    let pool: Dispatcher | undefined;
    return () =>
      (pool ??= this.pool(
        origin,
        buildConnector({ allowH2: false, timeout: this.options.connectTimeoutMs, ...this.options.tls }),
      ));
  }

  override close(): Promise<void> {
    return this.shutdown((d) => d.close());
  }

  override destroy(): Promise<void> {
    return this.shutdown((d) => d.destroy());
  }

  /** Ends the handshakes and unused sockets, then every dispatcher (`close` waits, `destroy` aborts). */
  private async shutdown(end: (d: Dispatcher) => Promise<void>): Promise<void> {
    for (const socket of this.handshakes) socket.destroy();
    for (const { warm } of this.plain.values()) warm.discard();
    for (const warm of this.spares.values()) warm.discard();
    await Promise.all([...this.made, this.fallback].map(end));
  }
}
