/**
 * Registry quirks: the real entry point merges buildx-style sources from their own
 * repositories into a target in another, against a REAL Distribution registry made to answer
 * as Docker Hub, ECR, Quay, Harbor, GitLab, Artifactory or GHCR do (__tests__/helpers/quirks.ts).
 * Each test proves the quirk was exercised (the proxy saw it bite, or the action's requests
 * were inspected by it and a request breaking the rule is refused), and that the result is a
 * correct, complete index, or a failure that tells the user what to change.
 */
import { runAction, type ActionRun } from '../helpers/action';
import { writeDockerConfig } from '../helpers/dockerConfig';
import { api, type FaultProxy, startFaultProxy } from '../helpers/faultProxy';
import {
  getManifest,
  listTags,
  MediaTypes,
  type PushedImage,
  type PushedManifest,
  pushBuildxImage,
  pushImage,
  pushManifest,
  registryFetch,
  type RegistryTarget,
  sha256Digest,
} from '../helpers/fixtures';
import {
  artifactory,
  dockerHub,
  ecr,
  ghcr,
  harbor,
  lastScopeOnly,
  quay,
  TAG_LISTINGS,
  tagListing,
  withholdSourceFromPushTokens,
} from '../helpers/quirks';
import { type RunningRegistry, startRegistry, type StartRegistryOptions } from '../helpers/registry';
import type { TokenRequest } from '../helpers/tokenServer';

/** Test-only knobs of the action (src/registry/registries.ts): short backoffs, Retry-After up to 5 s. */
const KNOBS = {
  MERGE_ACTION_RETRY_ATTEMPTS: '4',
  MERGE_ACTION_RETRY_BASE_MS: '10',
  MERGE_ACTION_RETRY_MAX_MS: '100',
  MERGE_ACTION_RETRY_AFTER_MAX_MS: '5000',
  MERGE_ACTION_TIMEOUT_MS: '5000',
};

/** A registry of its own behind a proxy of its own, and the action's credentials for the proxy. */
interface Setup {
  readonly reg: RunningRegistry;
  readonly proxy: FaultProxy;
  /** The proxy as the action sees the registry, with the same credentials (for requests the action would not make). */
  readonly via: RegistryTarget;
  /** Runs the built action on the proxy; `env` adds to the test-only knobs. */
  readonly run: (inputs: Record<string, string>, env?: Record<string, string>) => Promise<ActionRun>;
}

async function withRegistry(options: StartRegistryOptions, test: (s: Setup) => Promise<void>): Promise<void> {
  const reg = await startRegistry(options);
  let proxy: FaultProxy | undefined;
  let config: Awaited<ReturnType<typeof writeDockerConfig>> | undefined;
  try {
    proxy = await startFaultProxy(reg.host);
    const auths = reg.username ? { [proxy.host]: { username: reg.username, password: reg.password as string } } : {};
    config = await writeDockerConfig(auths);
    const env = { ...KNOBS, DOCKER_CONFIG: config.dir };
    await test({
      reg,
      proxy,
      via: { host: proxy.host, username: reg.username, password: reg.password },
      run: (inputs, more = {}) => runAction(inputs, { ...env, ...more }),
    });
  } finally {
    await proxy?.close();
    await config?.cleanup();
    await reg.stop();
  }
}

/** Runs the action and returns the token requests it made (the fixtures' own come later). */
async function runCountingTokens(s: Setup, inputs: Record<string, string>): Promise<{ run: ActionRun; tokens: TokenRequest[] }> {
  const all = s.reg.tokenServer!.requests;
  const before = all.length;
  const run = await s.run(inputs);
  return { run, tokens: all.slice(before) };
}

type Buildx = { index: PushedManifest; image: PushedImage; attestation: PushedManifest };

