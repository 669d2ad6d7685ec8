/**
 * Registry outages (design rule 12), against a REAL Distribution registry behind a proxy that
 * drops every connection for a while: refused (the port closed, as a registry restarting) or
 * reset (accepted and cut, as a load balancer failing over), every request in flight cut. An
 * outage of seconds at any point of a run is ridden out and the run ends as without it, with two
 * lines in the log; a registry that never comes back fails the run with one error naming it.
 *
 * The ride-out tests use the action's defaults throughout (no test knobs): they are what a user
 * meets, a 12 s outage included.
 */
import { runAction, type ActionRun } from '../helpers/action';
import { runCli } from '../helpers/cli';
import { loggedIn } from '../helpers/dockerConfig';
import { api, faults, type FaultProxy, type OutageMode, type Rule, startFaultProxy } from '../helpers/faultProxy';
import {
  getManifest,
  listTags,
  type PushedImage,
  type PushedManifest,
  pushImage,
  pushIndex,
  registryFetch,
  sha256Digest,
} from '../helpers/fixtures';
import { type RunningRegistry, startRegistry } from '../helpers/registry';

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/s390x'];

// Two registries for the file (one anonymous, one behind a token service); every test has its
// own proxies, so tests run concurrently. Started outside beforeAll: concurrent tests may start
// before hooks run.
let plain: RunningRegistry;
let token: RunningRegistry;
const ready = Promise.all([startRegistry({ auth: 'none' }), startRegistry({ auth: 'token' })]).then(([a, b]) => {
  plain = a;
  token = b;
});
afterAll(async () => {
  await ready;
  await Promise.all([plain.stop(), token.stop()]);
});

interface Scenario {
  readonly name: string;
  readonly reg: RunningRegistry;
  /** In front of the registry. */
  readonly proxy: FaultProxy;
  /** In front of the token service (token registry only). */
  readonly tokenProxy?: FaultProxy;
  readonly images: PushedImage[];
  /** The index the target tag held before the run. */
  readonly old: PushedManifest;
  readonly inputs: Record<string, string>;
  readonly env: Record<string, string>;
}

/**
 * Runs `test` with one source per platform, each in its own repository, and a target tag already
 * holding an older index; the run goes through proxies of its own (closed afterwards).
 */
async function withScenario(name: string, options: { token?: boolean }, test: (s: Scenario) => Promise<void>): Promise<void> {
  await ready;
  const reg = options.token ? token : plain;
  const tokenProxy = reg.tokenServer ? await startFaultProxy(new URL(reg.tokenServer.url).host) : undefined;
  const proxy = await startFaultProxy(
    reg.host,
    tokenProxy && reg.tokenServer ? { rewrite: { [reg.tokenServer.url]: tokenProxy.url } } : {},
  );
  const login = await loggedIn(reg, proxy.host);
  try {
    const images: PushedImage[] = [];
    for (const platform of PLATFORMS) {
      const repo = `${name}/${platform.replace(/\//g, '-')}`;
      images.push(await pushImage(reg, repo, { platform, tag: 'b', layers: 2, layerSize: 64 * 1024 }));
    }
    const older = await pushImage(reg, `${name}/out`, { platform: 'linux/amd64' });
    const old = await pushIndex(reg, `${name}/out`, '1', [{ manifest: older, platform: older.platform }]);
    const sources = PLATFORMS.map((p) => `${proxy.host}/${name}/${p.replace(/\//g, '-')}:b`).join('\n');
    const inputs = { sources, tags: `${proxy.host}/${name}/out:1` };
    await test({ name, reg, proxy, tokenProxy, images, old, inputs, env: login.env });
  } finally {
    await Promise.all([proxy.close(), tokenProxy?.close(), login.cleanup()]);
  }
}

/** Mounts answered 202 (a session) instead of 201: the blobs are then copied, GET and PUT. */
function copyBlobs(proxy: FaultProxy): Rule {
  return proxy.add({ method: 'POST', path: api.mount(), fault: faults.rewrite({ request: (r) => ({ url: r.path }) }) });
}

/** On a failed expectation, shows what the action printed and what the proxies saw. */
async function explained(s: Scenario, run: { exitCode: number; stdout: string; stderr: string }, check: () => Promise<void>) {
  try {
    await check();
  } catch (err) {
    const seen = (p: FaultProxy | undefined) =>
      (p?.requests ?? []).map(
        (r) => `${r.seq} ${r.method} ${r.url} → ${r.status ?? 'no answer'}${r.fault ? ` [${r.fault}]` : ''}`,
      );
    console.log(
      `${s.name}: exit ${run.exitCode}\n${run.stdout}\n${run.stderr}\nproxy saw:\n${seen(s.proxy).join('\n')}\n` +
        `token proxy saw:\n${seen(s.tokenProxy).join('\n')}\noutages: ${JSON.stringify([s.proxy.outages, s.tokenProxy?.outages])}`,
    );
    throw err;
  }
}

