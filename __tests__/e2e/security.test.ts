/**
 * Leak nothing: credentials never travel to another host (a registry redirecting
 * blob GETs elsewhere), and no secret is ever printed, even with RUNNER_DEBUG=1. The real
 * entry point against REAL Distribution registries (htpasswd and token auth) behind a proxy.
 */
import { runAction, type ActionRun } from '../helpers/action';
import { writeDockerConfig } from '../helpers/dockerConfig';
import { api, type BlobHost, faults, type FaultProxy, startBlobHost, startFaultProxy } from '../helpers/faultProxy';
import { getManifest, pushBuildxImage, pushImage, type PushedImage } from '../helpers/fixtures';
import { type AuthMode, type RunningRegistry, startRegistry } from '../helpers/registry';

const KNOBS = { MERGE_ACTION_RETRY_ATTEMPTS: '3', MERGE_ACTION_RETRY_BASE_MS: '10', MERGE_ACTION_RETRY_MAX_MS: '50' };

describe.each<AuthMode>(['htpasswd', 'token'])('with %s auth', (auth) => {
  let reg: RunningRegistry;
  let proxy: FaultProxy;
  let blobHost: BlobHost;
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    // A password with characters that survive neither URLs nor shells unescaped.
    reg = await startRegistry({ auth, username: 'merge-bot', password: `pw-${auth}-%$&"'<>:/?#` });
    proxy = await startFaultProxy(reg.host);
    blobHost = await startBlobHost();
    // The action reaches the registry at the proxy's address: the credentials are stored for it.
    const config = await writeDockerConfig({
      [proxy.host]: { username: reg.username as string, password: reg.password as string },
    });
    env = { ...KNOBS, DOCKER_CONFIG: config.dir };
    cleanup = config.cleanup;
  });
  afterEach(() => proxy.reset());
  afterAll(async () => {
    await proxy?.close();
    await blobHost?.close();
    await reg?.stop();
    await cleanup?.();
  });

  /** Sources whose blobs must be read (a config for its platform, layers to copy). */
  async function sources(name: string): Promise<{ amd: PushedImage; arm: PushedImage; inputs: Record<string, string> }> {
    const amd = await pushImage(reg, `${name}/amd64`, { platform: 'linux/amd64', tag: 'b' });
    const arm = (await pushBuildxImage(reg, `${name}/arm64`, { platform: 'linux/arm64', tag: 'b' })).image;
    const via = (repo: string) => `${proxy.host}/${name}/${repo}`;
    return { amd, arm, inputs: { sources: `${via('amd64')}:b, ${via('arm64')}:b`, tags: `${via('out')}:1` } };
  }

  /** Every blob GET is answered with a 307 to the blob host; mounts open sessions, so layers are copied. */
  function redirectBlobs(): void {
    proxy.add({ method: 'GET', path: api.blob(), fault: faults.redirect(blobHost) });
    proxy.add({ method: 'POST', path: api.mount(), fault: faults.rewrite({ request: (r) => ({ url: r.path }) }) });
  }

  function secrets(issuedBefore: number): string[] {
    const user = reg.username as string;
    const pass = reg.password as string;
    return [pass, Buffer.from(`${user}:${pass}`).toString('base64'), ...(reg.tokenServer?.issued.slice(issuedBefore) ?? [])];
  }

  it('never sends credentials to the host blob GETs are redirected to', async () => {
    const { amd, arm, inputs } = await sources('redirect');
    redirectBlobs();
    const before = { served: blobHost.requests.length, issued: reg.tokenServer?.issued.length ?? 0 };
    const run = await runAction(inputs, env);
    expect(run.errors).toEqual([]);
    expect((await getManifest(reg, 'redirect/out', '1')).digest).toBe(run.outputs.digest);
    expect(JSON.parse(run.outputs.manifest).manifests.map((m: { digest: string }) => m.digest)).toEqual([amd.digest, arm.digest]);

    // The registry was asked with credentials and redirected; the other host got no credentials.
    const redirected = proxy.seen({ method: 'GET', path: api.blob() }).filter((r) => r.status === 307);
    expect(redirected.length).toBeGreaterThanOrEqual(1 + 2 * 3); // a config for a platform, two images copied
    expect(redirected.every((r) => r.headers.authorization !== undefined)).toBe(true);
    const served = blobHost.requests.slice(before.served);
    expect(served).toHaveLength(redirected.length);
    const secret = secrets(before.issued);
    if (auth === 'token') expect(secret.length).toBeGreaterThan(2);
    for (const r of served) {
      expect(r.headers.authorization).toBeUndefined();
      expect(r.headers.cookie).toBeUndefined();
      const all = JSON.stringify(r);
      for (const s of secret) expect(all).not.toContain(s);
    }
  });

  it('prints no secret with RUNNER_DEBUG=1, in a run that succeeds or one that fails', async () => {
    const issued = reg.tokenServer?.issued.length ?? 0;
    const runs: Array<{ run: ActionRun; tokens: string[] }> = [];
    const debugRun = async (inputs: Record<string, string>) => {
      const from = reg.tokenServer?.issued.length ?? 0;
      const run = await runAction(inputs, { ...env, RUNNER_DEBUG: '1' });
      runs.push({ run, tokens: reg.tokenServer?.issued.slice(from) ?? [] });
      return run;
    };
    const ok = await sources('debug-ok');
    redirectBlobs();
    expect((await debugRun(ok.inputs)).errors).toEqual([]);

    proxy.reset();
    const failing = await sources('debug-fail');
    redirectBlobs();
    proxy.add({ method: 'PUT', path: api.manifest('debug-fail/out', '1'), fault: faults.registryError(500, 'UNKNOWN', 'boom') });
    expect((await debugRun(failing.inputs)).exitCode).toBe(1);

    // Every password form, and every token issued since the test began (the fixtures' too).
    const secret = secrets(issued);
    // Signed URLs of the other host carry their own secret.
    const signatures = blobHost.requests
      .map((r) => new URL(r.url, 'http://x').searchParams.get('X-Amz-Signature'))
      .filter((s): s is string => !!s);
    expect(signatures.length).toBeGreaterThan(0);
    /** What `::add-mask::` carries: the workflow-command escaping of the value. */
    const mask = (s: string) => `::add-mask::${s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`;
    for (const { run, tokens } of runs) {
      const output = `${run.stdout}\n${run.stderr}`;
      expect(output).toContain('::debug::GET'); // debug output was really on
      // The runner consumes `::add-mask::` commands: one for every credential and every token
      // this run was issued…
      if (auth === 'token') expect(tokens.length).toBeGreaterThan(0);
      for (const s of [...secret.slice(0, 2), ...tokens]) expect(run.stdout).toContain(mask(s));
      // …and nothing else may hold a secret.
      const printed = output
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n');
      for (const s of [...secret, ...signatures]) expect(printed).not.toContain(s);
    }
  });
});