/** As users have them: a plain amd64 image and a buildx arm64 image (index + attestation), each in its own repository. */
async function buildxSources(
  s: Setup,
  amdRepo: string,
  armRepo: string,
  layers = 2,
): Promise<{ amd: PushedImage; arm: Buildx; inputs: string }> {
  const amd = await pushImage(s.reg, amdRepo, { platform: 'linux/amd64', tag: 'b', layers });
  const arm = await pushBuildxImage(s.reg, armRepo, { platform: 'linux/arm64', tag: 'b', layers });
  return { amd, arm, inputs: `${s.proxy.host}/${amdRepo}:b\n${s.proxy.host}/${armRepo}:b` };
}

const entry = (image: PushedManifest, platform: object) => ({
  mediaType: image.mediaType,
  digest: image.digest,
  size: image.size,
  platform,
});

/** The run succeeded, the index is `expected`, and the target tag holds exactly its bytes. */
async function expectIndex(s: Setup, run: ActionRun, target: string, expected: object): Promise<void> {
  expect(run.errors).toEqual([]);
  expect(run.exitCode).toBe(0);
  expect(JSON.parse(run.outputs.manifest)).toEqual(expected);
  expect(run.outputs.digest).toBe(sha256Digest(run.outputs.manifest));
  const [repo, tag] = target.split(':');
  const tagged = await getManifest(s.reg, repo, tag);
  expect(tagged.digest).toBe(run.outputs.digest);
  expect(tagged.bytes?.toString()).toBe(run.outputs.manifest);
}

/** The step failed with exactly one error annotation (the process's own output shown when not). */
function expectOneError(run: ActionRun): string {
  if (run.exitCode !== 1 || run.errors.length !== 1) {
    throw new Error(
      `expected a failed step with one error, got exit ${run.exitCode} and ${JSON.stringify(run.errors)}\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`,
    );
  }
  return run.errors[0];
}

/** Every child manifest is in the target repository byte for byte, and every blob it needs, with the right content. */
async function expectContent(
  s: Setup,
  repo: string,
  manifests: ReadonlyArray<PushedManifest & { config: { digest: string }; layers: Array<{ digest: string }> }>,
): Promise<void> {
  for (const m of manifests) {
    const child = await getManifest(s.reg, repo, m.digest);
    expect(child.bytes?.equals(m.bytes)).toBe(true);
    for (const blob of [m.config, ...m.layers]) {
      const res = await registryFetch(s.reg, `/v2/${repo}/blobs/${blob.digest}`);
      expect(res.status).toBe(200);
      expect(sha256Digest(Buffer.from(await res.arrayBuffer()))).toBe(blob.digest);
    }
  }
}

/** The parsed child manifest of an attestation (its blobs are what must be copied). */
function attestationContent(
  a: PushedManifest,
): PushedManifest & { config: { digest: string }; layers: Array<{ digest: string }> } {
  const json = JSON.parse(a.bytes.toString()) as { config: { digest: string }; layers: Array<{ digest: string }> };
  return { ...a, config: json.config, layers: json.layers };
}

const blobsOf = (...images: PushedImage[]) => images.flatMap((i) => [i.config, ...i.layers]);
const uploadPuts = (proxy: FaultProxy, repo: string) => proxy.seen({ method: 'PUT', path: api.session(repo) });
const mountPosts = (proxy: FaultProxy, repo: string) => proxy.seen({ method: 'POST', path: api.mount(repo) });
/**
 * Where mounts are refused, the sources get many layers: the re-authentication a refused mount
 * costs must not grow with them. Two sources of 1 + MANY_LAYERS blobs each; a run uses about
 * eight token requests (one per scope set, a couple more where concurrent requests race), while
 * re-authenticating for every refused mount would cost two per blob.
 */
const MANY_LAYERS = 7;
const MANY_BLOBS = 2 * (1 + MANY_LAYERS);
const AMD = { architecture: 'amd64', os: 'linux' };
const ARM = { architecture: 'arm64', os: 'linux' };

