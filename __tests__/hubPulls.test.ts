/**
 * Docker Hub's pull count: the flow in-process against a REAL token-auth registry behind a proxy
 * that counts pulls as Hub does (`dockerHubPulls`: manifest GETs served, per repository; HEADs
 * free), with the proxy counted as Hub by the tool (the test-only `MERGE_ACTION_HUB_HOSTS`).
 * The tool's own count (its closing debug line) must equal the emulation's, and a run must read
 * no manifest from Hub twice and GET nothing it only needs the digest of.
 */
import { mergeBatch } from '../src/flow/batch';
import { getBatch } from '../src/inputs/images';
import { TRANSPORT_ENV } from '../src/registry/registries';
import { api, type FaultProxy, holdTagWrites, startFaultProxy } from './helpers/faultProxy';
import { pushCosignSignature, pushReferrer, signingKey } from './helpers/attachments';
import { getManifest, pushBuildxImage } from './helpers/fixtures';
import { dockerHubPulls, type HubPulls } from './helpers/quirks';
import { type RunningRegistry, startRegistry } from './helpers/registry';
import { recordingReporter } from './helpers/reporter';

let reg: RunningRegistry;
let proxy: FaultProxy;
let pulls: HubPulls;
const savedHubHosts = process.env[TRANSPORT_ENV.hubHosts];

beforeAll(async () => {
  reg = await startRegistry({ auth: 'token' });
});
beforeEach(async () => {
  proxy = await startFaultProxy(reg.host);
  pulls = dockerHubPulls(proxy);
  process.env[TRANSPORT_ENV.hubHosts] = proxy.host;
});
afterEach(async () => {
  if (savedHubHosts === undefined) delete process.env[TRANSPORT_ENV.hubHosts];
  else process.env[TRANSPORT_ENV.hubHosts] = savedHubHosts;
  await proxy?.close();
});
afterAll(async () => {
  await reg?.stop();
});

const noPrograms = async () => {
  throw new Error('no credential helper expected');
};

/** Runs the flow through a proxy; returns the number of Hub-counted requests the tool reports. */
async function run(inputs: Record<string, string>, via: FaultProxy = proxy): Promise<{ counted: number; digest: string }> {
  const reporter = recordingReporter();
  const login = { registries: new Set([via.host]), username: reg.username!, password: reg.password! };
  const outputs = await mergeBatch(await getBatch((name) => inputs[name] ?? ''), { reporter, runProgram: noPrograms, login });
  const lines = reporter.lines.map((l) => /^debug: Docker Hub counted (\d+) requests/.exec(l)).filter((m) => m !== null);
  expect(lines).toHaveLength(1);
  return { counted: Number(lines[0][1]), digest: outputs.digest };
}

/** How often each manifest (`repository@digest`) among `served` was pulled. */
function timesEach(served: HubPulls['served']): number[] {
  const counts = new Map<string, number>();
  for (const p of served) counts.set(`${p.repository}@${p.digest}`, (counts.get(`${p.repository}@${p.digest}`) ?? 0) + 1);
  return [...counts.values()];
}

/** Two buildx sources (index + image + attestation each), in repositories of their own. */
async function sources(prefix: string): Promise<string> {
  await pushBuildxImage(reg, `${prefix}/app-amd64`, { platform: 'linux/amd64', tag: 'b' });
  await pushBuildxImage(reg, `${prefix}/app-arm64`, { platform: 'linux/arm64', tag: 'b' });
  return `${proxy.host}/${prefix}/app-amd64:b\n${proxy.host}/${prefix}/app-arm64:b`;
}

