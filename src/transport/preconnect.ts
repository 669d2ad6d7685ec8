/**
 * The run's first connections, opened by the front ends as soon as the inputs are read, before
 * the rest of the tool is even loaded: every host is known from the inputs, and a connection to
 * a remote registry costs a round trip or more, which then overlaps the loading instead of
 * following it. The transport (`OriginRouter`) adopts them as its first connections; it opens
 * the same ones itself when nothing was opened early.
 *
 * Deliberately light: Node's net and tls and the reference grammar only, so the small entry
 * bundles that load it start connecting within milliseconds of Node's own boot.
 */
import * as net from 'node:net';
import type * as tls from 'node:tls';
import { apiHost, isLoopbackRegistry } from '../oci/reference';
import { WarmSockets } from './warmSockets';

/** A TLS handshake started: the socket, and its outcome (the socket once secured, or why not). */
export interface Handshake {
  readonly socket: tls.TLSSocket;
  readonly secured: Promise<tls.TLSSocket>;
}

/**
 * Starts the TLS handshake with an HTTPS origin (`https://host:port`), offering h2 and http/1.1
 * (or the `protocols` given).
 * The TCP connection is asked for first: Node's TLS module and the TLS context (its CA store,
 * read on first use) take 15–20 ms to load and make on Node 24, which then overlap the name
 * lookup and the TCP handshake instead of coming before them.
 */