describe('Docker Hub', () => {
  it.concurrent(
    'mounts with one token holding source pull and target pull,push; manifest GETs past the pull budget wait for Retry-After, HEADs are free',
    () =>
      withRegistry({ auth: 'token' }, async (s) => {
        const hub = dockerHub(s.proxy, { pullBudget: 2, windowSeconds: 2 });
        const { amd, arm, inputs } = await buildxSources(s, 'tester/app-amd64', 'tester/app-arm64');
        // The proxy counts as Docker Hub for the action too (test-only knob, src/registry/registries.ts).
        const run = await s.run(
          { sources: inputs, tags: `${s.proxy.host}/tester/app:1` },
          { MERGE_ACTION_HUB_HOSTS: s.proxy.host },
        );

        await expectIndex(s, run, 'tester/app:1', {
          schemaVersion: 2,
          mediaType: MediaTypes.ociIndex,
          manifests: [entry(amd, AMD), entry(arm.image, ARM)],
        });
        await expectContent(s, 'tester/app', [amd, arm.image]);
        // Three manifest GETs (two tags, one child) against a budget of two: one was answered 429 and retried after Retry-After.
        expect(hub.rateLimit.bit).toBeGreaterThanOrEqual(1);
        const limited = s.proxy.seen({ method: 'GET', path: api.manifest() }).filter((r) => r.status === 429);
        const retry = s.proxy
          .seen({ method: 'GET', path: api.manifest() })
          .find((r) => r.seq > limited[0].seq && r.url === limited[0].url);
        expect(retry?.status).toBe(200);
        expect((retry?.at ?? 0) - limited[0].at).toBeGreaterThanOrEqual(950);
        // The action counts the pulls as Hub does: the served GETs, not the one refused; each manifest once.
        expect(run.stdout).toContain(`::debug::Docker Hub counted ${hub.pulls.total()} requests`);
        expect(hub.pulls.byRepository()).toEqual({ 'tester/app-amd64': 1, 'tester/app-arm64': 2 });
        // What is only looked up in the target is HEADed: no pull is spent on it.
        expect(s.proxy.count({ method: 'GET', path: api.manifest('tester/app') })).toBe(0);
        expect(s.proxy.count({ method: 'HEAD', path: api.manifest('tester/app') })).toBeGreaterThanOrEqual(3);
        // Every blob mounted, each with a token that carried both scopes; nothing uploaded.
        expect(hub.mounts.seen).toHaveLength(6);
        for (const m of hub.mounts.seen) expect(m).toMatchObject({ sourcePull: true, targetPush: true, status: 201 });
        expect(uploadPuts(s.proxy, 'tester/app')).toEqual([]);
        expect(run.summary).toMatch(/6 mounted, 0 copied/);
      }),
  );

  it.concurrent(
    'a token without the source scope cannot mount: the blobs are uploaded instead, with no mount sent to be refused',
    () =>
      withRegistry({ auth: 'token', grant: withholdSourceFromPushTokens }, async (s) => {
        const hub = dockerHub(s.proxy, { pullBudget: 100, windowSeconds: 60 });
        const { amd, arm, inputs } = await buildxSources(s, 'tester/app-amd64', 'tester/app-arm64', MANY_LAYERS);
        const { run, tokens } = await runCountingTokens(s, { sources: inputs, tags: `${s.proxy.host}/tester/app:1` });

        await expectIndex(s, run, 'tester/app:1', {
          schemaVersion: 2,
          mediaType: MediaTypes.ociIndex,
          manifests: [entry(amd, AMD), entry(arm.image, ARM)],
        });
        await expectContent(s, 'tester/app', [amd, arm.image]);
        // The quirk bit: the tokens that carry the target's push lack the sources' pull, so a
        // mount with them is refused (as one sent by hand shows); the action sent none.
        const pushTokens = tokens.filter((t) => t.granted.some((g) => g.actions.includes('push')));
        expect(pushTokens.length).toBeGreaterThanOrEqual(1);
        for (const t of pushTokens) expect(t.granted.every((g) => g.name === 'tester/app')).toBe(true);
        expect(hub.mounts.seen).toEqual([]);
        const byHand = await registryFetch(
          s.via,
          `/v2/tester/app/blobs/uploads/?mount=${amd.config.digest}&from=tester/app-amd64`,
          {
            method: 'POST',
          },
        );
        await byHand.arrayBuffer();
        expect(hub.mounts.seen).toMatchObject([{ sourcePull: false, targetPush: true, status: 401 }]);
        // Every blob then uploaded into a session of its own.
        const puts = uploadPuts(s.proxy, 'tester/app').filter((r) => r.status === 201);
        expect(puts.map((r) => r.query.get('digest')).sort()).toEqual(
          blobsOf(amd, arm.image)
            .map((b) => b.digest)
            .sort(),
        );
        expect(tokens.length).toBeLessThan(MANY_BLOBS);
      }),
  );

  it.concurrent('a pull limit that resets later than the action may wait fails the step, saying so, and writes nothing', () =>
    withRegistry({ auth: 'token' }, async (s) => {
      dockerHub(s.proxy, { pullBudget: 1, windowSeconds: 3600 });
      const { inputs } = await buildxSources(s, 'tester/app-amd64', 'tester/app-arm64');
      const run = await s.run({ sources: inputs, tags: `${s.proxy.host}/tester/app:1` });

      const error = expectOneError(run);
      expect(error).toMatch(/HTTP 429 TOOMANYREQUESTS/);
      expect(error).toMatch(/pull rate limit.*authenticating/);
      expect(error).toMatch(/retry after 3\d{3} s/);
      // Blobs may have been mounted early (invisible, garbage-collected); no manifest, no tag.
      expect(s.proxy.writes().filter((w) => api.manifest().test(w.url))).toEqual([]);
      expect(await listTags(s.reg, 'tester/app')).toEqual([]);
    }),
  );
});

