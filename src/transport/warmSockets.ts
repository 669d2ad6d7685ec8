import * as net from 'node:net';
import type { buildConnector } from './undici';

/** undici's connect hook: how a pool gets each new connection. */
export type Connect = (options: buildConnector.Options, callback: buildConnector.Callback) => void;

/**
 * Connections opened before any request asks for them, handed to an undici pool as its next
 * connections (its connect hook); once they are used up, the pool connects as usual. A new
 * connection to a remote host costs a round trip or more: opened ahead, it costs nothing on
 * the requests' path. The sockets are a TLS handshake's (the one that chose the origin's
 * protocol) or plain TCP connections opened together (`open`: on HTTP/1.1 each request in
 * flight needs one of its own), used as they are over plain HTTP or with TLS started on them
 * (`upgrader`) once the origin's handshake said HTTP/1.1.
 */
export class WarmSockets {
  private readonly idle: net.Socket[] = [];
  /** The listeners an idle socket carries, removed when it is handed over. */
  private readonly watchers = new Map<net.Socket, () => void>();

  /** `count` TCP connections to `host:port`, opened now. */
  static open(host: string, port: number, count: number): WarmSockets {
    return new WarmSockets(Array.from({ length: count }, () => net.connect({ host, port, noDelay: true })));
  }

  constructor(sockets: readonly net.Socket[]) {
    for (const socket of sockets) {
      // An idle socket that fails or closes is dropped; the pool then makes its connection itself.
      const drop = (): void => this.drop(socket);
      socket.on('error', drop);
      socket.on('close', drop);
      this.watchers.set(socket, drop);
      this.idle.push(socket);
    }
  }

  /** Sockets opened and not handed out yet. */
  get size(): number {
    return this.idle.length;
  }

  /**
   * A connect hook for an HTTPS origin: TLS over a warm TCP connection while one is left (its
   * round trips to connect were paid before any request needed it), else `base`'s new
   * connection. A TLS handshake that fails on a warm socket is tried once more on a new one,
   * which then reports the failure.
   */
  upgrader(base: Connect): Connect {
    return (options, callback) => {
      const socket = this.take();
      if (!socket) return base(options, callback);
      base({ ...options, httpSocket: socket }, (...outcome) => {
        if (outcome[0] === null) return callback(...outcome);
        socket.destroy();
        base(options, callback);
      });
    };
  }

  /** Closes the sockets not handed out past the first `keep` (no request will need them); returns how many. */
  trim(keep: number): number {
    const closed = this.idle.splice(Math.max(0, keep));
    for (const socket of closed) socket.destroy();
    return closed.length;
  }

  /** A connect hook: a warm socket while one is left (and still usable), else `base`'s new connection. */
  connector(base: Connect): Connect {
    return (options, callback) => {
      const socket = this.take();
      if (!socket) return base(options, callback);
      let settled = false;
      const failed = (): void => {
        if (settled) return;
        settled = true;
        socket.destroy();
        base(options, callback);
      };
      socket.on('error', failed);
      const handOver = (): void =>
        // undici's HTTP/1.1 client stalls on a socket given synchronously; it adds its own listeners.
        process.nextTick(() => {
          socket.off('error', failed);
          if (settled) return;
          if (socket.destroyed) return failed();
          settled = true;
          callback(null, socket);
        });
      // Still connecting (a remote host): wait for it rather than open another.
      if (socket.connecting) socket.once('connect', handOver);
      else handOver();
    };
  }

  /** Closes the sockets not handed out (the host spoke TLS, or the run ends); returns how many. */
  discard(): number {
    return this.trim(0);
  }

  private take(): net.Socket | undefined {
    for (let socket = this.idle.shift(); socket; socket = this.idle.shift()) {
      const watcher = this.watchers.get(socket)!;
      this.watchers.delete(socket);
      socket.off('error', watcher);
      socket.off('close', watcher);
      if (socket.connecting || (!socket.destroyed && socket.readyState === 'open')) return socket;
      socket.destroy();
    }
    return undefined;
  }

  private drop(socket: net.Socket): void {
    const at = this.idle.indexOf(socket);
    if (at >= 0) this.idle.splice(at, 1);
    this.watchers.delete(socket);
    socket.destroy();
  }
}
