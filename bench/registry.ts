/**
 * The registries the benchmark talks to, each behind its own latency proxy: plain ones come
 * from the test helper; the token-auth one is started here because its Bearer realm must point
 * at the token server's proxy (clients reach the token service over the same slow network).
 *
 * Over TLS (`http.tls`, Go's net/http then offers HTTP/2 through ALPN, unless `http.http2.disabled`
 * leaves it HTTP/1.1 only) the measured tools reach
 * a TLS registry, and the fixtures a plain sibling on the same storage (they speak plain HTTP
 * only). Each TLS registry has its own self-signed certificate, the CA the tools are told of.
 * The token service stays on plain HTTP in both modes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { freePort, stopByPid } from '../__tests__/helpers/processes';
import { registryConfig, startRegistry, TOKEN_ISSUER, TOKEN_SERVICE } from '../__tests__/helpers/registry';
import { startTlsRegistry } from '../__tests__/helpers/tlsRegistry';
import { generateSigningCert, startTokenServer } from '../__tests__/helpers/tokenServer';
import { type Latency, type LatencyProxy, startLatencyProxy } from './latencyProxy';

/** A registry as the tools see it (through its proxy) and as fixtures see it (directly). */
export interface BenchRegistry {
  /** Through the latency proxy: what the measured tools are given. */
  readonly host: string;
  /** Straight to the registry: for pushing fixtures fast (plain HTTP, in both modes). */
  readonly directHost: string;
  /** The registry behind the proxy, reached without it (over TLS, the TLS sibling of directHost). */
  readonly servedHost: string;
  readonly username?: string;
  readonly password?: string;
  /** Every proxy in front of this registry's services (registry, then token server). */
  readonly proxies: readonly LatencyProxy[];
  /** Over TLS: the registry's self-signed certificate (its own CA). */
  readonly certPath?: string;
  /** Over TLS: what the registry picks when offered h2 and http/1.1 through ALPN (checked at start). */
  readonly alpn?: string;
  stop(): Promise<void>;
}

/** The protocol a TLS server picks when a client offers h2 and http/1.1 (`none` when it picks none). */
async function alpnChoice(host: string, certPath: string): Promise<string> {
  const ca = await fs.readFile(certPath);
  const [hostname, port] = [host.slice(0, host.lastIndexOf(':')), Number(host.slice(host.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port, ca, ALPNProtocols: ['h2', 'http/1.1'] }, () => {
      resolve(socket.alpnProtocol || 'none');
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

async function waitReady(child: ChildProcess, host: string, logPath: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await stopByPid(child);
  throw new Error(`docker-registry on ${host} did not start:\n${await fs.readFile(logPath, 'utf8').catch(() => '')}`);
}

/**
 * Distribution with a no-auth config (the test helper's), behind a latency proxy; over TLS, a
 * TLS sibling on its storage behind the proxy.
 */
export async function startPlainRegistry(name: string, latency: Latency, tls: boolean, http2 = true): Promise<BenchRegistry> {
  const registry = await startRegistry({ auth: 'none' });
  const served = tls
    ? await startTlsRegistry({ storage: path.join(registry.dataDir, 'storage'), altName: '127.0.0.1', http2 }).catch(
        async (e) => {
          await registry.stop();
          throw e;
        },
      )
    : undefined;
  const proxy = await startLatencyProxy(name, served?.host ?? registry.host, latency);
  return {
    host: proxy.host,
    directHost: registry.host,
    servedHost: served?.host ?? registry.host,
    proxies: [proxy],
    certPath: served?.certPath,
    alpn: served ? await alpnChoice(served.host, served.certPath) : undefined,
    stop: async () => {
      await proxy.close();
      await served?.stop();
      await registry.stop();
    },
  };
}

/**
 * Distribution with token auth: an in-process token server (the test helper's) behind its own
 * latency proxy, and the registry's realm pointing at that proxy. Over TLS, the token-auth
 * registry serves TLS and the fixtures go to a no-auth plain sibling on its storage.
 */
export async function startTokenRegistry(name: string, latency: Latency, tls: boolean, http2 = true): Promise<BenchRegistry> {
  if (tls) return startTlsTokenRegistry(name, latency, http2);
  const username = 'bench';
  const password = randomBytes(12).toString('hex');
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-bench-registry-'));
  const token = await startTokenService(name, dataDir, latency, username, password);
  const directHost = `127.0.0.1:${await freePort()}`;
  const config = registryConfig({ storage: path.join(dataDir, 'storage'), host: directHost, sections: token.auth });
  const configPath = path.join(dataDir, 'config.yml');
  await fs.writeFile(configPath, config);
  const logPath = path.join(dataDir, 'registry.log');
  const log = await fs.open(logPath, 'a');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
  const child = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', log.fd, log.fd], env });
  await log.close();
  const cleanup = async (): Promise<void> => {
    await stopByPid(child);
    await token.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitReady(child, directHost, logPath);
  } catch (e) {
    await cleanup();
    throw e;
  }
  const proxy = await startLatencyProxy(name, directHost, latency);
  return {
    host: proxy.host,
    directHost,
    servedHost: directHost,
    username,
    password,
    proxies: [proxy, token.proxy],
    stop: async () => {
      await proxy.close();
      await cleanup();
    },
  };
}

async function startTlsTokenRegistry(name: string, latency: Latency, http2: boolean): Promise<BenchRegistry> {
  const username = 'bench';
  const password = randomBytes(12).toString('hex');
  const sibling = await startRegistry({ auth: 'none' });
  const stops: Array<() => Promise<void>> = [() => sibling.stop()];
  const stop = async (): Promise<void> => {
    for (const s of stops.splice(0).reverse()) await s();
  };
  try {
    const token = await startTokenService(name, sibling.dataDir, latency, username, password);
    stops.push(() => token.close());
    const served = await startTlsRegistry({
      storage: path.join(sibling.dataDir, 'storage'),
      altName: '127.0.0.1',
      sections: token.auth,
      http2,
    });
    stops.push(() => served.stop());
    const proxy = await startLatencyProxy(name, served.host, latency);
    stops.push(() => proxy.close());
    return {
      host: proxy.host,
      directHost: sibling.host,
      servedHost: served.host,
      username,
      password,
      proxies: [proxy, token.proxy],
      certPath: served.certPath,
      alpn: await alpnChoice(served.host, served.certPath),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * The test helper's token server (signing certificate made in `dir`) behind a latency proxy of
 * its own, plain HTTP in both modes; `auth` is the `auth:` section of a registry that trusts it.
 */
async function startTokenService(
  name: string,
  dir: string,
  latency: Latency,
  username: string,
  password: string,
): Promise<{ auth: string[]; proxy: LatencyProxy; close(): Promise<void> }> {
  const cert = await generateSigningCert(dir);
  const server = await startTokenServer({
    service: TOKEN_SERVICE,
    issuer: TOKEN_ISSUER,
    keyPem: cert.keyPem,
    certPem: cert.certPem,
    username,
    password,
  });
  let proxy: LatencyProxy;
  try {
    proxy = await startLatencyProxy(`${name}-token`, new URL(server.url).host, latency);
  } catch (e) {
    await server.close();
    throw e;
  }
  const q = JSON.stringify;
  return {
    auth: [
      'auth:',
      '  token:',
      `    realm: ${q(`http://${proxy.host}/token`)}`,
      `    service: ${TOKEN_SERVICE}`,
      `    issuer: ${TOKEN_ISSUER}`,
      `    rootcertbundle: ${q(cert.certPath)}`,
    ],
    proxy,
    close: async () => {
      await proxy.close();
      await server.close();
    },
  };
}