describe('Amazon ECR', () => {
  it.concurrent(
    'Basic auth; mounts answered 202 are filled through that session and never counted as mounted; every manifest carries mediaType',
    () =>
      withRegistry({ auth: 'htpasswd' }, async (s) => {
        const q = ecr(s.proxy);
        const { amd, arm, inputs } = await buildxSources(s, 'ci/app-amd64', 'ci/app-arm64');
        const run = await s.run({ sources: inputs, tags: `${s.proxy.host}/release/app:1` });

        await expectIndex(s, run, 'release/app:1', {
          schemaVersion: 2,
          mediaType: MediaTypes.ociIndex,
          manifests: [entry(amd, AMD), entry(arm.image, ARM)],
        });
        await expectContent(s, 'release/app', [amd, arm.image]);
        // Basic only: no token was ever asked for.
        expect(s.proxy.requests.some((r) => /^Bearer /.test(String(r.headers.authorization ?? '')))).toBe(false);
        expect(s.proxy.requests.filter((r) => r.headers.authorization !== undefined).length).toBeGreaterThan(0);
        // Each blob: a mount answered 202, then its bytes PUT into exactly that session; no other session opened.
        expect(q.mountSessions.sessions).toHaveLength(6);
        const puts = uploadPuts(s.proxy, 'release/app');
        expect(puts.map((r) => r.path).sort()).toEqual([...q.mountSessions.sessions].sort());
        expect(puts.every((r) => r.status === 201)).toBe(true);
        expect(s.proxy.count({ method: 'POST', path: api.uploads('release/app') })).toBe(6);
        expect(run.summary).toMatch(/0 mounted, 6 copied/);
        // Both children and the index were checked for mediaType; none was refused.
        expect(q.mediaTypeRequired).toMatchObject({ inspected: 3, bit: 0 });
        // The check bites: an OCI manifest without mediaType is refused.
        const bare = Buffer.from(
          JSON.stringify({ schemaVersion: 2, config: JSON.parse(amd.bytes.toString()).config, layers: [] }),
        );
        const res = await registryFetch(s.via, `/v2/release/app/manifests/${sha256Digest(bare)}`, {
          method: 'PUT',
          headers: { 'Content-Type': MediaTypes.ociManifest },
          body: bare,
        });
        expect(res.status).toBe(405);
        expect(q.mediaTypeRequired.bit).toBe(1);
      }),
  );

  it.concurrent('immutable tags: an identical re-run passes without PUTting the tag; moving the tag fails and says why', () =>
    withRegistry({ auth: 'htpasswd' }, async (s) => {
      const q = ecr(s.proxy);
      const { inputs } = await buildxSources(s, 'ci/app-amd64', 'ci/app-arm64');
      const tags = `${s.proxy.host}/release/app:1`;
      const tagPuts = () => s.proxy.count({ method: 'PUT', path: api.manifest('release/app', '1') });

      const first = await s.run({ sources: inputs, tags });
      expect(first.exitCode).toBe(0);
      expect(tagPuts()).toBe(1);

      const again = await s.run({ sources: inputs, tags });
      expect(again.errors).toEqual([]);
      expect(again.exitCode).toBe(0);
      expect(again.outputs.digest).toBe(first.outputs.digest);
      expect(again.summary).toContain('already at this digest');
      expect(tagPuts()).toBe(1);
      expect(q.immutableTags).toMatchObject({ inspected: 1, bit: 0 });

      // The emulation bites: PUTting the very same index to the tag again is refused.
      const index = Buffer.from(first.outputs.manifest);
      const res = await registryFetch(s.via, '/v2/release/app/manifests/1', {
        method: 'PUT',
        headers: { 'Content-Type': MediaTypes.ociIndex },
        body: index,
      });
      expect(res.status).toBe(400);
      expect(q.immutableTags.bit).toBe(1);

      // A different result cannot take the tag: the step fails naming the cause, the tag stays.
      const moved = await s.run({ sources: `${s.proxy.host}/ci/app-amd64:b`, tags });
      const error = expectOneError(moved);
      expect(error).toContain('TAG_INVALID');
      expect(error).toContain(`already points at ${first.outputs.digest}`);
      expect(error).toMatch(/tags are immutable.*new tag/);
      expect((await getManifest(s.reg, 'release/app', '1')).digest).toBe(first.outputs.digest);
    }),
  );

  it.concurrent(
    'an OCI image manifest without mediaType cannot be copied to ECR: the step fails, says what to change, and leaves no tag',
    () =>
      withRegistry({ auth: 'htpasswd' }, async (s) => {
        const q = ecr(s.proxy);
        // An OCI manifest as some older tools wrote it: valid by the spec, no top-level mediaType.
        const image = await pushImage(s.reg, 'ci/app-amd64', { platform: 'linux/amd64' });
        const bare = Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            config: JSON.parse(image.bytes.toString()).config,
            layers: JSON.parse(image.bytes.toString()).layers,
          }),
        );
        const legacy = await pushManifest(s.reg, 'ci/app-amd64', 'b', bare, MediaTypes.ociManifest);
        await pushImage(s.reg, 'ci/app-arm64', { platform: 'linux/arm64', tag: 'b' });

        const run = await s.run({
          sources: `${s.proxy.host}/ci/app-amd64:b\n${s.proxy.host}/ci/app-arm64:b`,
          tags: `${s.proxy.host}/release/app:1`,
        });
        const error = expectOneError(run);
        expect(q.mediaTypeRequired.bit).toBeGreaterThanOrEqual(1);
        expect(error).toContain(legacy.digest);
        expect(error).toContain('405 UNSUPPORTED');
        expect(error).toMatch(/no "mediaType" field.*rebuild/);
        expect(await listTags(s.reg, 'release/app')).toEqual([]);
      }),
  );
});

