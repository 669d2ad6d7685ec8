/**
 * A flaky registry: the real entry point against a REAL Distribution registry, with
 * a fault-injecting proxy in between. Retries, timeouts, resumed and restarted transfers must
 * end in a correct, complete index; a fault that cannot be survived must leave every tag as it
 * was, and nothing the registry sends is trusted without checking its digest.
 */
import { runAction, type ActionRun } from '../helpers/action';
import { api, faults, type FaultProxy, type Rule, startBlobHost, startFaultProxy } from '../helpers/faultProxy';
import {
  getManifest,
  listTags,
  MediaTypes,
  type PushedImage,
  type PushedManifest,
  pushBuildxImage,
  pushImage,
  pushIndex,
  registryFetch,
  sha256Digest,
} from '../helpers/fixtures';
import { type RunningRegistry, startRegistry } from '../helpers/registry';

/** Test-only knobs of the action (src/registry/registries.ts): short backoffs and timeouts. */
const ATTEMPTS = 4;
const KNOBS = {
  MERGE_ACTION_RETRY_ATTEMPTS: String(ATTEMPTS),
  MERGE_ACTION_RETRY_BASE_MS: '10',
  MERGE_ACTION_RETRY_MAX_MS: '100',
  MERGE_ACTION_RETRY_AFTER_MAX_MS: '5000',
  MERGE_ACTION_TIMEOUT_MS: '1500',
};

// One registry for the file; every test has its own proxy, so tests run concurrently. Started
// outside beforeAll: concurrent tests may start before hooks run.
let reg: RunningRegistry;
const ready = startRegistry({ auth: 'none' }).then((r) => (reg = r));
afterAll(async () => {
  await (await ready).stop();
});

interface Scenario {
  readonly name: string;
  /** This test's own proxy in front of the registry. */
  readonly proxy: FaultProxy;
  /** A plain image (its platform comes from its config blob) and a buildx index (unwrapped). */
  readonly amd: PushedImage;
  readonly arm: { index: PushedManifest; image: PushedImage; attestation: PushedManifest };
  /** The index the target tag held before the run. */
  readonly old: PushedManifest;
  readonly inputs: Record<string, string>;
}

/**
 * Runs `test` with sources in their own repositories, a target tag already holding an older
 * index, and a proxy of its own (closed afterwards).
 */
async function withScenario(name: string, test: (s: Scenario) => Promise<void>): Promise<void> {
  await ready;
  const proxy = await startFaultProxy(reg.host);
  try {
    await test(await scenario(name, proxy));
  } finally {
    await proxy.close();
  }
}

async function scenario(name: string, proxy: FaultProxy, layers = 2): Promise<Scenario> {
  const amd = await pushImage(reg, `${name}/amd64`, { platform: 'linux/amd64', tag: 'b', layers, layerSize: 64 * 1024 });
  const arm = await pushBuildxImage(reg, `${name}/arm64`, { platform: 'linux/arm64', tag: 'b', layers });
  const older = await pushImage(reg, `${name}/out`, { platform: 'linux/amd64' });
  const old = await pushIndex(reg, `${name}/out`, '1', [{ manifest: older, platform: older.platform }]);
  const via = (repo: string) => `${proxy.host}/${name}/${repo}`;
  return { name, proxy, amd, arm, old, inputs: { sources: `${via('amd64')}:b\n${via('arm64')}:b`, tags: `${via('out')}:1` } };
}

function merge(s: Scenario, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction(s.inputs, { ...KNOBS, ...env });
}

/** On a failed expectation, shows what the action printed and what the proxy saw. */
async function explained(s: Scenario, run: ActionRun, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (err) {
    const seen = s.proxy.requests.map(
      (r) => `${r.seq} ${r.method} ${r.url} → ${r.status ?? 'no answer'}${r.fault ? ` [${r.fault}]` : ''}`,
    );
    console.log(`${s.name}: exit ${run.exitCode}\n${run.stdout}\n${run.stderr}\nproxy saw:\n${seen.join('\n')}`);
    throw err;
  }
}

