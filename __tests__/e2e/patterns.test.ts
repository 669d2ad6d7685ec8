/**
 * Sources by tag pattern: the real entry point lists a repository's tags on a REAL
 * Distribution registry (no auth, htpasswd, token), paged two tags at a time by the emulation
 * layer in front of it (Distribution 2.8 answers every tag at once; hosted registries page).
 */
import { runAction, type ActionRun } from '../helpers/action';
import { loggedIn } from '../helpers/dockerConfig';
import { type FaultProxy, startFaultProxy } from '../helpers/faultProxy';
import { getManifest, listTags, MediaTypes, pushBuildxImage, pushImage, type RegistryTarget } from '../helpers/fixtures';
import { tagListing } from '../helpers/quirks';
import { type AuthMode, type RunningRegistry, startRegistry } from '../helpers/registry';

/** Distribution 3.x paging (relative links with `last`), two tags a page. */
const PAGE = {
  defaultPage: 2,
  maxPage: 1000,
  overMax: 'clamp',
  cursor: 'last',
  link: 'relative',
  empty: 'list',
  order: 'sorted',
  unknownRepository: 'NAME_UNKNOWN',
} as const;

describe.each<AuthMode>(['none', 'htpasswd', 'token'])('sources by tag pattern (auth: %s)', (auth) => {
  let reg: RunningRegistry;
  let proxy: FaultProxy;
  let via: RegistryTarget;
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  let paging: ReturnType<typeof tagListing>;

  beforeAll(async () => {
    reg = await startRegistry({ auth });
    proxy = await startFaultProxy(reg.host);
    via = { host: proxy.host, username: reg.username, password: reg.password };
    ({ env, cleanup } = await loggedIn(reg, proxy.host));
  });
  beforeEach(() => {
    proxy.reset();
    paging = tagListing(proxy, 'distribution 3', PAGE);
  });
  afterAll(async () => {
    await proxy?.close();
    await cleanup?.();
    await reg?.stop();
  });

  const run = (inputs: Record<string, string>): Promise<ActionRun> => runAction(inputs, env);

  it('merges every tag a pattern matches, over several pages, in sorted order, and no decoy', async () => {
    const repo = 'build/app';
    // Pushed out of order, with decoys on either side of the pattern.
    const arm = await pushBuildxImage(reg, repo, { platform: 'linux/arm64', tag: '42-arm64' });
    const amd = await pushImage(reg, repo, { platform: 'linux/amd64', tag: '42-amd64' });
    const s390 = await pushImage(reg, repo, { platform: 'linux/s390x', tag: '42-s390x' });
    for (const decoy of ['41-amd64', '420-amd64', 'x42-amd64', '42', 'latest']) {
      await pushImage(reg, repo, { platform: 'linux/amd64', tag: decoy });
    }
    const r = await run({ sources: `${proxy.host}/${repo}:42-*`, tags: `${proxy.host}/release/app:42` });
    expect(r.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(paging.bit).toBeGreaterThanOrEqual(3); // 8 tags, 2 a page: the listing followed the links
    expect(paging.requested.every((n) => n === null || n === '2')).toBe(true);

    const index = JSON.parse(r.outputs.manifest) as { manifests: Array<{ digest: string }> };
    expect(index.manifests.map((m) => m.digest)).toEqual([amd.digest, arm.image.digest, s390.digest]);
    expect(r.outputs.platforms).toBe('linux/amd64,linux/arm64,linux/s390x');
    expect(r.outputs.sources.split('\n')).toEqual([
      `${proxy.host}/${repo}:42-amd64@${amd.digest}`,
      `${proxy.host}/${repo}:42-arm64@${arm.index.digest}`,
      `${proxy.host}/${repo}:42-s390x@${s390.digest}`,
    ]);
    expect(r.stdout).toContain(`${proxy.host}/${repo}:42-* matches 3 tags: 42-amd64, 42-arm64, 42-s390x`);
    expect((await getManifest(via, 'release/app', '42')).digest).toBe(r.outputs.digest);
    if (auth === 'token') {
      // The listing asked for its own pull scope on the pattern's repository.
      const scopes = reg.tokenServer!.requests.flatMap((t) => t.scopes);
      expect(scopes).toContain(`repository:${repo}:pull`);
    }
  });

  it('matches one character with "?"', async () => {
    const repo = 'qmark/app';
    const one = await pushImage(reg, repo, { platform: 'linux/amd64', tag: 'v1' });
    const two = await pushImage(reg, repo, { platform: 'linux/arm64', tag: 'v2' });
    await pushImage(reg, repo, { platform: 'linux/ppc64le', tag: 'v10' });
    const r = await run({ sources: `${proxy.host}/${repo}:v?`, tags: `${proxy.host}/${repo}:all` });
    expect(r.errors).toEqual([]);
    expect(JSON.parse(r.outputs.manifest).manifests.map((m: { digest: string }) => m.digest)).toEqual([one.digest, two.digest]);
  });

  it('fails when nothing matches, quoting the pattern and naming tags that exist, and writes nothing', async () => {
    const repo = 'nomatch/app';
    for (const tag of ['1-amd64', '1-arm64']) await pushImage(reg, repo, { platform: 'linux/amd64', tag });
    const r = await run({ sources: `${proxy.host}/${repo}:2-*`, tags: `${proxy.host}/nomatch/out:2` });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual([
      `source pattern "${proxy.host}/${repo}:2-*" matches no tag of ${proxy.host}/${repo}; tags there include 1-amd64, 1-arm64`,
    ]);
    expect(proxy.writes()).toEqual([]);
    expect(await listTags(reg, 'nomatch/out')).toEqual([]);
  });

  it('gives the same digest on a re-run whose target tag, in the same repository, matches the pattern', async () => {
    const repo = 'rerun/app';
    await pushImage(reg, repo, { platform: 'linux/amd64', tag: '7-amd64' });
    await pushImage(reg, repo, { platform: 'linux/arm64', tag: '7-arm64' });
    const inputs = { sources: `${proxy.host}/${repo}:7-*`, tags: `${proxy.host}/${repo}:7-all` };
    const first = await run(inputs);
    expect(first.errors).toEqual([]);
    expect(await listTags(reg, repo)).toContain('7-all');

    proxy.reset();
    tagListing(proxy, 'distribution 3', PAGE);
    const second = await run(inputs);
    expect(second.errors).toEqual([]);
    expect(second.outputs.digest).toBe(first.outputs.digest);
    expect(second.outputs.sources).toBe(first.outputs.sources);
    expect(proxy.writes()).toEqual([]); // the tag already holds the index: nothing is PUT again
  });

  it('uses a tag that a pattern and an explicit source both name once, where it first appears', async () => {
    const repo = 'dedupe/app';
    const amd = await pushImage(reg, repo, { platform: 'linux/amd64', tag: 'b-amd64' });
    const arm = await pushImage(reg, repo, { platform: 'linux/arm64', tag: 'b-arm64' });
    const r = await run({ sources: `${proxy.host}/${repo}:b-arm64\n${proxy.host}/${repo}:b-*`, tags: `${proxy.host}/${repo}:b` });
    expect(r.errors).toEqual([]);
    expect(JSON.parse(r.outputs.manifest).manifests.map((m: { digest: string }) => m.digest)).toEqual([arm.digest, amd.digest]);
    expect(r.outputs['media-type']).toBe(MediaTypes.ociIndex);
  });
});