describe('Quay', () => {
  it.concurrent('a Docker manifest list with a platform on every entry; mounts carry from; no upload is cancelled', () =>
    withRegistry({ auth: 'token' }, async (s) => {
      const q = quay(s.proxy);
      const amd = await pushImage(s.reg, 'org/app-amd64', { platform: 'linux/amd64', tag: 'b', format: 'docker' });
      const arm = await pushImage(s.reg, 'org/app-arm64', { platform: 'linux/arm64/v8', tag: 'b', format: 'docker' });
      const run = await s.run({
        sources: `${s.proxy.host}/org/app-amd64:b\n${s.proxy.host}/org/app-arm64:b`,
        tags: `${s.proxy.host}/org/app:1`,
        'media-type': 'docker',
      });

      await expectIndex(s, run, 'org/app:1', {
        schemaVersion: 2,
        mediaType: MediaTypes.dockerList,
        manifests: [entry(amd, AMD), entry(arm, { ...ARM, variant: 'v8' })],
      });
      await expectContent(s, 'org/app', [amd, arm]);
      expect(q.listPlatforms).toMatchObject({ inspected: 1, bit: 0 });
      expect(q.mountFrom).toMatchObject({ inspected: 6, bit: 0 });
      expect(q.cancelUpload.inspected).toBe(0);
      expect(s.proxy.count({ method: 'DELETE' })).toBe(0);

      // Each rule bites on a request breaking it.
      const list = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaTypes.dockerList,
          manifests: [{ mediaType: amd.mediaType, digest: amd.digest, size: amd.size }],
        }),
      );
      const put = await registryFetch(s.via, '/v2/org/app/manifests/bare', {
        method: 'PUT',
        headers: { 'Content-Type': MediaTypes.dockerList },
        body: list,
      });
      expect(put.status).toBe(400);
      const mount = await registryFetch(s.via, `/v2/org/other/blobs/uploads/?mount=${amd.config.digest}`, { method: 'POST' });
      expect(mount.status).toBe(400);
      const session = await registryFetch(s.via, '/v2/org/other/blobs/uploads/', { method: 'POST' });
      const cancel = await registryFetch(s.via, session.headers.get('location') as string, { method: 'DELETE' });
      expect(cancel.status).toBe(405);
      expect([q.listPlatforms.bit, q.mountFrom.bit, q.cancelUpload.bit]).toEqual([1, 1, 1]);
    }),
  );
});