/** The run succeeded and the target holds the complete, correct result. */
function expectComplete(s: Scenario, run: ActionRun): Promise<void> {
  return explained(s, run, () => complete(s, run));
}

async function complete(s: Scenario, run: ActionRun): Promise<void> {
  expect(run.errors).toEqual([]);
  expect(run.exitCode).toBe(0);
  const index = JSON.parse(run.outputs.manifest);
  expect(index).toEqual({
    schemaVersion: 2,
    mediaType: MediaTypes.ociIndex,
    manifests: [
      {
        mediaType: MediaTypes.ociManifest,
        digest: s.amd.digest,
        size: s.amd.size,
        platform: { architecture: 'amd64', os: 'linux' },
      },
      {
        mediaType: MediaTypes.ociManifest,
        digest: s.arm.image.digest,
        size: s.arm.image.size,
        platform: { architecture: 'arm64', os: 'linux' },
      },
    ],
  });
  expect(run.outputs.digest).toBe(sha256Digest(run.outputs.manifest));
  const out = `${s.name}/out`;
  const tagged = await getManifest(reg, out, '1');
  expect(tagged.digest).toBe(run.outputs.digest);
  expect(tagged.bytes?.toString()).toBe(run.outputs.manifest);
  for (const image of [s.amd, s.arm.image]) {
    const child = await getManifest(reg, out, image.digest);
    expect(child.bytes?.equals(image.bytes)).toBe(true);
    for (const blob of [image.config, ...image.layers]) {
      // The registry verified the digest on upload; the bytes read back must hash to it too.
      const res = await registryFetch(reg, `/v2/${out}/blobs/${blob.digest}`);
      expect(res.status).toBe(200);
      expect(sha256Digest(Buffer.from(await res.arrayBuffer()))).toBe(blob.digest);
    }
  }
}

/** The step failed with one error, and the target tag still holds the older index. */
function expectUntouched(s: Scenario, run: ActionRun): Promise<void> {
  return explained(s, run, () => untouched(s, run));
}

async function untouched(s: Scenario, run: ActionRun): Promise<void> {
  expect(run.exitCode).toBe(1);
  expect(run.errors).toHaveLength(1);
  expect(run.outputs).toEqual({});
  const tagged = await getManifest(reg, `${s.name}/out`, '1');
  expect(tagged.digest).toBe(s.old.digest);
  expect(await listTags(reg, `${s.name}/out`)).toEqual(['1']);
}

/** Mounts answered 202 (a session) instead of 201, as ECR does: the blobs are then copied through GETs. */
function ignoreMounts(proxy: FaultProxy): Rule {
  return proxy.add({ method: 'POST', path: api.mount(), fault: faults.rewrite({ request: (r) => ({ url: r.path }) }) });
}

/** When the requests for a path arrived, in order. */
const times = (proxy: FaultProxy, path: RegExp, method = 'GET') => proxy.seen({ method, path }).map((r) => r.at);

