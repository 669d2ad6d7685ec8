/**
 * CNCF Distribution serving TLS (`http.tls`) with a self-signed certificate, for the TLS suite
 * and the benchmark's TLS mode. Go's net/http offers HTTP/2 through ALPN on it, as real
 * registries do. The certificate is its own CA: trust it with NODE_EXTRA_CA_CERTS=<certPath>.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, stopByPid } from './processes';
import { registryConfig } from './registry';
import { selfSignedCert } from './tokenServer';

export interface TlsRegistry {
  /** `127.0.0.1:PORT` (where it listens). */
  readonly host: string;
  readonly port: number;
  /** The certificate, which is also the CA to trust. */
  readonly certPath: string;
  stop(): Promise<void>;
}

export interface TlsRegistryOptions {
  /** Where blobs and manifests live (shared with a plain registry, say). */
  readonly storage: string;
  /** The name or IPv4 address the certificate is for (`registry.test`, `127.0.0.1`). */
  readonly altName: string;
  /** More top-level config sections (`auth:` …). */
  readonly sections?: readonly string[];
  /** false: HTTP/2 disabled (`http.http2.disabled`), as registries behind an HTTP/1.1-only front end. */
  readonly http2?: boolean;
}

const READY_TIMEOUT_MS = 15_000;

/** The `http.tls` lines of a Distribution config. */
export function tlsConfigLines(certPath: string, keyPath: string): string[] {
  const q = JSON.stringify;
  return ['  tls:', `    certificate: ${q(certPath)}`, `    key: ${q(keyPath)}`];
}

/** Starts Distribution over TLS on a free loopback port; resolves once `GET /v2/` answers over TLS. */
export async function startTlsRegistry(o: TlsRegistryOptions): Promise<TlsRegistry> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-action-tls-'));
  const { certPath, keyPath } = await selfSignedCert(dir, 'registry', `/CN=${o.altName}`, o.altName);
  const port = await freePort();
  const config = registryConfig({
    storage: o.storage,
    host: `127.0.0.1:${port}`,
    http: [...tlsConfigLines(certPath, keyPath), ...(o.http2 === false ? ['  http2:', '    disabled: true'] : [])],
    sections: o.sections,
  });
  await fs.writeFile(path.join(dir, 'config.yml'), config);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
  const log = await fs.open(path.join(dir, 'registry.log'), 'a');
  const child = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', log.fd, log.fd], env });
  await log.close();
  child.unref();
  const stop = async () => {
    await stopByPid(child);
    await fs.rm(dir, { recursive: true, force: true });
  };
  const ca = await fs.readFile(certPath);
  const servername = net.isIP(o.altName) ? undefined : o.altName;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const status = await new Promise<number | undefined>((resolve) => {
      const req = https.get({ host: '127.0.0.1', port, path: '/v2/', servername, ca, timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', () => resolve(undefined));
      req.on('timeout', () => req.destroy());
    });
    if (status === 200 || status === 401) return { host: `127.0.0.1:${port}`, port, certPath, stop };
    if (Date.now() > deadline || child.exitCode !== null) {
      const logText = await fs.readFile(path.join(dir, 'registry.log'), 'utf8').catch(() => '');
      await stop();
      throw new Error(`the TLS registry did not come up on 127.0.0.1:${port} (last status ${status}):\n${logText}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