describe('Harbor', () => {
  it.concurrent(
    'a mount from a project Harbor does not find is answered 401: the blobs are uploaded, each refusal final (no re-authentication)',
    () =>
      withRegistry({ auth: 'token' }, async (s) => {
        const q = harbor(s.proxy, ['release']);
        const { amd, arm, inputs } = await buildxSources(s, 'ci/app-amd64', 'ci/app-arm64', MANY_LAYERS);
        const { run, tokens } = await runCountingTokens(s, { sources: inputs, tags: `${s.proxy.host}/release/app:1` });

        await expectIndex(s, run, 'release/app:1', {
          schemaVersion: 2,
          mediaType: MediaTypes.ociIndex,
          manifests: [entry(amd, AMD), entry(arm.image, ARM)],
        });
        await expectContent(s, 'release/app', [amd, arm.image]);
        expect(q.unknownProjectMount.bit).toBeGreaterThanOrEqual(2);
        expect(mountPosts(s.proxy, 'release/app').every((r) => r.status === 401)).toBe(true);
        const puts = uploadPuts(s.proxy, 'release/app').filter((r) => r.status === 201);
        expect(puts.map((r) => r.query.get('digest')).sort()).toEqual(
          blobsOf(amd, arm.image)
            .map((b) => b.digest)
            .sort(),
        );
        // Mounts go out at once (none waits for a first to settle): at most one per blob, each
        // sent once, with the token that holds both scopes, and no token asked for after a refusal.
        const mounts = mountPosts(s.proxy, 'release/app');
        expect(mounts.length).toBeLessThanOrEqual(MANY_BLOBS);
        expect(new Set(mounts.map((m) => m.query.get('mount'))).size).toBe(mounts.length);
        expect(tokens.length).toBeLessThanOrEqual(3);
      }),
  );
});