describe('retries', () => {
  it.concurrent('survives 503, 500, 502 and 429 (Retry-After in seconds) on every kind of request', () =>
    withScenario('flaky', async (s) => {
      const { proxy } = s;
      const rules = [
        proxy.add({ method: 'GET', path: api.manifest(`${s.name}/amd64`, 'b'), nth: 1, fault: faults.status(503) }),
        proxy.add({
          method: 'GET',
          path: api.manifest(`${s.name}/arm64`, s.arm.image.digest),
          nth: 1,
          fault: faults.registryError(429, 'TOOMANYREQUESTS', 'slow down', { 'retry-after': '1' }),
        }),
        proxy.add({ method: 'HEAD', path: api.manifest(`${s.name}/out`), nth: 1, fault: faults.status(503) }),
        proxy.add({ method: 'HEAD', path: api.blob(`${s.name}/out`), nth: 2, fault: faults.status(500) }),
        proxy.add({ method: 'POST', path: api.mount(`${s.name}/out`), nth: 1, fault: faults.status(502) }),
        proxy.add({ method: 'PUT', path: api.session(`${s.name}/out`), nth: 1, fault: faults.status(503) }),
        proxy.add({ method: 'PUT', path: api.manifest(`${s.name}/out`, s.amd.digest), nth: 1, fault: faults.status(502) }),
        proxy.add({ method: 'PUT', path: api.manifest(`${s.name}/out`, '1'), nth: 1, fault: faults.status(503) }),
      ];
      ignoreMounts(proxy); // after the 502 above: the retried mount gets a session
      const run = await merge(s);
      await expectComplete(s, run);
      for (const rule of rules) expect(proxy.hits(rule)).toBe(1);
      // Retry-After: 1 was honoured: the next attempt came a second later, not after the 10 ms backoff.
      const [first, second] = times(proxy, api.manifest(`${s.name}/arm64`, s.arm.image.digest));
      expect(second - first).toBeGreaterThanOrEqual(950);
    }),
  );

  it.concurrent('honours Retry-After given as an HTTP date', () =>
    withScenario('retry-date', async (s) => {
      const rule = s.proxy.add({
        method: 'GET',
        path: api.manifest(`${s.name}/amd64`, 'b'),
        nth: 1,
        // An HTTP date has whole seconds: two seconds ahead is at least one second away.
        fault: (ctx) => faults.status(429, { headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() } })(ctx),
      });
      const run = await merge(s);
      await expectComplete(s, run);
      expect(s.proxy.hits(rule)).toBe(1);
      const [first, second] = times(s.proxy, api.manifest(`${s.name}/amd64`, 'b'));
      expect(second - first).toBeGreaterThanOrEqual(950);
    }),
  );

  it.concurrent('fails at once, naming the wait, when Retry-After is beyond the cap', () =>
    withScenario('retry-cap', async (s) => {
      const source = { method: 'GET', path: api.manifest(`${s.name}/amd64`, 'b') };
      s.proxy.add({ ...source, fault: faults.registryError(429, 'TOOMANYREQUESTS', 'rate limited', { 'retry-after': '3600' }) });
      const run = await merge(s);
      await expectUntouched(s, run);
      expect(run.errors[0]).toContain(`${s.name}/amd64:b`);
      expect(run.errors[0]).toMatch(/429.*retry after 3600 s/);
      expect(s.proxy.count(source)).toBe(1);
    }),
  );

  it.concurrent('gives up after a bounded number of attempts, naming what failed', () =>
    withScenario('persistent', async (s) => {
      const source = { method: 'GET', path: api.manifest(`${s.name}/amd64`, 'b') };
      s.proxy.add({ ...source, fault: faults.status(503) });
      const run = await merge(s);
      await expectUntouched(s, run);
      expect(run.errors[0]).toContain(`GET manifest ${s.proxy.host}/${s.name}/amd64:b: HTTP 503`);
      expect(s.proxy.count(source)).toBe(ATTEMPTS);
      expect(s.proxy.writes()).toEqual([]);
    }),
  );
});

