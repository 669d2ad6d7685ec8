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
 * flight needs one of its own).
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

  /** Closes the sockets not handed out (the host spoke TLS, or the run ends). */
  discard(): void {
    for (const socket of this.idle.splice(0)) socket.destroy();
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