describe('GitLab (older token service)', () => {
  it.concurrent(
    'only the last scope of a token request is granted: single-scope tokens for reads and writes, mounts fall back to uploads',
    () =>
      withRegistry({ auth: 'token', grant: lastScopeOnly }, async (s) => {
        const { amd, arm, inputs } = await buildxSources(s, 'group/app-amd64', 'group/app-arm64', MANY_LAYERS);
        const { run, tokens: asked } = await runCountingTokens(s, { sources: inputs, tags: `${s.proxy.host}/group/app:1` });

        await expectIndex(s, run, 'group/app:1', {
          schemaVersion: 2,
          mediaType: MediaTypes.ociIndex,
          manifests: [entry(amd, AMD), entry(arm.image, ARM)],
        });
        await expectContent(s, 'group/app', [amd, arm.image]);
        // The quirk bit: requests for several scopes got only the last one.
        const several = asked.filter((t) => t.scopes.length > 1);
        expect(several.length).toBeGreaterThanOrEqual(1);
        for (const t of several) expect(t.granted).toHaveLength(1);
        // The writes went through on a token asked for the target alone.
        expect(asked.some((t) => t.scopes.length === 1 && t.scopes[0] === 'repository:group/app:pull,push')).toBe(true);
        // A mount needs two scopes in one token, which this service never grants: the tokens say
        // so, no mount is sent, and the blobs are uploaded.
        expect(mountPosts(s.proxy, 'group/app')).toEqual([]);
        const puts = uploadPuts(s.proxy, 'group/app').filter((r) => r.status === 201);
        expect(puts.map((r) => r.query.get('digest')).sort()).toEqual(
          blobsOf(amd, arm.image)
            .map((b) => b.digest)
            .sort(),
        );
        expect(asked.length).toBeLessThan(MANY_BLOBS);
      }),
  );
});

describe('Artifactory', () => {
  it.concurrent('a HEAD of missing content answered 403 means "unknown": everything is copied and the tag written', () =>
    withRegistry({ auth: 'htpasswd' }, async (s) => {
      const q = artifactory(s.proxy);
      const { amd, arm, inputs } = await buildxSources(s, 'docker-local/app-amd64', 'docker-local/app-arm64');
      const run = await s.run({ sources: inputs, tags: `${s.proxy.host}/docker-local/app:1` });

      await expectIndex(s, run, 'docker-local/app:1', {
        schemaVersion: 2,
        mediaType: MediaTypes.ociIndex,
        manifests: [entry(amd, AMD), entry(arm.image, ARM)],
      });
      await expectContent(s, 'docker-local/app', [amd, arm.image]);
      // Two child manifests and the tag were missing, and each HEAD was answered 403. Blobs are
      // mounted without a HEAD (a mount answers for a blob that is there too).
      const forbidden = s.proxy.seen({ method: 'HEAD' }).filter((r) => r.status === 403);
      // Looking for attachments HEADs the fallback and cosign tags (`sha256-<hex>[.sig|.att|.sbom]`)
      // of both images and of the arm64 source index; 403 there means "none" as well.
      const attachmentTags = forbidden.filter((r) => /\/manifests\/sha256-[a-f0-9]{64}/.test(r.path));
      expect(attachmentTags).toHaveLength(3 * 4);
      expect(forbidden).toHaveLength(2 + 1 + 3 * 4);
      expect(q.forbiddenHeads.bit).toBe(3 + 3 * 4);
      expect(s.proxy.seen({ method: 'HEAD', path: api.blob() })).toEqual([]);
      expect(forbidden.some((r) => api.manifest('docker-local/app', '1').test(r.url))).toBe(true);
    }),
  );
});

