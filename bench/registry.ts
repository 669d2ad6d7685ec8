/**
 * The registries the benchmark talks to, each behind its own latency proxy: plain ones come
 * from the test helper; the token-auth one is started here because its Bearer realm must point
 * at the token server's proxy (clients reach the token service over the same slow network).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, stopByPid } from '../__tests__/helpers/processes';
import { registryConfig, startRegistry, TOKEN_ISSUER, TOKEN_SERVICE } from '../__tests__/helpers/registry';
import { generateSigningCert, startTokenServer } from '../__tests__/helpers/tokenServer';
import { type Latency, type LatencyProxy, startLatencyProxy } from './latencyProxy';

/** A registry as the tools see it (through its proxy) and as fixtures see it (directly). */
export interface BenchRegistry {
  /** Through the latency proxy: what the measured tools are given. */
  readonly host: string;
  /** Straight to the registry: for pushing fixtures fast. */
  readonly directHost: string;
  readonly username?: string;
  readonly password?: string;
  /** Every proxy in front of this registry's services (registry, then token server). */
  readonly proxies: readonly LatencyProxy[];
  stop(): Promise<void>;
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

/** Distribution with a no-auth config (the test helper's), behind a latency proxy. */
export async function startPlainRegistry(name: string, latency: Latency): Promise<BenchRegistry> {
  const registry = await startRegistry({ auth: 'none' });
  const proxy = await startLatencyProxy(name, registry.host, latency);
  return {
    host: proxy.host,
    directHost: registry.host,
    proxies: [proxy],
    stop: async () => {
      await proxy.close();
      await registry.stop();
    },
  };
}

/**
 * Distribution with token auth: an in-process token server (the test helper's) behind its own
 * latency proxy, and the registry's realm pointing at that proxy.
 */
export async function startTokenRegistry(name: string, latency: Latency): Promise<BenchRegistry> {
  const username = 'bench';
  const password = randomBytes(12).toString('hex');
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-bench-registry-'));
  const cert = await generateSigningCert(dataDir);
  const tokenServer = await startTokenServer({
    service: TOKEN_SERVICE,
    issuer: TOKEN_ISSUER,
    keyPem: cert.keyPem,
    certPem: cert.certPem,
    username,
    password,
  });
  const tokenProxy = await startLatencyProxy(`${name}-token`, new URL(tokenServer.url).host, latency);
  const directHost = `127.0.0.1:${await freePort()}`;
  const q = JSON.stringify;
  const config = registryConfig({
    storage: path.join(dataDir, 'storage'),
    host: directHost,
    sections: [
      'auth:',
      '  token:',
      `    realm: ${q(`http://${tokenProxy.host}/token`)}`,
      `    service: ${TOKEN_SERVICE}`,
      `    issuer: ${TOKEN_ISSUER}`,
      `    rootcertbundle: ${q(cert.certPath)}`,
    ],
  });
  const configPath = path.join(dataDir, 'config.yml');
  await fs.writeFile(configPath, config);
  const logPath = path.join(dataDir, 'registry.log');
  const log = await fs.open(logPath, 'a');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
  const child = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', log.fd, log.fd], env });
  await log.close();
  const cleanup = async (): Promise<void> => {
    await stopByPid(child);
    await tokenProxy.close();
    await tokenServer.close();
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
    username,
    password,
    proxies: [proxy, tokenProxy],
    stop: async () => {
      await proxy.close();
      await cleanup();
    },
  };
}
