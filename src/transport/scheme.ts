import type { Dispatcher } from 'undici';
import {
  describeTransportError,
  type HttpRequest,
  type HttpResponse,
  isCertificateCode,
  isCredentialHeader,
  type Send,
  TransportError,
} from './http';
import { forwarding } from './handlers';
import { EARLY_CONNECTIONS_PER_HOST } from './preconnect';
import { counted } from '../util/words';

/**
 * HTTPS first, plain HTTP only when the server does not speak TLS, for the
 * hosts design rule 14 allows plain HTTP on: loopback and `insecure-registries`. Docker does
 * the same. Other hosts are never touched here: they are HTTPS, full stop.
 *
 * Decided once per host per run, by the first TLS handshake with the host: the dispatcher's
 * early one (`handshakeFailure`, opened while the run gets ready) when there is one, else the
 * first request's, which the requests sent meanwhile wait for. Its outcome is known when the
 * handshake completes (the request reaches an open connection) or fails, not when an answer
 * arrives: TLS registries pay nothing for the probe, plain ones one failed connection attempt.
 *
 * While the early handshake runs, the first reads (`sentAhead`) also leave over plain HTTP, on
 * the plain connections opened beside it: a plain server's answers are then there when the
 * handshake fails, instead of a round trip later. Which answer is used still depends only on the
 * handshake's outcome; a TLS server's answers to them (a 400, or a closed connection) are set
 * aside unread.
 */
export class SchemeProbe {
  private readonly decided = new Map<string, 'https:' | 'http:'>();
  private readonly probes = new Map<string, { readonly settled: Promise<void>; readonly release: () => void }>();
  /** Per host, the reading of the dispatcher's early handshake (a failure that says nothing leaves it to a request). */
  private readonly early = new Map<string, Promise<void>>();
  /** Per host, the reads sent over plain HTTP before the decision, and of those, how many were set aside. */
  private readonly ahead = new Map<string, { sent: number; setAside: number }>();

  constructor(
    /** Whether `host` (`127.0.0.1:5000`, `reg.internal` …) may be reached over plain HTTP at all. */
    private readonly plainAllowed: (host: string) => boolean,
    private readonly options: {
      readonly log?: (message: string) => void;
      /** The outcome of the dispatcher's own handshake with an HTTPS origin (undefined: it succeeded). */
      readonly handshakeFailure?: (origin: string) => Promise<unknown>;
      /** Hosts whose plain connections were opened with their early handshake: reads may go ahead on them. */
      readonly aheadHosts?: ReadonlySet<string>;
    } = {},
  ) {}

  /** The scheme decided for a host; undefined while unknown (or for hosts that are HTTPS anyway). */
  schemeOf(host: string): 'https:' | 'http:' | undefined {
    return this.decided.get(host);
  }

  /**
   * The dispatcher, telling the probe when a request to a probed host starts on an open
   * connection: for an https origin that means the TLS handshake succeeded.
   */
  observe(dispatcher: Dispatcher): Dispatcher {
    return dispatcher.compose((dispatch) => (opts, handler) => {
      const origin = new URL(String(opts.origin));
      if (origin.protocol !== 'https:' || !this.probes.has(origin.host)) return dispatch(opts, handler);
      return dispatch(opts, {
        ...forwarding(handler),
        onRequestStart: (controller, context) => {
          this.decide(origin.host, 'https:');
          handler.onRequestStart?.(controller, context);
        },
      });
    });
  }

  /** The transport layer: sends https requests of the hosts concerned by the scheme decided. */
  layer(next: Send): Send {
    return async (req) => {
      const host = req.url.host;
      if (req.url.protocol !== 'https:' || !this.plainAllowed(host)) return next(req);
      let ahead = this.sendAhead(host, req, next);
      for (;;) {
        const scheme = this.decided.get(host);
        if (scheme === 'https:') {
          if (ahead) this.setAside(host, ahead);
          return next(req);
        }
        if (scheme === 'http:') return (ahead && (await ahead)) ?? next(plain(req));
        if (this.options.handshakeFailure) {
          let early = this.early.get(host);
          if (early === undefined) {
            early = this.fromHandshake(req.url);
            this.early.set(host, early);
          }
          await early;
          if (this.decided.has(host)) continue;
        }
        // The handshake said nothing (refused, timed out): requests probe, as without one.
        if (ahead) this.setAside(host, ahead);
        ahead = undefined;
        const probe = this.probes.get(host);
        if (probe === undefined) return this.probe(host, req, next);
        await probe.settled;
      }
    };
  }