describe('GHCR', () => {
  it.concurrent(
    'attestations kept reach GHCR through the index (it has no referrers API); the description annotation is on the index',
    () =>
      withRegistry({ auth: 'token' }, async (s) => {
        const q = ghcr(s.proxy);
        const amd = await pushBuildxImage(s.reg, 'acme/app-amd64', { platform: 'linux/amd64', tag: 'b' });
        const arm = await pushBuildxImage(s.reg, 'acme/app-arm64', { platform: 'linux/arm64', tag: 'b' });
        const description = 'Merged multi-arch image of acme/app';
        const run = await s.run({
          sources: `${s.proxy.host}/acme/app-amd64:b\n${s.proxy.host}/acme/app-arm64:b`,
          tags: `${s.proxy.host}/acme/app:1`,
          attestations: 'keep',
          // As docker/metadata-action writes them with DOCKER_METADATA_ANNOTATIONS_LEVELS: manifest,index.
          annotations: `manifest:org.opencontainers.image.description=${description}\nindex:org.opencontainers.image.description=${description}`,
        });

        const attestation = (b: Buildx) => ({
          mediaType: MediaTypes.ociManifest,
          digest: b.attestation.digest,
          size: b.attestation.size,
          platform: { architecture: 'unknown', os: 'unknown' },
          annotations: { 'vnd.docker.reference.digest': b.image.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
        });
        await expectIndex(s, run, 'acme/app:1', {
          schemaVersion: 2,
          mediaType: MediaTypes.ociIndex,
          manifests: [entry(amd.image, AMD), entry(arm.image, ARM), attestation(amd), attestation(arm)],
          annotations: { 'org.opencontainers.image.description': description },
        });
        await expectContent(s, 'acme/app', [
          amd.image,
          arm.image,
          attestationContent(amd.attestation),
          attestationContent(arm.attestation),
        ]);
        // The manifest-level line cannot be applied without changing the images' digests: skipped, with a notice.
        expect(run.stdout).toMatch(/::notice::annotations skipped.*manifest:org\.opencontainers\.image\.description/);
        // The action does not rely on the referrers API: looking for attachments (referrers) it asks
        // once per child and per source index (4 + 2), takes GHCR's 404 for "no API" and falls back on tags.
        expect(q.noReferrers.bit).toBe(4 + 2);
        const referrers = await registryFetch(s.via, `/v2/acme/app/referrers/${amd.image.digest}`);
        expect(referrers.status).toBe(404);
        expect(q.noReferrers.bit).toBe(4 + 2 + 1);
      }),
  );
});

describe.each(Object.entries(TAG_LISTINGS))('tag patterns on %s', (name, listing) => {
  // ECR speaks Basic auth; the others' listings are exercised anonymously.
  const options: StartRegistryOptions = name === 'ecr' ? { auth: 'htpasswd' } : {};

  it('lists every page as the registry serves it and merges the matches in sorted order', () =>
    withRegistry(options, async (s) => {
      const q = tagListing(s.proxy, name, listing);
      const arm = await pushImage(s.reg, 'acme/app-build', { platform: 'linux/arm64', tag: '7-arm64' });
      const amd = await pushImage(s.reg, 'acme/app-build', { platform: 'linux/amd64', tag: '7-amd64' });
      const ppc = await pushImage(s.reg, 'acme/app-build', { platform: 'linux/ppc64le', tag: '7-ppc64le' });
      for (const decoy of ['6-amd64', '70-amd64', 'latest'])
        await pushImage(s.reg, 'acme/app-build', { platform: 'linux/amd64', tag: decoy });

      const run = await s.run({ sources: `${s.proxy.host}/acme/app-build:7-*`, tags: `${s.proxy.host}/acme/app:7` });
      await expectIndex(s, run, 'acme/app:7', {
        schemaVersion: 2,
        mediaType: MediaTypes.ociIndex,
        manifests: [entry(amd, AMD), entry(arm, ARM), entry(ppc, { architecture: 'ppc64le', os: 'linux' })],
      });
      // No page size of its own: the registry's default is always accepted (ECR refuses n > 1000).
      expect(q.requested[0]).toBeNull();
      // Paged registries served more than one page and every one was read; the others, one answer.
      const pages = listing.defaultPage !== undefined ? Math.ceil(6 / listing.defaultPage) : 1;
      expect(q.inspected).toBe(pages);
      expect(q.bit).toBe(pages - 1);
    }));

  it('names the pattern when the repository is not there', () =>
    withRegistry(options, async (s) => {
      tagListing(s.proxy, name, listing);
      const run = await s.run({ sources: `${s.proxy.host}/acme/nothing:7-*`, tags: `${s.proxy.host}/acme/app:7` });
      const error = expectOneError(run);
      expect(error).toContain(`source pattern "${s.proxy.host}/acme/nothing:7-*"`);
      expect(error).toMatch(listing.unknownRepository === 'UNAUTHORIZED' ? /the repository may not exist/ : /was not found/);
      expect(s.proxy.writes()).toEqual([]);
    }));
});