describe('broken connections', () => {
  it.concurrent('reads again what was cut mid-body: manifests, the config blob, a copied layer; and retries a reset', () =>
    withScenario('cut', async (s) => {
      const { proxy } = s;
      ignoreMounts(proxy);
      const cut = [
        { method: 'GET', path: api.manifest(`${s.name}/amd64`, 'b') },
        { method: 'GET', path: api.manifest(`${s.name}/arm64`, s.arm.image.digest) },
        { method: 'GET', path: api.blob(`${s.name}/amd64`, s.amd.config.digest) },
        { method: 'GET', path: api.blob(`${s.name}/arm64`, s.arm.image.layers[0].digest) },
      ];
      const rules = cut.map((m) => proxy.add({ ...m, nth: 1, fault: faults.cutMidBody(0.5) }));
      rules.push(proxy.add({ method: 'HEAD', path: api.manifest(`${s.name}/out`, '1'), nth: 1, fault: faults.cut() }));
      const run = await merge(s);
      await expectComplete(s, run);
      for (const rule of rules) expect(proxy.hits(rule)).toBe(1);
      for (const m of cut) expect(proxy.count(m)).toBeGreaterThanOrEqual(2);
      // The layer was resumed where it broke off, not fetched whole again.
      expect(proxy.seen(cut[3])[1].headers.range).toMatch(/^bytes=\d+-$/);
    }),
  );

  it.concurrent('fails over to a retry when a response stalls, before its headers or in its body', () =>
    withScenario('stall', async (s) => {
      const { proxy } = s;
      ignoreMounts(proxy);
      const rules = [
        proxy.add({ method: 'HEAD', path: api.blob(`${s.name}/out`), nth: 1, fault: faults.stall() }),
        proxy.add({ method: 'GET', path: api.manifest(`${s.name}/arm64`, 'b'), nth: 1, fault: faults.stallMidBody(0.3) }),
        proxy.add({
          method: 'GET',
          path: api.blob(`${s.name}/amd64`, s.amd.layers[1].digest),
          nth: 1,
          fault: faults.stallMidBody(0.5),
        }),
        proxy.add({ method: 'PUT', path: api.manifest(`${s.name}/out`, '1'), nth: 1, fault: faults.stall() }),
      ];
      const run = await merge(s);
      await expectComplete(s, run);
      for (const rule of rules) expect(proxy.hits(rule)).toBe(1);
    }),
  );

  it.concurrent('opens a new upload session when an upload broke off and the old session is dead', () =>
    withScenario('session', async (s) => {
      const { proxy } = s;
      ignoreMounts(proxy);
      const session = { method: 'PUT', path: api.session(`${s.name}/out`) };
      const rule = proxy.add({ ...session, nth: 1, fault: faults.cutUpload(1000) });
      const run = await merge(s);
      await expectComplete(s, run);
      expect(proxy.hits(rule)).toBe(1);
      // The same session was tried again and refused by the registry, then a new one filled.
      const puts = proxy.seen(session);
      const refused = puts.filter((p) => p.status === 404);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      expect(puts[0].path).toBe(refused[0].path);
      expect(run.stdout).toContain('the upload session is gone');
    }),
  );

  it.concurrent('follows blob GETs redirected (307) to another host and ends correct', () =>
    withScenario('redirect', async (s) => {
      const blobHost = await startBlobHost();
      try {
        ignoreMounts(s.proxy);
        const rule = s.proxy.add({ method: 'GET', path: api.blob(), fault: faults.redirect(blobHost) });
        const run = await merge(s);
        await expectComplete(s, run);
        // One config read to learn a platform, then config and two layers of each image copied.
        expect(blobHost.requests.length).toBe(s.proxy.hits(rule));
        expect(blobHost.requests.length).toBeGreaterThanOrEqual(1 + 2 * 3);
      } finally {
        await blobHost.close();
      }
    }),
  );
});

