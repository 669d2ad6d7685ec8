/**
 * Design rule 17, end to end: a registry that has not answered once in the run and refuses the
 * connection, or whose name does not resolve, fails the run within 10 s with an error that says
 * nothing answers there, in the action and the command line. (A registry that answered earlier
 * and goes away keeps the outage handling: __tests__/e2e/outages.test.ts.) And design rule 14 in
 * the log: after the plain-HTTP fallback, requests are named by the http:// URL actually used.
 */
import { createServer } from 'node:net';
import * as path from 'node:path';
import { runAction } from '../helpers/action';
import { runCli } from '../helpers/cli';
import { api, faults, startFaultProxy } from '../helpers/faultProxy';
import { listTags, pushImage } from '../helpers/fixtures';
import { type RunningRegistry, startRegistry } from '../helpers/registry';

/** A loopback port nothing listens on (taken, then let go). */
async function refusedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

/** Resolves `*.invalid` as an unknown name, without a DNS server (no network but loopback). */
const NO_SUCH_HOST = { NODE_OPTIONS: `--require ${path.join(__dirname, '..', 'helpers', 'noSuchHost.js')}` };

const BOUND_MS = 10_000;

/** A loopback server that answers every connection with an SSH banner: something listens, but not HTTP. */
async function notHttp(): Promise<{ host: string; close: () => Promise<void> }> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.on('data', () => socket.write('SSH-2.0-OpenSSH_9.6\r\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { host: `127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('a wrong address fails within 10 s, saying nothing answers there', () => {
  it.concurrent.each([
    ['a refused port', 'action'],
    ['a refused port', 'command line'],
    ['a name that does not resolve', 'action'],
    ['a name that does not resolve', 'command line'],
    ['a server that does not speak HTTP', 'command line'],
  ] as const)('%s, %s', async (what, front) => {
    const server = what === 'a server that does not speak HTTP' ? await notHttp() : undefined;
    const host = server?.host ?? (what === 'a refused port' ? await refusedPort() : 'registry.nosuch.invalid:5000');
    const kind = {
      'a refused port': 'connection refused',
      'a name that does not resolve': 'no such host name',
      'a server that does not speak HTTP': 'not HTTP',
    }[what];
    const env = what === 'a name that does not resolve' ? NO_SUCH_HOST : {};
    try {
      const started = Date.now();
      let errors: string[];
      if (front === 'action') {
        const run = await runAction({ sources: `${host}/app:amd64`, tags: `${host}/app:1` }, env);
        expect(run.exitCode).toBe(1);
        errors = run.errors;
      } else {
        const run = await runCli(['--source', `${host}/app:amd64`, '--tag', `${host}/app:1`], { env });
        expect(run.exitCode).toBe(1);
        errors = run.stderr.split('\n').filter((l) => l.startsWith('error: '));
      }
      const took = Date.now() - started;
      expect(errors).toEqual([expect.stringContaining(`nothing answers at ${host} (${kind}): check the address`)]);
      expect(errors[0]).not.toMatch(/outage-timeout/);
      expect(took).toBeLessThan(BOUND_MS);
    } finally {
      await server?.close();
    }
  });
});

describe('a target that refuses while the sources answer', () => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry({ auth: 'none' });
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('fails within 10 s too, naming the target host', async () => {
    await pushImage(reg, 'wrong/app', { platform: 'linux/amd64', tag: 'amd64' });
    const target = await refusedPort();
    const started = Date.now();
    const run = await runCli(['--source', `${reg.host}/wrong/app:amd64`, '--tag', `${target}/app:1`]);
    expect(Date.now() - started).toBeLessThan(BOUND_MS);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`nothing answers at ${target} (connection refused): check the address`);
  });

  it('after the plain-HTTP fallback, the log and the errors name the http:// URL used', async () => {
    await pushImage(reg, 'plain/app', { platform: 'linux/amd64', tag: 'amd64' });
    const proxy = await startFaultProxy(reg.host);
    try {
      // One 503 (retried, with a log line), then a redirect loop on the target tag's read.
      proxy.add({ method: 'GET', path: api.manifest('plain/app', 'amd64'), nth: 1, fault: faults.status(503) });
      proxy.add({
        method: ['GET', 'HEAD'],
        path: api.manifest('plain/out', '1'),
        fault: faults.status(307, { headers: { location: '/v2/plain/out/manifests/1' } }),
      });
      const run = await runCli(['--source', `${proxy.host}/plain/app:amd64`, '--tag', `${proxy.host}/plain/out:1`], {
        env: { MERGE_ACTION_RETRY_BASE_MS: '10', MERGE_ACTION_RETRY_MAX_MS: '20' },
      });
      expect(run.stderr).toContain(`GET http://${proxy.host}/v2/plain/app/manifests/amd64 answered 503; retrying in`);
      expect(run.stderr).toMatch(new RegExp(`(GET|HEAD) http://${proxy.host}/v2/plain/out/manifests/1: more than 5 redirects`));
      expect(run.stderr).not.toContain(`https://${proxy.host}`);
      expect(run.exitCode).toBe(1);
      expect(await listTags(reg, 'plain/out')).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});