describe("Docker Hub's pull count", () => {
  it('equals the emulation for a merge on Hub, reads each manifest once, and only HEADs the target', async () => {
    const inputs = { sources: await sources('hub1'), tags: `${proxy.host}/hub1/app:1\n${proxy.host}/hub1/app:latest` };
    const first = await run(inputs);

    expect(first.counted).toBe(pulls.total());
    // Each source's index and the image it holds: four manifests, each read once.
    expect(pulls.byRepository()).toEqual({ 'hub1/app-amd64': 2, 'hub1/app-arm64': 2 });
    expect(Object.values(pulls.byManifest()).every((n) => n === 1)).toBe(true);
    // The target is only asked whether something is there.
    expect(proxy.count({ method: 'GET', path: api.manifest('hub1/app') })).toBe(0);
    expect(proxy.count({ method: 'HEAD', path: api.manifest('hub1/app') })).toBeGreaterThan(0);
    expect((await getManifest(reg, 'hub1/app', 'latest')).digest).toBe(first.digest);

    // A re-run finds both tags at the index: it reads the sources again, nothing else, and counts the same way.
    const before = pulls.total();
    const again = await run(inputs);
    expect(again.digest).toBe(first.digest);
    expect(again.counted).toBe(pulls.total() - before);
    expect(again.counted).toBeLessThanOrEqual(first.counted);
  });

  it('equals the emulation for a merge that carries signatures and referrers, each read once', async () => {
    const amd = await pushBuildxImage(reg, 'hub5/amd64', { platform: 'linux/amd64', tag: 'b' });
    await pushCosignSignature(reg, 'hub5/amd64', amd.image.digest, signingKey().privateKey);
    await pushReferrer(reg, 'hub5/amd64', amd.image, { artifactType: 'application/spdx+json', content: Buffer.from('{}') });
    const merged = await run({
      sources: `${proxy.host}/hub5/amd64:b`,
      tags: `${proxy.host}/hub5/app:1`,
      attestations: 'referrers',
    });

    expect(merged.counted).toBe(pulls.total());
    // The index, the image, its attestation (written as a referrer), the signature, the
    // fallback tag's index and the SBOM it lists: each once; the target is only HEADed.
    expect(pulls.byRepository()).toEqual({ 'hub5/amd64': 6 });
    expect(Object.values(pulls.byManifest()).every((n) => n === 1)).toBe(true);
  });

  it('equals the emulation for an append, whose base index is read once', async () => {
    const [amd, arm] = (await sources('hub2')).split('\n');
    await run({ sources: amd, tags: `${proxy.host}/hub2/app:1` });
    const before = pulls.total();
    const appended = await run({ sources: arm, tags: `${proxy.host}/hub2/app:1`, append: 'true' });

    expect(appended.counted).toBe(pulls.total() - before);
    const appendPulls = pulls.served.slice(before);
    expect(timesEach(appendPulls).every((n) => n === 1)).toBe(true);
    // The base (the tag's index) is read whole: the append needs its entries.
    expect(appendPulls.filter((p) => p.repository === 'hub2/app' && p.ref === '1')).toHaveLength(1);

    // The same append again: the base's arm64 entry is the image the source holds, in the
    // same registry: pulled once, from the one repository or the other, not from both.
    const armImage = appendPulls.find((p) => p.repository === 'hub2/app-arm64' && p.ref.startsWith('sha256:'))!.digest;
    const beforeAgain = pulls.total();
    const again = await run({ sources: arm, tags: `${proxy.host}/hub2/app:1`, append: 'true' });
    const againPulls = pulls.served.slice(beforeAgain);
    expect(again.counted).toBe(againPulls.length);
    expect(againPulls.filter((p) => p.digest === armImage)).toHaveLength(1);
    expect(timesEach(againPulls).every((n) => n === 1)).toBe(true);
  });

  it('reads no manifest twice in a run whose append lost to a concurrent one and merged again', async () => {
    // One proxy per run, both before the same registry: each counts its own run's pulls.
    const other = await startFaultProxy(reg.host);
    try {
      const otherPulls = dockerHubPulls(other);
      process.env[TRANSPORT_ENV.hubHosts] = `${proxy.host},${other.host}`;
      for (const platform of ['amd64', 'arm64', 's390x']) {
        await pushBuildxImage(reg, `hub4/${platform}`, { platform: `linux/${platform}`, tag: 'b' });
      }
      await run({ sources: `${proxy.host}/hub4/amd64:b`, tags: `${proxy.host}/hub4/app:1` });
      const before = pulls.total();
      // Both index PUTs wait until both runs are about to write: one write erases the other.
      const gate = holdTagWrites([proxy, other], 'hub4/app', '1', 2);
      const [mine, theirs] = await Promise.all([
        run({ sources: `${proxy.host}/hub4/arm64:b`, tags: `${proxy.host}/hub4/app:1`, append: 'true' }).finally(gate.release),
        run({ sources: `${other.host}/hub4/s390x:b`, tags: `${other.host}/hub4/app:1`, append: 'true' }, other).finally(
          gate.release,
        ),
      ]);
      expect(gate.held).toBe(2);

      const index = JSON.parse((await getManifest(reg, 'hub4/app', '1')).bytes!.toString()) as {
        manifests: Array<{ platform: { architecture: string } }>;
      };
      const platforms = index.manifests.map((m) => m.platform.architecture).filter((a) => a !== 'unknown');
      expect(platforms.sort()).toEqual(['amd64', 'arm64', 's390x']);
      // The tool counted what Hub would, run by run.
      const served = [pulls.served.slice(before), otherPulls.served];
      expect([mine.counted, theirs.counted]).toEqual(served.map((s) => s.length));
      // The run that lost read the tag again (it had changed) and merged again: every manifest
      // it had read before stayed in hand, so none was pulled twice.
      // (Which run lost, and whether the winner read the loser's second write, is timing.)
      const tagReads = served.map((s) => s.filter((p) => p.repository === 'hub4/app' && p.ref === '1').length);
      expect(Math.max(...tagReads)).toBeGreaterThanOrEqual(2);
      for (const s of served) expect(timesEach(s).every((n) => n === 1)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('says nothing of Hub when no registry of the run is Hub', async () => {
    delete process.env[TRANSPORT_ENV.hubHosts];
    const reporter = recordingReporter();
    const login = { registries: new Set([proxy.host]), username: reg.username!, password: reg.password! };
    const [amd] = (await sources('hub3')).split('\n');
    const inputs: Record<string, string> = { sources: amd, tags: `${proxy.host}/hub3/app:1` };
    await mergeBatch(await getBatch((name) => inputs[name] ?? ''), { reporter, runProgram: noPrograms, login });
    expect(pulls.total()).toBeGreaterThan(0);
    expect(reporter.lines.filter((l) => l.includes('Docker Hub'))).toEqual([]);
  });
});
