/**
 * Transport (issue #4, design rule 14): plain HTTP only for loopback and `insecure-registries`,
 * TLS verified. A REAL Distribution registry serves TLS with a self-signed certificate for a
 * made-up name (`registry.test`); the action reaches it by name through HTTPS_PROXY, a CONNECT
 * proxy on loopback that maps any name to the local registry: no DNS, no network but loopback.
 *
 * The TLS registry shares its storage with a plain loopback registry, which the fixtures push
 * to and the checks read from (the fixtures speak plain HTTP only).
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { runAction } from '../helpers/action';
import { type ConnectProxy, startConnectProxy } from '../helpers/connectProxy';
import { getManifest, listTags, pushImage } from '../helpers/fixtures';
import { freePort, stopByPid } from '../helpers/processes';
import { registryConfig, type RunningRegistry, startRegistry } from '../helpers/registry';
import { selfSignedCert } from '../helpers/tokenServer';

const NAME = 'registry.test';

interface TlsRegistry {
  readonly port: number;
  readonly certPath: string;
  stop(): Promise<void>;
}

/** Distribution over TLS (`http.tls`) with a self-signed certificate for `registry.test`, on `storage`. */
async function startTlsRegistry(storage: string): Promise<TlsRegistry> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-action-tls-'));
  const { certPath, keyPath } = await selfSignedCert(dir, 'registry', `/CN=${NAME}`, NAME);
  const port = await freePort();
  const q = JSON.stringify;
  const config = registryConfig({
    storage,
    host: `127.0.0.1:${port}`,
    http: ['  tls:', `    certificate: ${q(certPath)}`, `    key: ${q(keyPath)}`],
  });
  await fs.writeFile(path.join(dir, 'config.yml'), config);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
  const child = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore', env });
  child.unref();
  const stop = async () => {
    await stopByPid(child);
    await fs.rm(dir, { recursive: true, force: true });
  };
  const ca = await fs.readFile(certPath);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const status = await new Promise<number | undefined>((resolve) => {
      const req = https.get({ host: '127.0.0.1', port, path: '/v2/', servername: NAME, ca, timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', () => resolve(undefined));
      req.on('timeout', () => req.destroy());
    });
    if (status === 200) return { port, certPath, stop };
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`the TLS registry did not come up on 127.0.0.1:${port} (last status ${status})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

let reg: RunningRegistry;
let tls: TlsRegistry;
let proxy: ConnectProxy;
/** Both proxy variables set and NO_PROXY empty: only the action's own rule keeps loopback direct. */
let proxyEnv: Record<string, string>;

beforeAll(async () => {
  reg = await startRegistry({ auth: 'none' });
  tls = await startTlsRegistry(path.join(reg.dataDir, 'storage'));
  proxy = await startConnectProxy((host, port) => {
    if (host === NAME && port === 443) return `127.0.0.1:${tls.port}`;
    if (host === 'plain.test' && port === 5000) return reg.host;
    return undefined;
  });
  proxyEnv = { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: '' };
});
afterAll(async () => {
  await proxy?.close();
  await tls?.stop();
  await reg?.stop();
});
beforeEach(() => {
  proxy.tunnels.splice(0);
  proxy.plainRequests.splice(0);
});

const toLoopback = () =>
  [...proxy.tunnels.map((t) => t.host), ...proxy.plainRequests.map((r) => new URL(r.url).hostname)].filter(
    (h) => h === '127.0.0.1',
  );

describe('TLS', () => {
  it('fails with a clear message when the certificate is not trusted, and writes nothing', async () => {
    await pushImage(reg, 'tls/src', { platform: 'linux/amd64', tag: 'a' });
    // NODE_EXTRA_CA_CERTS as the environment has it (the system bundle, or nothing): not our CA.
    const run = await runAction({ sources: `${reg.host}/tls/src:a`, tags: `${NAME}/tls/untrusted:1` }, proxyEnv);
    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(`the TLS certificate of ${NAME} is not trusted`);
    expect(run.errors[0]).toMatch(/self[- ]signed certificate/);
    expect(run.errors[0]).toContain('NODE_EXTRA_CA_CERTS');
    // It was reached by name, through the proxy, over TLS; the loopback source went direct.
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(proxy.tunnels.every((t) => t.host === NAME && t.port === 443 && t.tls === true)).toBe(true);
    expect(toLoopback()).toEqual([]);
    expect(await listTags(reg, 'tls/untrusted')).toEqual([]);
  });

  it('succeeds with NODE_EXTRA_CA_CERTS pointing at the certificate', async () => {
    const src = await pushImage(reg, 'tls/src2', { platform: 'linux/arm64', tag: 'a' });
    const run = await runAction(
      { sources: `${reg.host}/tls/src2:a`, tags: `${NAME}/tls/trusted:1` },
      { ...proxyEnv, NODE_EXTRA_CA_CERTS: tls.certPath },
    );
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.outputs.manifest).manifests.map((m: { digest: string }) => m.digest)).toEqual([src.digest]);
    // Written through the TLS registry; read back from the plain one on the same storage.
    expect((await getManifest(reg, 'tls/trusted', '1')).digest).toBe(run.outputs.digest);
    expect((await getManifest(reg, 'tls/trusted', src.digest)).status).toBe(200);
    expect(proxy.tunnels.every((t) => t.host === NAME && t.tls === true)).toBe(true);
    expect(proxy.plainRequests).toEqual([]);
    expect(toLoopback()).toEqual([]);
  });
});

describe('plain HTTP', () => {
  it('is used for a registry listed in insecure-registries', async () => {
    const src = await pushImage(reg, 'plain/src', { platform: 'linux/amd64', tag: 'a' });
    const run = await runAction(
      { sources: `${reg.host}/plain/src:a`, tags: 'plain.test:5000/plain/out:1', 'insecure-registries': 'plain.test:5000' },
      proxyEnv,
    );
    expect(run.errors).toEqual([]);
    expect((await getManifest(reg, 'plain/out', '1')).digest).toBe(run.outputs.digest);
    expect((await getManifest(reg, 'plain/out', src.digest)).status).toBe(200);
    expect(proxy.tunnels).toEqual([]);
    expect(proxy.plainRequests.length).toBeGreaterThan(0);
    expect(proxy.plainRequests.every((r) => r.url.startsWith('http://plain.test:5000/v2/'))).toBe(true);
    expect(
      proxy.plainRequests.some((r) => r.method === 'PUT' && r.url === 'http://plain.test:5000/v2/plain/out/manifests/1'),
    ).toBe(true);
  });

  it('is not used for a registry that is not listed: https is, and a plain server is reported as such', async () => {
    await pushImage(reg, 'plain/src2', { platform: 'linux/amd64', tag: 'a' });
    const run = await runAction({ sources: `${reg.host}/plain/src2:a`, tags: 'plain.test:5000/plain/refused:1' }, proxyEnv);
    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/plain\.test:5000 did not answer TLS .*list it in insecure-registries/);
    expect(proxy.plainRequests).toEqual([]);
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(proxy.tunnels.every((t) => t.host === 'plain.test' && t.port === 5000 && t.tls === true)).toBe(true);
    expect(await listTags(reg, 'plain/refused')).toEqual([]);
  });
});
