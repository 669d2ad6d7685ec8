/** WarmSockets against real local HTTP and HTTPS servers, through an undici pool as the action uses it. */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { Pool } from 'undici';
import { startHandshake } from '../src/transport/preconnect';
import { buildConnector } from '../src/transport/undici';
import { WarmSockets } from '../src/transport/warmSockets';
import { selfSignedCert } from './helpers/tokenServer';

interface Server {
  readonly port: number;
  /** Every connection accepted, in order. */
  readonly sockets: Socket[];
  close(): Promise<void>;
}

async function start(delayMs = 20): Promise<Server> {
  const sockets: Socket[] = [];
  const server = http.createServer((req, res) => setTimeout(() => res.end(`${req.url}`), delayMs));
  server.on('connection', (s: Socket) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    sockets,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('condition not reached in 1 s');
};

function poolOn(server: Server, warm: WarmSockets): Pool {
  return new Pool(`http://127.0.0.1:${server.port}`, { connect: warm.connector(buildConnector({ timeout: 2000 })) });
}

async function burst(pool: Pool, n: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => (await pool.request({ path: `/${i}`, method: 'GET' })).body.text()),
  );
}

describe('WarmSockets', () => {
  it('opens its connections before any request, and a pool carries a burst on them alone', async () => {
    const server = await start();
    const warm = WarmSockets.open('127.0.0.1', server.port, 4);
    const pool = poolOn(server, warm);
    try {
      await until(() => server.sockets.length === 4);
      expect(await burst(pool, 4)).toEqual(['/0', '/1', '/2', '/3']);
      expect(server.sockets).toHaveLength(4);
      expect(warm.size).toBe(0);
      // Once they are free again the pool reuses them; past them, it makes its own.
      await new Promise((r) => setTimeout(r, 50));
      await burst(pool, 6);
      expect(server.sockets).toHaveLength(6);
    } finally {
      await pool.destroy();
      await server.close();
    }
  });

  it('keeps the first sockets and closes the rest when trimmed, saying how many it closed', async () => {
    const server = await start();
    const warm = WarmSockets.open('127.0.0.1', server.port, 3);
    try {
      await until(() => server.sockets.length === 3);
      expect(warm.trim(1)).toBe(2);
      expect(warm.size).toBe(1);
      // Never handed out: the two closed, and the one still idle.
      expect(warm.unused).toBe(3);
      expect(warm.discard()).toBe(1);
      expect(warm.unused).toBe(3);
      await until(() => server.sockets.every((s) => s.destroyed));
    } finally {
      await server.close();
    }
  });

  it('closes the sockets not handed out when discarded', async () => {
    const server = await start();
    const warm = WarmSockets.open('127.0.0.1', server.port, 3);
    try {
      await until(() => server.sockets.length === 3);
      warm.discard();
      expect(warm.size).toBe(0);
      await until(() => server.sockets.every((s) => s.destroyed));
    } finally {
      await server.close();
    }
  });

  it('skips a socket the server closed while it waited, and opens a new one instead', async () => {
    const server = await start();
    const warm = WarmSockets.open('127.0.0.1', server.port, 2);
    const pool = poolOn(server, warm);
    try {
      await until(() => server.sockets.length === 2);
      server.sockets[0].destroy();
      await until(() => warm.size === 1);
      expect(await burst(pool, 2)).toEqual(['/0', '/1']);
      expect(server.sockets).toHaveLength(3);
      // The one the server closed never carried a request.
      expect(warm.unused).toBe(1);
    } finally {
      await pool.destroy();
      await server.close();
    }
  });

  it('falls back to a new connection when a warm one never connects', async () => {
    const server = await start();
    // Nothing listens on the warm sockets' port: they fail, and the pool connects to the server itself.
    const closed = await start();
    const deadPort = closed.port;
    await closed.close();
    const warm = WarmSockets.open('127.0.0.1', deadPort, 2);
    const pool = poolOn(server, warm);
    try {
      expect(await burst(pool, 2)).toEqual(['/0', '/1']);
      expect(server.sockets).toHaveLength(2);
    } finally {
      await pool.destroy();
      await server.close();
    }
  });

  it('hands a TLS connection over once its handshake, started with it, is done; one that fails is replaced by a new one', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'warm-tls-'));
    const { certPem, keyPem } = await selfSignedCert(dir, 'server', '/CN=127.0.0.1', '127.0.0.1');
    const secured: string[] = [];
    const server = https.createServer({ cert: certPem, key: keyPem }, (req, res) => res.end(`${req.url}`));
    server.on('secureConnection', (s: TLSSocket) => secured.push(s.alpnProtocol || 'none'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Two trusted, one not: its handshake fails, and the pool's own connection replaces it.
    const opening = (ca?: string) => {
      const { socket, secured: ready } = startHandshake(origin, ca ? { ca } : {}, ['http/1.1']);
      return { socket, ready };
    };
    const warm = new WarmSockets([opening(certPem), opening(certPem), opening()]);
    const pool = new Pool(origin, { connect: warm.connector(buildConnector({ timeout: 2000, ca: certPem })) });
    try {
      await until(() => secured.length === 2);
      expect(secured).toEqual(['http/1.1', 'http/1.1']);
      expect(await burst(pool, 3)).toEqual(['/0', '/1', '/2']);
      expect(secured).toHaveLength(3);
      expect(warm.unused).toBe(1);
    } finally {
      await pool.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