/** The log lines of the run (not debug), without workflow commands' prefixes. */
function logLines(run: ActionRun): string[] {
  return run.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('::debug::'));
}

/** The run ended as without the outage: the index holds every platform, the tag points at it. */
async function complete(s: Scenario, run: ActionRun): Promise<void> {
  expect(run.errors).toEqual([]);
  expect(run.exitCode).toBe(0);
  const index = JSON.parse(run.outputs.manifest) as { manifests: Array<{ digest: string; platform: unknown }> };
  expect(index.manifests.map((m) => m.digest)).toEqual(s.images.map((i) => i.digest));
  expect(index.manifests.map((m) => m.platform)).toEqual(s.images.map((i) => i.platform));
  expect(run.outputs.digest).toBe(sha256Digest(run.outputs.manifest));
  const out = `${s.name}/out`;
  const tagged = await getManifest(s.reg, out, '1');
  expect(tagged.digest).toBe(run.outputs.digest);
  expect(tagged.bytes?.toString()).toBe(run.outputs.manifest);
  for (const image of s.images) {
    const child = await getManifest(s.reg, out, image.digest);
    expect(child.bytes?.equals(image.bytes)).toBe(true);
    for (const blob of [image.config, ...image.layers]) {
      const res = await registryFetch(s.reg, `/v2/${out}/blobs/${blob.digest}`);
      expect(res.status).toBe(200);
      expect(sha256Digest(Buffer.from(await res.arrayBuffer()))).toBe(blob.digest);
    }
  }
}

/** The outage is told once: one line when the host stops answering, one when it is back; no line per request. */
function toldOnce(run: ActionRun, host: string): void {
  const lines = logLines(run);
  expect(lines.filter((l) => /stopped answering|does not answer/.test(l))).toEqual([
    expect.stringMatching(
      // A host refusing from its first request has not answered yet in the run (design rule 17).
      new RegExp(
        `^${host} (stopped answering|does not answer) \\(connection (refused|reset)[^)]*\\):.* its requests wait for it`,
      ),
    ),
  ]);
  expect(lines.filter((l) => l.includes('answers again'))).toEqual([
    expect.stringMatching(new RegExp(`^${host} answers again after \\d+\\.\\d s; \\d+ held requests? go on$`)),
  ]);
  expect(lines.filter((l) => /retrying in|reading again in|upload session is gone/.test(l))).toEqual([]);
}

type Where =
  'at the start of the run' | 'while blobs are copied' | 'just before the index PUT' | 'after the index PUT reached it';

/** Arms an outage of `ms` at a point of the run; returns the rule that starts it (none at the start). */
function arm(s: Scenario, where: Where, ms: number, mode: OutageMode): Rule | undefined {
  switch (where) {
    case 'at the start of the run':
      void s.proxy.outage(ms, mode);
      return undefined;
    case 'while blobs are copied':
      // The second layer upload: others are on the wire by then, source GETs and upload PUTs.
      return s.proxy.add({ method: 'PUT', path: api.session(`${s.name}/out`), nth: 2, fault: faults.outage(ms, mode) });
    case 'just before the index PUT':
      return s.proxy.add({ method: 'PUT', path: api.manifest(`${s.name}/out`, '1'), nth: 1, fault: faults.outage(ms, mode) });
    case 'after the index PUT reached it':
      // The registry tagged the index, its answer is lost: the PUT is sent again (same bytes).
      return s.proxy.add({
        method: 'PUT',
        path: api.manifest(`${s.name}/out`, '1'),
        nth: 1,
        fault: faults.outageAfterForward(ms, mode),
      });
  }
}

describe('an outage of seconds is ridden out (defaults)', () => {
  const cases: Array<[Where, number, OutageMode]> = [
    ['at the start of the run', 3_000, 'refuse'],
    ['at the start of the run', 12_000, 'reset'],
    ['while blobs are copied', 3_000, 'reset'],
    ['while blobs are copied', 12_000, 'refuse'],
    ['just before the index PUT', 3_000, 'reset'],
    ['just before the index PUT', 12_000, 'refuse'],
    ['after the index PUT reached it', 3_000, 'refuse'],
  ];
  it.concurrent.each(cases)('%s: %d ms, connections %s', (where, ms, mode) =>
    withScenario(`out-${where.split(' ').slice(-2).join('-').toLowerCase()}-${ms}-${mode}`, {}, async (s) => {
      if (where === 'while blobs are copied') copyBlobs(s.proxy);
      const rule = arm(s, where, ms, mode);
      const run = await runAction(s.inputs, s.env);
      await explained(s, run, async () => {
        await complete(s, run);
        if (rule) expect(s.proxy.hits(rule)).toBe(1);
        expect(s.proxy.outages).toHaveLength(1);
        const [outage] = s.proxy.outages;
        // (A timer may fire a millisecond early by the clock.)
        expect((outage.end ?? 0) - outage.start).toBeGreaterThanOrEqual(ms - 50);
        toldOnce(run, s.proxy.host);
        // Requests were on the wire when it began: the outage cut them, not only the one that started it.
        if (where === 'while blobs are copied') expect(outage.dropped).toBeGreaterThanOrEqual(2);
      });
    }),
  );
});

