/**
 * A TCP proxy that makes a loopback server look remote: every chunk is delayed by the one-way
 * delay in each direction (so a request/response costs one RTT = 2 × oneWayMs), and the first
 * byte of every new connection by `setupMs` more (TCP + TLS handshakes to a remote registry),
 * counted from when the connection was accepted: a connection opened ahead of its first request
 * has paid its setup by then, as a TCP handshake would have.
 * It counts connections, bytes each way and the HTTP requests in the client→server stream; of a
 * TLS connection, which it cannot look into, it reads the protocols offered in the ClientHello.
 */
import net from 'node:net';
import { RequestStreamParser, type SeenRequest } from './httpRequests';
import { parseClientHello } from './tlsHello';

export interface Latency {
  /** Added to every chunk, each direction. */
  readonly oneWayMs: number;
  /** Before the first client byte of each new connection: it is delivered no earlier than accept + setup + oneWay. */
  readonly setupMs: number;
}

export interface ProxyCounters {
  connections: number;
  /** Client → server bytes. */
  bytesUp: number;
  /** Server → client bytes. */
  bytesDown: number;
  requests: number;
  /** Connections whose bytes were not HTTP/1.x (e.g. a TLS handshake, or a TLS attempt on a plain registry). */
  foreignConnections: number;
  /** Connections that began with a TLS ClientHello. */
  tlsConnections: number;
  /** TLS connections whose ClientHello offered h2 (ALPN): HTTP/2 against Go's net/http. */
  h2Connections: number;
  readonly byMethod: Record<string, number>;
  /** Request lines in arrival order (method, path without the query, which connection carried it, and when it arrived, ms since epoch). */
  readonly log: Array<SeenRequest & { readonly connection: number; readonly at: number }>;
  /**
   * The connections that began with a TLS ClientHello: when it arrived, and when the server ended
   * the connection, if it did (a plain server answers a ClientHello with a 400 and closes).
   */
  readonly hellos: Array<{ readonly connection: number; readonly at: number; serverEndedAt?: number }>;
  /** When each connection was accepted (ms since epoch). */
  readonly connectedAt: number[];
  /** When the first connection was accepted and the last byte delivered to a client still connected (ms since epoch). */
  firstActivity: number | undefined;
  lastActivity: number | undefined;
}

export interface LatencyProxy {
  /** `127.0.0.1:PORT` */
  readonly host: string;
  readonly name: string;
  /** A copy of the counters since the last reset. */
  snapshot(): ProxyCounters;
  reset(): void;
  /** The latency of connections accepted from now on (the processing floor runs at zero). */
  setLatency(latency: Latency): void;
  close(): Promise<void>;
}

function emptyCounters(): ProxyCounters {
  return {
    connections: 0,
    bytesUp: 0,
    bytesDown: 0,
    requests: 0,
    foreignConnections: 0,
    tlsConnections: 0,
    h2Connections: 0,
    byMethod: {},
    log: [],
    hellos: [],
    connectedAt: [],
    firstActivity: undefined,
    lastActivity: undefined,
  };
}

/** Above this many bytes queued in one direction, the sender is paused (bounded proxy memory). */
const HIGH_WATER = 8 * 1024 * 1024;

/**
 * Moves bytes from `from` to `to`, each chunk `delayMs` later than it arrived (order kept), the
 * first one no earlier than `firstExtraMs` after the pipe was made (the connection accepted).
 * Ends `to` once `from` ended and the queue drained.
 */
class DelayedPipe {
  private readonly queue: Array<{ due: number; data: Buffer | null }> = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastDue = 0;
  private first = true;
  private waitingDrain = false;
  private readonly openedAt = Date.now();

  constructor(
    private readonly from: net.Socket,
    private readonly to: net.Socket,
    private readonly delayMs: number,
    private readonly firstExtraMs: number,
    onBytes: (chunk: Buffer) => void,
    private readonly onDelivered: () => void,
  ) {
    from.on('data', (chunk: Buffer) => {
      onBytes(chunk);
      this.enqueue(chunk);
      if (this.queuedBytes > HIGH_WATER) from.pause();
    });
    // A clean end or an abrupt close both end the other side, after the queued bytes.
    from.on('end', () => this.finish());
    from.on('close', () => this.finish());
    to.on('drain', () => {
      this.waitingDrain = false;
      this.flush();
    });
  }

