/**
 * Transport (design rule 14): plain HTTP only for loopback and `insecure-registries`,
 * TLS verified. A REAL Distribution registry serves TLS with a self-signed certificate for a
 * made-up name (`registry.test`); the action reaches it by name through HTTPS_PROXY, a CONNECT
 * proxy on loopback that maps any name to the local registry: no DNS, no network but loopback.
 *
 * Loopback registries and listed ones are tried over HTTPS first and fall back to plain HTTP
 * only when the server does not speak TLS: a TLS registry on 127.0.0.1 is used over
 * TLS with no setting at all.
 *
 * The TLS registries share their storage with a plain loopback registry, which the fixtures push
 * to and the checks read from (the fixtures speak plain HTTP only).
 */
import path from 'node:path';
import { runAction } from '../helpers/action';
import { type ConnectProxy, startConnectProxy } from '../helpers/connectProxy';
import { getManifest, listTags, pushImage } from '../helpers/fixtures';
import { type RunningRegistry, startRegistry } from '../helpers/registry';
import { startTlsRegistry, type TlsRegistry } from '../helpers/tlsRegistry';

const NAME = 'registry.test';

let reg: RunningRegistry;
let tls: TlsRegistry;
/** The same storage over TLS on 127.0.0.1, with a certificate for that address. */
let loopbackTls: TlsRegistry;
let proxy: ConnectProxy;
/** Both proxy variables set and NO_PROXY empty: only the action's own rule keeps loopback direct. */
let proxyEnv: Record<string, string>;

beforeAll(async () => {
  reg = await startRegistry({ auth: 'none' });
  tls = await startTlsRegistry({ storage: path.join(reg.dataDir, 'storage'), altName: NAME });
  loopbackTls = await startTlsRegistry({ storage: path.join(reg.dataDir, 'storage'), altName: '127.0.0.1' });
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
  await loopbackTls?.stop();
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
    // HTTPS first (one TLS attempt, answered in plain HTTP), then plain HTTP for the rest of the run.
    expect(proxy.tunnels).toEqual([{ host: 'plain.test', port: 5000, tls: true, to: reg.host }]);
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

describe('a loopback registry', () => {
  /** `METHOD URL` of every request the action sent, from its debug log. */
  const requestsOf = (stdout: string) =>
    [...stdout.matchAll(/^::debug::(GET|HEAD|PUT|POST|PATCH) (\S+) → /gm)].map((m) => `${m[1]} ${m[2]}`);

  it('is reached over TLS when it speaks TLS, with no insecure-registries setting', async () => {
    const a = await pushImage(reg, 'loop/src', { platform: 'linux/amd64', tag: 'a' });
    const b = await pushImage(reg, 'loop/src', { platform: 'linux/arm64', tag: 'b' });
    const run = await runAction(
      // One source on the TLS registry, one on the plain one: both decided in the same run.
      { sources: `${loopbackTls.host}/loop/src:a\n${reg.host}/loop/src:b`, tags: `${loopbackTls.host}/loop/out:1` },
      { NODE_EXTRA_CA_CERTS: loopbackTls.certPath, RUNNER_DEBUG: '1' },
    );
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.outputs.manifest).manifests.map((m: { digest: string }) => m.digest)).toEqual([a.digest, b.digest]);
    expect((await getManifest(reg, 'loop/out', '1')).digest).toBe(run.outputs.digest);
    const sent = requestsOf(run.stdout);
    const toTls = sent.filter((r) => r.includes(`//${loopbackTls.host}/`));
    const toPlain = sent.filter((r) => r.includes(`//${reg.host}/`));
    expect(toTls).toContain(`PUT https://${loopbackTls.host}/v2/loop/out/manifests/1`);
    // Over plain HTTP only the first reads, sent ahead while its handshake decided (design rule
    // 14) and set aside once it spoke TLS: each of them went again over HTTPS.
    const ahead = toTls.filter((r) => r.includes(' http://'));
    expect(ahead.length).toBeGreaterThan(0);
    for (const r of ahead) {
      expect(r).toMatch(/^(GET|HEAD) /);
      expect(toTls).toContain(r.replace(' http://', ' https://'));
    }
    expect(run.stdout).toContain(
      `::debug::${loopbackTls.host} speaks TLS: ${ahead.length} reads sent ahead over plain HTTP set aside`,
    );
    // The plain one: its early TLS handshake failed (the probe, no request), then plain HTTP only.
    expect(toPlain.filter((r) => r.includes(' https://'))).toEqual([]);
    expect(toPlain.filter((r) => r.includes(' http://')).length).toBeGreaterThan(0);
    expect(run.stdout).toContain(`::debug::${reg.host} does not speak TLS`);
  });

  it('that speaks TLS with an untrusted certificate fails with the helpful message: no fallback to plain HTTP', async () => {
    await pushImage(reg, 'loop/src2', { platform: 'linux/amd64', tag: 'a' });
    const run = await runAction(
      { sources: `${loopbackTls.host}/loop/src2:a`, tags: `${loopbackTls.host}/loop/untrusted:1` },
      { RUNNER_DEBUG: '1' },
    );
    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(`the TLS certificate of ${loopbackTls.host} is not trusted`);
    expect(run.errors[0]).toContain('NODE_EXTRA_CA_CERTS');
    // No fallback: the handshake's certificate error says TLS is spoken, so the reads sent ahead
    // over plain HTTP were set aside, their answers unused; nothing else went plain.
    const plain = requestsOf(run.stdout).filter((r) => r.includes(' http://'));
    expect(plain.every((r) => /^(GET|HEAD) /.test(r))).toBe(true);
    expect(run.stdout).toContain(
      `::debug::${loopbackTls.host} speaks TLS: ${plain.length} reads sent ahead over plain HTTP set aside`,
    );
    expect(await listTags(reg, 'loop/untrusted')).toEqual([]);
  });
});