describe('an outage of the token service is ridden out too', () => {
  // Refused from the run's start, the token service has never answered: it is given the
  // first-contact limit (design rule 17), which 3 s stays within. Down for longer from its first
  // token request, its connections are reset (something is there): an outage, ridden out.
  it.concurrent.each([
    [3_000, 'down when the run starts'],
    [12_000, 'down from its first token request'],
  ])('%d ms, %s', (ms, when) =>
    withScenario(`token-${ms}`, { token: true }, async (s) => {
      const tokens = s.tokenProxy as FaultProxy;
      const rule =
        when === 'down when the run starts'
          ? (void tokens.outage(ms, 'refuse'), undefined)
          : tokens.add({ path: '/token', nth: 1, fault: faults.outage(ms, 'reset') });
      const run = await runAction(s.inputs, s.env);
      await explained(s, run, async () => {
        await complete(s, run);
        if (rule) expect(tokens.hits(rule)).toBe(1);
        expect(tokens.outages).toHaveLength(1);
        toldOnce(run, tokens.host);
        // The registry itself never stopped answering.
        expect(logLines(run).filter((l) => l.startsWith(`${s.proxy.host} `))).toEqual([]);
        expect(tokens.count({ path: '/token' })).toBeGreaterThanOrEqual(1);
      });
    }),
  );
});

describe('a registry that never comes back', () => {
  // outage-timeout shortened to 5 s: the default minute would only make the same run wait
  // longer; what is checked is the limit honoured, the one error and nothing tagged.
  const LIMIT_S = 5;

  it.concurrent('fails the action within the limit, with one error naming it, and tags nothing', () =>
    withScenario('dead-action', {}, async (s) => {
      // Down for good from the first child manifest PUT: the registry answered earlier in the run,
      // so it is an outage given the whole limit, not a wrong address (design rule 17).
      s.proxy.add({ method: 'PUT', path: api.manifest(`${s.name}/out`), nth: 1, fault: faults.outage(Infinity, 'refuse') });
      const started = Date.now();
      const run = await runAction({ ...s.inputs, 'outage-timeout': String(LIMIT_S) }, s.env);
      const took = Date.now() - started;
      await explained(s, run, async () => {
        expect(run.exitCode).toBe(1);
        expect(run.errors).toHaveLength(1);
        expect(run.errors[0]).toMatch(
          new RegExp(
            // The requests in flight when it went down were cut (reset) before the port closed.
            `${s.proxy.host} did not answer for ${LIMIT_S} s \\((connection reset, )?connection refused; \\d+ attempts? since its first failure\\)`,
          ),
        );
        expect(run.errors[0]).toContain('given longer with input "outage-timeout"');
        expect(run.errors[0]).not.toContain('--outage-timeout');
        expect(run.outputs).toEqual({});
        // Given up at the limit, not before (plus the process's own start and end).
        expect(took).toBeGreaterThanOrEqual(LIMIT_S * 1000);
        expect(took).toBeLessThan(LIMIT_S * 1000 + 10_000);
        expect(logLines(run).filter((l) => l.includes('stopped answering'))).toHaveLength(1);
        expect(logLines(run).filter((l) => /retrying in|answers again/.test(l))).toEqual([]);
        const tagged = await getManifest(s.reg, `${s.name}/out`, '1');
        expect(tagged.digest).toBe(s.old.digest);
        expect(await listTags(s.reg, `${s.name}/out`)).toEqual(['1']);
      });
    }),
  );

  it.concurrent('fails the command line with exit 1 and one error when connections are reset mid-run', () =>
    withScenario('dead-cli', {}, async (s) => {
      // Down for good from the first child manifest PUT: blobs are in, the tag is not.
      s.proxy.add({ method: 'PUT', path: api.manifest(`${s.name}/out`), nth: 1, fault: faults.outage(Infinity, 'reset') });
      const args = [
        ...s.inputs.sources.split('\n').flatMap((r) => ['--source', r]),
        '--tag',
        s.inputs.tags,
        '--outage-timeout',
        String(LIMIT_S),
      ];
      const run = await runCli(args, { env: s.env });
      await explained(s, run, async () => {
        expect(run.exitCode).toBe(1);
        expect(run.stdout).toBe('');
        const errors = run.stderr.split('\n').filter((l) => l.startsWith('error: '));
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatch(new RegExp(`${s.proxy.host} did not answer for ${LIMIT_S} s \\(connection reset`));
        // The command line names its flag, never the action's input.
        expect(errors[0]).toContain('given longer with --outage-timeout');
        expect(errors[0]).not.toContain('input');
        expect(run.stderr.split('\n').filter((l) => l.includes('stopped answering'))).toHaveLength(1);
        expect(run.stderr).not.toMatch(/retrying in/);
        expect((await getManifest(s.reg, `${s.name}/out`, '1')).digest).toBe(s.old.digest);
      });
    }),
  );
});