  /**
   * Sends a read over plain HTTP now, while the early handshake decides the scheme, when nothing
   * in it may not go over plain HTTP (no credentials, no body) and the host's early plain
   * connections can carry it. Its answer, or undefined if it failed.
   */
  private sendAhead(host: string, req: HttpRequest, next: Send): Promise<HttpResponse | undefined> | undefined {
    if (this.decided.has(host) || !this.options.handshakeFailure || !this.options.aheadHosts?.has(host)) return undefined;
    if (!sentAhead(req)) return undefined;
    let counts = this.ahead.get(host);
    if (counts === undefined) {
      counts = { sent: 0, setAside: 0 };
      this.ahead.set(host, counts);
    }
    if (counts.sent >= EARLY_CONNECTIONS_PER_HOST) return undefined;
    counts.sent++;
    return next(plain(req)).catch(() => undefined);
  }

  /** The server speaks TLS (or said nothing): an answer over plain HTTP is not the server's answer to this read. */
  private setAside(host: string, ahead: Promise<HttpResponse | undefined>): void {
    void ahead.then((res) => res?.body.dump().catch(() => undefined));
    const counts = this.ahead.get(host)!;
    if (++counts.setAside === counts.sent && this.decided.get(host) === 'https:') {
      this.options.log?.(`${host} speaks TLS: ${counted(counts.sent, 'read')} sent ahead over plain HTTP set aside`);
    }
  }

  /**
   * Decides from the dispatcher's early handshake, when it says something (it is shared: every
   * request to the host awaits the same one). Otherwise the next request probes.
   */
  private async fromHandshake(url: URL): Promise<void> {
    const failure = await this.options.handshakeFailure!(url.origin);
    if (failure === undefined) return this.decide(url.host, 'https:');
    const verdict = tlsVerdict(describeTransportError(failure, url));
    if (verdict === 'TLS') this.decide(url.host, 'https:');
    if (verdict === 'not TLS') {
      this.decide(url.host, 'http:');
      this.said(url.host, (failure as { code?: string }).code);
    }
  }

  private said(host: string, code: string | undefined): void {
    this.options.log?.(`${host} does not speak TLS (${code}): plain HTTP from now on`);
  }

  private async probe(host: string, req: HttpRequest, next: Send): Promise<HttpResponse> {
    let release = (): void => undefined;
    const settled = new Promise<void>((resolve) => (release = resolve));
    this.probes.set(host, { settled, release });
    try {
      const res = await next(req);
      this.decide(host, 'https:');
      return res;
    } catch (err) {
      const verdict = this.decided.has(host) ? undefined : tlsVerdict(err);
      if (verdict === 'not TLS') {
        this.decide(host, 'http:');
        this.said(host, (err as TransportError).code);
        return await next(plain(req));
      }
      // A certificate problem is TLS spoken: no fallback, the error says what to do.
      if (verdict === 'TLS') this.decide(host, 'https:');
      throw err;
    } finally {
      // Undecided (refused, timed out): the next request probes again.
      this.probes.delete(host);
      release();
    }
  }

  private decide(host: string, scheme: 'https:' | 'http:'): void {
    if (this.decided.has(host)) return;
    this.decided.set(host, scheme);
    this.probes.get(host)?.release();
  }
}

/**
 * What a failed first request over HTTPS says about the server: a handshake answered with
 * something that is not TLS (a plain server's `400` to a ClientHello reads as "wrong version
 * number"), the connection dropped before the handshake completed, or a proxy refusing to
 * tunnel to it, means "not TLS"; a certificate error means TLS is spoken. Anything else says
 * nothing.
 */
export function tlsVerdict(err: unknown): 'not TLS' | 'TLS' | undefined {
  if (!(err instanceof TransportError) || err.code === undefined) return undefined;
  if (NOT_TLS_CODES.has(err.code) || /wrong version number|packet length too long/i.test(err.message)) return 'not TLS';
  // An HTTP proxy that will not tunnel to the host: there is no TLS route, only its plain one.
  if (err.code === 'UND_ERR_ABORTED' && /when HTTP Tunneling/i.test(err.message)) return 'not TLS';
  if (isCertificateCode(err.code)) return 'TLS';
  return undefined;
}

/**
 * Handshake failures of a server that does not speak TLS. A reset counts only because the probe
 * never started on an open connection (else the host is already decided as TLS).
 */
const NOT_TLS_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'EPROTO',
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
]);

/**
 * What may leave over plain HTTP before the server is known not to speak TLS: a read without
 * credentials or a body (design rule 14: no credentials over plain HTTP to a TLS server).
 */
export function sentAhead(req: HttpRequest): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (req.body !== undefined) return false;
  return !Object.keys(req.headers ?? {}).some(isCredentialHeader);
}

function plain(req: HttpRequest): HttpRequest {
  const url = new URL(req.url);
  url.protocol = 'http:';
  return { ...req, url };
}