describe('nothing is trusted', () => {
  // Each corrupt body fails the step, names what was read, and leaves the tag alone.
  it.concurrent.each([
    [
      'a source manifest read by tag',
      (s: Scenario) => api.manifest(`${s.name}/amd64`, 'b'),
      (s: Scenario) => `${s.name}/amd64:b`,
    ],
    [
      'a child manifest read by digest',
      (s: Scenario) => api.manifest(`${s.name}/arm64`, s.arm.image.digest),
      (s: Scenario) => `${s.name}/arm64@${s.arm.image.digest}`,
    ],
    [
      'a config blob',
      (s: Scenario) => api.blob(`${s.name}/amd64`, s.amd.config.digest),
      (s: Scenario) => `${s.name}/amd64@${s.amd.config.digest}`,
    ],
    [
      'a copied layer',
      (s: Scenario) => api.blob(`${s.name}/arm64`, s.arm.image.layers[1].digest),
      (s: Scenario) => `${s.name}/arm64@${s.arm.image.layers[1].digest}`,
    ],
  ])('refuses %s whose digest does not match', (what, path, names) =>
    withScenario(`corrupt-${what.toLowerCase().replace(/\W+/g, '-')}`, async (s) => {
      ignoreMounts(s.proxy);
      const rule = s.proxy.add({ method: 'GET', path: path(s), fault: faults.corruptBody() });
      const run = await merge(s);
      await expectUntouched(s, run);
      expect(s.proxy.hits(rule)).toBeGreaterThanOrEqual(1);
      expect(run.errors[0]).toContain(names(s));
      expect(run.errors[0]).toMatch(/digest|hashes to/);
      expect(s.proxy.count({ method: 'PUT', path: api.manifest(`${s.name}/out`, '1') })).toBe(0);
    }),
  );
});

describe('no partial state: whichever request fails, the tag is left as it was', () => {
  type Phase = [string, (s: Scenario) => { method: string; path: RegExp }];
  const phases: Phase[] = [
    ['source manifest GET', (s) => ({ method: 'GET', path: api.manifest(`${s.name}/amd64`, 'b') })],
    ['child manifest GET', (s) => ({ method: 'GET', path: api.manifest(`${s.name}/arm64`, s.arm.image.digest) })],
    ['config blob GET', (s) => ({ method: 'GET', path: api.blob(`${s.name}/amd64`, s.amd.config.digest) })],
    ['blob HEAD in the target', (s) => ({ method: 'HEAD', path: api.blob(`${s.name}/out`) })],
    ['blob mount and upload POST', (s) => ({ method: 'POST', path: api.uploads(`${s.name}/out`) })],
    ['blob upload PUT', (s) => ({ method: 'PUT', path: api.session(`${s.name}/out`) })],
    ['child manifest PUT', (s) => ({ method: 'PUT', path: api.manifest(`${s.name}/out`, s.amd.digest) })],
    ['index PUT', (s) => ({ method: 'PUT', path: api.manifest(`${s.name}/out`, '1') })],
  ];
  it.concurrent.each(phases)('%s', (phase, match) =>
    withScenario(`phase-${phase.toLowerCase().replace(/\W+/g, '-')}`, async (s) => {
      const rule = s.proxy.add({ ...match(s), fault: faults.registryError(503, 'UNAVAILABLE', 'down for maintenance') });
      ignoreMounts(s.proxy); // after the failing rule, which sees mounts first
      const run = await merge(s);
      await expectUntouched(s, run);
      expect(s.proxy.hits(rule)).toBeGreaterThanOrEqual(ATTEMPTS);
      expect(run.errors[0]).toMatch(/503/);
      if (phase !== 'index PUT') expect(s.proxy.count({ method: 'PUT', path: api.manifest(`${s.name}/out`, '1') })).toBe(0);
    }),
  );
});

describe('registry quirks, emulated by rewriting answers', () => {
  it.concurrent('Artifactory-style 403 to a HEAD of missing content means "unknown": the content is copied', () =>
    withScenario('quirk-403', async (s) => {
      const rule = s.proxy.add({
        method: 'HEAD',
        path: new RegExp(`^/v2/${s.name}/out/`),
        fault: faults.rewrite({ response: (answer) => (answer.status === 404 ? { ...answer, status: 403 } : answer) }),
      });
      const run = await merge(s);
      await expectComplete(s, run);
      expect(s.proxy.hits(rule)).toBeGreaterThan(0);
      expect(s.proxy.seen({ method: 'HEAD' }).filter((r) => r.status === 403).length).toBeGreaterThanOrEqual(2);
    }),
  );
});