  private ended = false;

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.enqueue(null);
  }

  private enqueue(data: Buffer | null): void {
    const now = Date.now();
    let due = now + this.delayMs;
    if (this.first) {
      due = Math.max(now, this.openedAt + this.firstExtraMs) + this.delayMs;
      this.first = false;
    }
    due = Math.max(due, this.lastDue);
    this.lastDue = due;
    this.queue.push({ due, data });
    if (data) this.queuedBytes += data.length;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.waitingDrain || this.queue.length === 0) return;
    const wait = Math.max(0, this.queue[0].due - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private flush(): void {
    const now = Date.now();
    while (this.queue.length > 0 && this.queue[0].due <= now && !this.waitingDrain) {
      const { data } = this.queue.shift()!;
      if (this.to.destroyed) return;
      if (data === null) {
        this.to.end();
        continue;
      }
      this.queuedBytes -= data.length;
      if (!this.to.write(data)) this.waitingDrain = true;
      this.onDelivered();
    }
    if (this.queuedBytes <= HIGH_WATER / 2 && this.from.isPaused()) this.from.resume();
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }
}

/** Starts a proxy on 127.0.0.1 (free port) in front of `target` (`host:port`). */
export async function startLatencyProxy(name: string, target: string, latency: Latency): Promise<LatencyProxy> {
  const [targetHost, targetPort] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  let counters = emptyCounters();
  let current = latency;
  const sockets = new Set<net.Socket>();

  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    const c = counters;
    const latency = current;
    const connection = ++c.connections;
    c.connectedAt.push(Date.now());
    c.firstActivity ??= Date.now();
    const upstream = net.connect({ host: targetHost, port: targetPort, allowHalfOpen: true, noDelay: true });
    sockets.add(client);
    sockets.add(upstream);
    const parser = new RequestStreamParser((r) => {
      c.requests++;
      c.byMethod[r.method] = (c.byMethod[r.method] ?? 0) + 1;
      c.log.push({ method: r.method, target: r.target.split('?')[0], connection, at: Date.now() });
    });
    // The first bytes of a connection that is not HTTP, until its ClientHello is read.
    let hello: Buffer | undefined = Buffer.alloc(0);
    const up = new DelayedPipe(
      client,
      upstream,
      latency.oneWayMs,
      latency.setupMs,
      (chunk) => {
        c.bytesUp += chunk.length;
        const wasForeign = parser.foreign;
        parser.push(chunk);
        if (!wasForeign && parser.foreign) c.foreignConnections++;
        if (hello === undefined || !parser.foreign) return;
        hello = Buffer.concat([hello, chunk]);
        const seen = parseClientHello(hello);
        if (seen.kind === 'incomplete' && hello.length < 64 * 1024) return;
        if (seen.kind === 'TLS') {
          c.tlsConnections++;
          c.hellos.push({ connection, at: Date.now() });
        }
        if (seen.kind === 'TLS' && seen.alpn.includes('h2')) c.h2Connections++;
        hello = undefined;
      },
      () => undefined,
    );
    // Once the client has hung up, what the server still sends (its TLS close_notify, an HTTP/2
    // GOAWAY: its answer to the hang-up) reaches nobody who waits for it: not on the wire.
    let clientGone = false;
    client.once('end', () => (clientGone = true));
    client.once('close', () => (clientGone = true));
    const down = new DelayedPipe(
      upstream,
      client,
      latency.oneWayMs,
      0,
      (chunk) => (c.bytesDown += chunk.length),
      () => {
        if (!clientGone) c.lastActivity = Date.now();
      },
    );
    let closed = 0;
    const onClose = (): void => {
      if (++closed < 2) return;
      up.stop();
      down.stop();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    // Errors end in 'close', which the pipes forward as an end after the queued bytes.
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    upstream.once('end', () => {
      const hello = c.hellos.find((h) => h.connection === connection);
      if (hello) hello.serverEndedAt ??= Date.now();
    });
    client.on('close', onClose);
    upstream.on('close', onClose);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    name,
    snapshot: () => ({
      ...counters,
      byMethod: { ...counters.byMethod },
      log: [...counters.log],
      hellos: counters.hellos.map((h) => ({ ...h })),
      connectedAt: [...counters.connectedAt],
    }),
    reset: () => {
      counters = emptyCounters();
    },
    setLatency: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