export function startHandshake(
  origin: string,
  options: Pick<tls.ConnectionOptions, 'ca'> = {},
  protocols: readonly string[] = ['h2', 'http/1.1'],
): Handshake {
  const url = new URL(origin);
  const hostname = bareHostname(url);
  const tcp = net.connect({ host: hostname, port: Number(url.port || 443), noDelay: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the connect, see above
  const { connect } = require('node:tls') as typeof tls;
  const socket = connect({
    socket: tcp,
    host: hostname,
    // No SNI for an IP address (RFC 6066), as undici does.
    ...(tlsServername(hostname) ? { servername: hostname } : {}),
    ALPNProtocols: [...protocols],
    ...options,
  });
  const secured = new Promise<tls.TLSSocket>((resolve, reject) => {
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
    // Closed before it was secured (destroyed without an error): never leave the outcome pending.
    socket.once('close', () => reject(Object.assign(new Error('closed during the TLS handshake'), { code: 'ECONNRESET' })));
  });
  // Whoever adopts the handshake reads its failure; until then it is no unhandled rejection.
  secured.catch(() => undefined);
  return { socket, secured };
}

/**
 * Connections beside an HTTPS origin's handshake secured at once, at most: enough for the first
 * burst of a two-platform merge (two sources and the target's tag: two besides the handshake).
 * Each one costs a registry that speaks HTTP/2 (most do) a TLS handshake it never uses; five,
 * for a 16-platform merge, measured 2–4% slower on a 2-CPU machine that also hosts the registry
 * (BENCHMARKS.md, round six), two nothing measurable.
 */
export const SPARES_SECURED_AT_ONCE = 2;

/**
 * `count` connections beside an HTTPS origin's handshake, for an HTTP/1.1 origin's first burst:
 * the first `SPARES_SECURED_AT_ONCE` TLS from the start, offering HTTP/1.1 only, secured at
 * the same moment as the handshake (a round trip before TLS started once it says HTTP/1.1);
 * the others TCP, on which TLS starts when a request takes them. Offering h2 would make them
 * unusable by an HTTP/1.1 pool on a server that speaks both; there they are closed unused.
 */
export function openSpares(origin: string, count: number, options: Pick<tls.ConnectionOptions, 'ca'> = {}): WarmSockets {
  const url = new URL(origin);
  const secured = Math.min(count, SPARES_SECURED_AT_ONCE);
  return new WarmSockets([
    ...Array.from({ length: secured }, () => {
      const { socket, secured: ready } = startHandshake(origin, options, ['http/1.1']);
      return { socket, ready };
    }),
    ...Array.from({ length: count - secured }, () => WarmSockets.tcp(bareHostname(url), Number(url.port || 443), true)),
  ]);
}

/** A URL's host name without the brackets of an IPv6 address, as sockets take it. */
export function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

function tlsServername(hostname: string): boolean {
  return !/^[\d.]+$/.test(hostname) && !hostname.includes(':');
}

/** True when HTTPS requests go through a proxy (then they tunnel over HTTP/1.1). */
export function proxiesHttps(env: Readonly<Record<string, string | undefined>>): boolean {
  return [env.https_proxy, env.HTTPS_PROXY, env.http_proxy, env.HTTP_PROXY].some((v) => v !== undefined && v.trim() !== '');
}

/** What the transport needs to know of a source or target: where it lives. */
export interface RepositoryName {
  readonly registry: string;
  readonly repository: string;
}

/**
 * Design rule 14: plain HTTP only for loopback and the registries the user lists; a listed
 * `host` covers every port of it, a listed `host:port` only that port. Even these are tried
 * over HTTPS first (SchemeProbe).
 */
export function plainHttpAllowed(registry: string, insecure: ReadonlySet<string>): boolean {
  const hostname = registry.startsWith('[') ? registry.slice(0, registry.indexOf(']') + 1) : registry.replace(/:\d+$/, '');
  return isLoopbackRegistry(registry) || insecure.has(registry) || insecure.has(hostname);
}

/**
 * Connections per host a run opens at once before any request (design rule 13): as browsers
 * bound theirs per host. Past them, an HTTP/1.1 pool opens one when a request finds none free.
 */
export const EARLY_CONNECTIONS_PER_HOST = 6;

/**
 * Connections a registry's first burst needs on HTTP/1.1, one request each: every source on it
 * is read (a manifest or a tag list) and every target tag on it is read, all at once, within
 * the per-host bound. Opening more would leave some unused: never more than requests in flight.
 */
export function warmConnections(
  registry: string,
  options: { readonly sources: readonly RepositoryName[]; readonly targets: readonly RepositoryName[] },
): number {
  const reads = [...options.sources, ...options.targets].filter((r) => r.registry === registry).length;
  return Math.min(EARLY_CONNECTIONS_PER_HOST, Math.max(1, reads));
}

/**
 * The early connections of one registry: its TLS handshake, which tells the protocol (or that
 * the server does not speak TLS), and beside it the rest of the first burst's (`openSpares`):
 * an HTTP/1.1 origin's burst takes them, an HTTP/2 origin closes them unused. On a host that
 * may be plain (design rule 14), the burst's plain HTTP connections too, to its plain port (the
 * registry's port, or 80): the reads sent before the handshake decides go out on them
 * (`SchemeProbe`), and those left close once the server is known to speak TLS.
 */
export interface EarlyPlan {
  /** Connections beside the handshake (`openSpares`). */
  readonly spare: number;
  /** TCP connections to the plain-HTTP port (0 where plain HTTP is not allowed). */
  readonly plain: number;
}

export function earlyPlan(
  registry: string,
  options: { readonly sources: readonly RepositoryName[]; readonly targets: readonly RepositoryName[] },
  plainAllowed: boolean,
): EarlyPlan {
  const burst = warmConnections(registry, options);
  return { spare: burst - 1, plain: plainAllowed ? burst : 0 };
}

export interface PreconnectOptions {
  readonly sources: readonly RepositoryName[];
  readonly targets: readonly RepositoryName[];
  readonly insecureRegistries: ReadonlySet<string>;
}

/**
 * The connections of a run opened ahead of its transport (`earlyPlan`): per registry the TLS
 * handshake, the connections beside it and the plain ones. Each is handed out once; what is
 * never taken is closed by `discard`.
 */
export class Preconnections {
  private readonly handshakes = new Map<string, Handshake>();
  private readonly spares = new Map<string, WarmSockets>();
  private readonly plain = new Map<string, WarmSockets>();

  /**
   * Opens them for every registry of the inputs, as `Registries` would, unless HTTPS goes
   * through a proxy (then every connection is the proxy agent's, made when a request needs it).
   */
  static open(
    options: PreconnectOptions,
    env: Readonly<Record<string, string | undefined>>,
    /** Extra TLS options, as `OriginOptions.tls` (tests pass their CA; the tools rely on NODE_EXTRA_CA_CERTS). */
    tlsOptions?: Pick<tls.ConnectionOptions, 'ca'>,
  ): Preconnections {
    const opened = new Preconnections();
    if (proxiesHttps(env)) return opened;
    for (const registry of new Set([...options.targets, ...options.sources].map((r) => r.registry))) {
      const host = apiHost(registry);
      const https = new URL(`https://${host}`);
      opened.handshakes.set(https.origin, startHandshake(https.origin, tlsOptions));
      const plan = earlyPlan(registry, options, plainHttpAllowed(registry, options.insecureRegistries));
      if (plan.spare > 0) opened.spares.set(https.origin, openSpares(https.origin, plan.spare, tlsOptions));
      if (plan.plain > 0) {
        const url = new URL(`http://${host}`);
        opened.plain.set(url.origin, WarmSockets.open(bareHostname(url), Number(url.port || 80), plan.plain));
      }
    }
    return opened;
  }

  /** The handshake started with an HTTPS origin, if any; handed out once. */
  takeHandshake(origin: string): Handshake | undefined {
    return take(this.handshakes, origin);
  }

  /** The connections opened beside an HTTPS origin's handshake, if any; handed out once. */
  takeSpare(origin: string): WarmSockets | undefined {
    return take(this.spares, origin);
  }

  /** The plain-HTTP connections opened to an origin, if any; handed out once. */
  takePlain(origin: string): WarmSockets | undefined {
    return take(this.plain, origin);
  }

  /** Closes whatever no transport took (the run ended before it was built). */
  discard(): void {
    for (const { socket } of this.handshakes.values()) socket.destroy();
    for (const warm of [...this.spares.values(), ...this.plain.values()]) warm.discard();
    this.handshakes.clear();
    this.spares.clear();
    this.plain.clear();
  }
}

function take<T>(map: Map<string, T>, origin: string): T | undefined {
  const key = new URL(origin).origin;
  const value = map.get(key);
  map.delete(key);
  return value;
}
