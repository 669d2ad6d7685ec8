/**
 * `append: true`: the real entry point adds or replaces platforms of an image that
 * exists, on a REAL Distribution registry (no auth and token auth).
 */
import { runAction, type ActionRun } from '../helpers/action';
import { loggedIn } from '../helpers/dockerConfig';
import { getManifest, listTags, pushBuildxImage, pushImage } from '../helpers/fixtures';
import { type AuthMode, type RunningRegistry, startRegistry } from '../helpers/registry';

interface IndexJson {
  manifests: Array<{ digest: string; platform: { architecture: string }; annotations?: Record<string, string> }>;
  annotations?: Record<string, string>;
}

describe.each<AuthMode>(['none', 'token'])('append (auth: %s)', (auth) => {
  let reg: RunningRegistry;
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    reg = await startRegistry({ auth });
    ({ env, cleanup } = await loggedIn(reg, reg.host));
  });
  afterAll(async () => {
    await reg?.stop();
    await cleanup?.();
  });

  async function run(inputs: Record<string, string>): Promise<ActionRun & { index: IndexJson }> {
    const r = await runAction(inputs, env);
    if (r.exitCode !== 0) throw new Error(`the action failed: ${r.errors.join('; ')}\n${r.stdout.slice(-2000)}`);
    return { ...r, index: JSON.parse(r.outputs.manifest) as IndexJson };
  }
  const digests = (index: IndexJson) => index.manifests.map((m) => m.digest);
  const tagged = async (repo: string, tag: string) => (await getManifest(reg, repo, tag)).digest;

  it('adds a platform built later, keeping the entries that are there in their order', async () => {
    const repo = 'add/app';
    const arm = await pushImage(reg, repo, { platform: 'linux/arm64', tag: 'arm64' });
    const amd = await pushImage(reg, repo, { platform: 'linux/amd64', tag: 'amd64' });
    const first = await run({ sources: `${reg.host}/${repo}:arm64\n${reg.host}/${repo}:amd64`, tags: `${reg.host}/${repo}:1` });

    const riscv = await pushImage(reg, 'add/riscv', { platform: 'linux/riscv64', tag: 'b' });
    const r = await run({ sources: `${reg.host}/add/riscv:b`, tags: `${reg.host}/${repo}:1`, append: 'true' });
    expect(digests(r.index)).toEqual([arm.digest, amd.digest, riscv.digest]);
    expect(r.outputs.platforms).toBe('linux/arm64,linux/amd64,linux/riscv64');
    expect(r.outputs.sources.split('\n')).toEqual([
      `${reg.host}/${repo}:1@${first.outputs.digest}`,
      `${reg.host}/add/riscv:b@${riscv.digest}`,
    ]);
    expect(await tagged(repo, '1')).toBe(r.outputs.digest);
    expect(r.summary).toContain('Appended to');
    // The riscv64 manifest came from another repository: it is present in the target now.
    expect((await getManifest(reg, repo, riscv.digest)).status).toBe(200);
  });

  it('replaces a rebuilt platform in place, and its old attestation goes with it', async () => {
    const repo = 'replace/app';
    const amd = await pushBuildxImage(reg, repo, { platform: 'linux/amd64', tag: 'amd64' });
    const arm = await pushBuildxImage(reg, repo, { platform: 'linux/arm64', tag: 'arm64' });
    const first = await run({
      sources: `${reg.host}/${repo}:amd64\n${reg.host}/${repo}:arm64`,
      tags: `${reg.host}/${repo}:1`,
      attestations: 'keep',
    });
    expect(digests(first.index)).toEqual([amd.image.digest, arm.image.digest, amd.attestation.digest, arm.attestation.digest]);

    const rebuilt = await pushBuildxImage(reg, repo, { platform: 'linux/amd64', tag: 'amd64-rebuilt' });
    const r = await run({
      sources: `${reg.host}/${repo}:amd64-rebuilt`,
      tags: `${reg.host}/${repo}:1`,
      append: 'true',
      attestations: 'keep',
    });
    expect(digests(r.index)).toEqual([
      rebuilt.image.digest,
      arm.image.digest,
      rebuilt.attestation.digest,
      arm.attestation.digest,
    ]);
    expect(r.stdout).toContain(`append: linux/amd64 ${amd.image.digest} replaced`);
    expect(r.summary).toMatch(/1 entry kept, replaced <code>linux\/amd64<\/code>/);

    // Without `keep`, the new platform comes alone; the kept entry keeps its attestation.
    const again = await pushImage(reg, repo, { platform: 'linux/amd64', tag: 'amd64-plain' });
    const stripped = await run({ sources: `${reg.host}/${repo}:amd64-plain`, tags: `${reg.host}/${repo}:1`, append: 'true' });
    expect(digests(stripped.index)).toEqual([again.digest, arm.image.digest, arm.attestation.digest]);
  });

  it('takes a plain image manifest under the tag as a one-platform base', async () => {
    const repo = 'plain/app';
    const amd = await pushImage(reg, repo, { platform: 'linux/amd64', tag: 'latest', format: 'docker' });
    const arm = await pushImage(reg, repo, { platform: 'linux/arm64/v8', tag: 'arm64' });
    const r = await run({ sources: `${reg.host}/${repo}:arm64`, tags: `${reg.host}/${repo}:latest`, append: 'true' });
    expect(digests(r.index)).toEqual([amd.digest, arm.digest]);
    expect(r.outputs.sources.split('\n')[0]).toBe(`${reg.host}/${repo}:latest@${amd.digest}`);
    expect(await tagged(repo, 'latest')).toBe(r.outputs.digest);
  });

  it('merges the sources alone, with a notice, when the tag does not exist yet', async () => {
    const repo = 'fresh/app';
    const amd = await pushImage(reg, repo, { platform: 'linux/amd64', tag: 'amd64' });
    const r = await run({ sources: `${reg.host}/${repo}:amd64`, tags: `${reg.host}/${repo}:1`, append: 'true' });
    expect(digests(r.index)).toEqual([amd.digest]);
    expect(r.stdout).toContain(`::notice::append: ${reg.host}/${repo}:1 does not exist yet; merging the sources alone`);
    expect(r.outputs.sources).toBe(`${reg.host}/${repo}:amd64@${amd.digest}`);
  });

  it("keeps the old index's annotations unless the input sets the same key", async () => {
    const repo = 'notes/app';
    await pushImage(reg, repo, { platform: 'linux/amd64', tag: 'amd64' });
    await run({
      sources: `${reg.host}/${repo}:amd64`,
      tags: `${reg.host}/${repo}:1`,
      annotations: 'org.opencontainers.image.source=https://example.com/app\norg.opencontainers.image.version=1.0',
    });
    await pushImage(reg, repo, { platform: 'linux/arm64', tag: 'arm64' });
    const r = await run({
      sources: `${reg.host}/${repo}:arm64`,
      tags: `${reg.host}/${repo}:1`,
      append: 'true',
      annotations: 'org.opencontainers.image.version=1.1',
    });
    expect(r.index.annotations).toEqual({
      'org.opencontainers.image.source': 'https://example.com/app',
      'org.opencontainers.image.version': '1.1',
    });
  });

  it('copies the entries it keeps into the other target repositories, and a re-run writes nothing new', async () => {
    const repo = 'spread/app';
    const amd = await pushImage(reg, repo, { platform: 'linux/amd64', tag: 'amd64' });
    await run({ sources: `${reg.host}/${repo}:amd64`, tags: `${reg.host}/${repo}:1` });
    const arm = await pushImage(reg, 'spread/arm', { platform: 'linux/arm64', tag: 'b' });
    const inputs = {
      sources: `${reg.host}/spread/arm:b`,
      tags: `${reg.host}/${repo}:1\n${reg.host}/mirror/app:1`,
      append: 'true',
    };
    const r = await run(inputs);
    expect(digests(r.index)).toEqual([amd.digest, arm.digest]);
    expect(await tagged('mirror/app', '1')).toBe(r.outputs.digest);
    expect((await getManifest(reg, 'mirror/app', amd.digest)).status).toBe(200);

    const again = await run(inputs);
    expect(again.outputs.digest).toBe(r.outputs.digest);
    expect(again.summary).toContain('already at this digest');
  });

  it('still refuses two new sources of the same platform, and writes nothing', async () => {
    const repo = 'twice/app';
    const base = await pushImage(reg, repo, { platform: 'linux/arm64', tag: '1' });
    await pushImage(reg, repo, { platform: 'linux/amd64', tag: 'a' });
    await pushImage(reg, repo, { platform: 'linux/amd64', tag: 'b' });
    const r = await runAction(
      { sources: `${reg.host}/${repo}:a\n${reg.host}/${repo}:b`, tags: `${reg.host}/${repo}:1`, append: 'true' },
      env,
    );
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/platform linux\/amd64 is provided twice/);
    expect(await tagged(repo, '1')).toBe(base.digest);
    expect((await listTags(reg, repo)).sort()).toEqual(['1', 'a', 'b']);
  });
});
