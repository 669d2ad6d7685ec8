import * as net from 'node:net';
import type { buildConnector } from './undici';

/** undici's connect hook: how a pool gets each new connection. */
export type Connect = (options: buildConnector.Options, callback: buildConnector.Callback) => void;

/** A connection being opened: the socket, and when it is ready (connected, or TLS secured). */
export interface Opening {
  readonly socket: net.Socket;
  readonly ready: Promise<net.Socket>;
  /** A TCP connection to an HTTPS origin: TLS is started on it when a request takes it. */
  readonly startTls?: boolean;
}

/**
 * Connections opened before any request asks for them, handed to an undici pool as its next
 * connections (its connect hook); once they are used up, the pool connects as usual. A new
 * connection to a remote host costs a round trip or more (two with TLS): opened ahead, it
 * costs nothing on the requests' path. They are plain TCP connections (`open`), TLS ones whose
 * handshakes started with them (the one that chose the origin's protocol, and those opened
 * beside it for HTTP/1.1), handed over as soon as they are ready, or TCP connections to an
 * HTTPS origin on which TLS starts when a request takes them (`startTls`).
 */
export class WarmSockets {
  private readonly idle: Opening[] = [];
  /** The listeners an idle socket carries, removed when it is handed over. */
  private readonly watchers = new Map<net.Socket, () => void>();
  /** Sockets closed without being handed out: discarded, or failed while idle. */
  private closedUnused = 0;

  /** `count` TCP connections to `host:port`, opened now. */
  static open(host: string, port: number, count: number): WarmSockets {
    return new WarmSockets(Array.from({ length: count }, () => WarmSockets.tcp(host, port)));
  }

  /** One TCP connection to `host:port`, opened now; with `startTls`, TLS starts on it when a request takes it. */
  static tcp(host: string, port: number, startTls = false): Opening {
    return { ...connecting(net.connect({ host, port, noDelay: true })), startTls };
  }

  /** Sockets that are ready already (a handshake that completed). */
  static ready(sockets: readonly net.Socket[]): WarmSockets {
    return new WarmSockets(sockets.map((socket) => ({ socket, ready: Promise.resolve(socket) })));
  }

  constructor(openings: readonly Opening[]) {
    for (const opening of openings) {
      const { socket } = opening;
      // Never an unhandled rejection: a failure is read when the socket is handed out, or never.
      opening.ready.catch(() => undefined);
      // An idle socket that fails or closes is dropped; the pool then makes its connection itself.
      const drop = (): void => this.drop(socket);
      socket.on('error', drop);
      socket.on('close', drop);
      this.watchers.set(socket, drop);
      this.idle.push(opening);
    }
  }

  /** Sockets opened and not handed out yet. */
  get size(): number {
    return this.idle.length;
  }

  /** Sockets never handed out: those closed unused so far, and those still idle (closed with the run). */
  get unused(): number {
    return this.closedUnused + this.idle.length;
  }

  /**
   * A connect hook: a warm socket while one is left, once it is ready (still connecting to a
   * remote host: wait for it rather than open another), else `base`'s new connection. On one
   * that needs TLS, `base` starts it (its round trips to connect were paid before any request
   * needed it). One that fails before it is ready, or whose TLS fails, is replaced by a new
   * connection, which then reports any failure.
   */
  connector(base: Connect): Connect {
    return (options, callback) => {
      const opening = this.take();
      if (!opening) return base(options, callback);
      const { socket } = opening;
      const replace = (): void => {
        socket.destroy();
        this.closedUnused++;
        base(options, callback);
      };
      // Until undici adds its own listeners, an error must not go unheard.
      const unheard = (): void => undefined;
      socket.on('error', unheard);
      opening.ready.then(
        () =>
          // undici's HTTP/1.1 client stalls on a socket given synchronously; it adds its own listeners.
          process.nextTick(() => {
            socket.off('error', unheard);
            if (socket.destroyed) return base(options, callback);
            if (!opening.startTls) return callback(null, socket);
            base({ ...options, httpSocket: socket }, (...outcome) => (outcome[0] === null ? callback(...outcome) : replace()));
          }),
        () => {
          socket.off('error', unheard);
          replace();
        },
      );
    };
  }

  /** Closes the sockets not handed out past the first `keep` (no request will need them); returns how many. */
  trim(keep: number): number {
    const closed = this.idle.splice(Math.max(0, keep));
    this.closedUnused += closed.length;
    for (const { socket } of closed) {
      this.unwatch(socket);
      socket.destroy();
    }
    return closed.length;
  }

  /** Closes the sockets not handed out (the origin needs none of them, or the run ends); returns how many. */
  discard(): number {
    return this.trim(0);
  }

  private take(): Opening | undefined {
    for (let opening = this.idle.shift(); opening; opening = this.idle.shift()) {
      this.unwatch(opening.socket);
      if (!opening.socket.destroyed) return opening;
    }
    return undefined;
  }

  private unwatch(socket: net.Socket): void {
    const watcher = this.watchers.get(socket);
    this.watchers.delete(socket);
    if (!watcher) return;
    socket.off('error', watcher);
    socket.off('close', watcher);
  }

  private drop(socket: net.Socket): void {
    const at = this.idle.findIndex((o) => o.socket === socket);
    if (at >= 0) {
      this.idle.splice(at, 1);
      this.closedUnused++;
    }
    this.unwatch(socket);
    socket.destroy();
  }
}

/** A TCP connection's opening: ready when connected; failed if it errs or closes first. */
function connecting(socket: net.Socket): Opening {
  const ready = new Promise<net.Socket>((resolve, reject) => {
    if (!socket.connecting && socket.readyState === 'open') return resolve(socket);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
    socket.once('close', () => reject(Object.assign(new Error('closed while connecting'), { code: 'ECONNRESET' })));
  });
  return { socket, ready };
}
