/**
 * Smoke test of the end-to-end helpers against real Distribution registries:
 * if these fail, the e2e suites' failures say nothing about src/.
 */
import { workflowCommands } from './helpers/cli';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeDockerConfig } from './helpers/dockerConfig';
import {
  blobExists,
  getManifest,
  listTags,
  MediaTypes,
  pushBlob,
  pushBuildxImage,
  pushImage,
  pushIndex,
  registryFetch,
  sha256Digest,
} from './helpers/fixtures';
import { startRegistry, type AuthMode, type RunningRegistry } from './helpers/registry';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.each<AuthMode>(['none', 'htpasswd', 'token'])('registry with auth=%s', (auth) => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry({ auth });
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('pushes a plain image and reads it back byte for byte', async () => {
    const repo = 'smoke/plain';
    const img = await pushImage(reg, repo, { platform: 'linux/arm64/v8', format: 'docker', tag: 'arm64', layers: 3 });
    expect(img.mediaType).toBe(MediaTypes.dockerManifest);
    expect(img.platform).toEqual({ architecture: 'arm64', os: 'linux', variant: 'v8' });
    expect(img.layers).toHaveLength(3);

    const got = await getManifest(reg, repo, 'arm64');
    expect(got.status).toBe(200);
    expect(sha256Digest(got.bytes!)).toBe(img.digest);
    expect(got.digest).toBe(img.digest);
    expect(got.mediaType).toBe(MediaTypes.dockerManifest);
    expect(got.json.layers.map((l: { digest: string }) => l.digest)).toEqual(img.layers.map((l) => l.digest));

    for (const blob of [img.config, ...img.layers]) expect(await blobExists(reg, repo, blob.digest)).toBe(true);
    expect(await blobExists(reg, repo, sha256Digest('never pushed'))).toBe(false);
    expect(await listTags(reg, repo)).toEqual(['arm64']);
    expect(await listTags(reg, 'smoke/absent')).toEqual([]);

    const config = await registryFetch(reg, `/v2/${repo}/blobs/${img.config.digest}`);
    expect(await config.json()).toMatchObject({ architecture: 'arm64', os: 'linux', variant: 'v8' });
  });

  it('pushes a buildx-style index with an attestation manifest', async () => {
    const repo = 'smoke/buildx';
    const { index, image, attestation } = await pushBuildxImage(reg, repo, { platform: 'linux/amd64', tag: 'amd64' });

    const got = await getManifest(reg, repo, 'amd64');
    expect(got.status).toBe(200);
    expect(got.mediaType).toBe(MediaTypes.ociIndex);
    expect(sha256Digest(got.bytes!)).toBe(index.digest);
    expect(got.json.manifests).toEqual([
      {
        mediaType: MediaTypes.ociManifest,
        digest: image.digest,
        size: image.size,
        platform: { architecture: 'amd64', os: 'linux' },
      },
      {
        mediaType: MediaTypes.ociManifest,
        digest: attestation.digest,
        size: attestation.size,
        annotations: { 'vnd.docker.reference.digest': image.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
        platform: { architecture: 'unknown', os: 'unknown' },
      },
    ]);

    const att = await getManifest(reg, repo, attestation.digest);
    expect(sha256Digest(att.bytes!)).toBe(attestation.digest);
    expect(att.json.layers[0]).toMatchObject({
      mediaType: MediaTypes.inToto,
      annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' },
    });
    expect(sha256Digest((await getManifest(reg, repo, image.digest)).bytes!)).toBe(image.digest);
  });

  it('pushes a multi-arch index, and the registry refuses one whose child is elsewhere', async () => {
    const a = await pushImage(reg, 'smoke/multi', { platform: 'linux/amd64', seed: 'a' });
    const b = await pushImage(reg, 'smoke/multi', { platform: 'linux/arm64', seed: 'b' });
    const idx = await pushIndex(reg, 'smoke/multi', 'latest', [
      { manifest: a, platform: a.platform },
      { manifest: b, platform: b.platform },
    ]);
    const got = await getManifest(reg, 'smoke/multi', 'latest');
    expect(got.digest).toBe(idx.digest);
    expect(got.json.manifests.map((m: { digest: string }) => m.digest)).toEqual([a.digest, b.digest]);

    // Distribution checks index children exist in the same repository.
    await expect(pushIndex(reg, 'smoke/other', 'latest', [{ manifest: a, platform: a.platform }])).rejects.toThrow(
      /HTTP 400.*MANIFEST_BLOB_UNKNOWN/,
    );
  });

  it('gives the same digest for the same seed', async () => {
    const one = await pushImage(reg, 'smoke/seeded', { platform: 'linux/s390x', seed: 'fixed' });
    const two = await pushImage(reg, 'smoke/seeded', { platform: 'linux/s390x', seed: 'fixed' });
    const other = await pushImage(reg, 'smoke/seeded', { platform: 'linux/s390x', seed: 'other' });
    expect(two.digest).toBe(one.digest);
    expect(other.digest).not.toBe(one.digest);
  });

  if (auth !== 'none') {
    it('refuses anonymous and wrong-password pushes', async () => {
      await expect(pushBlob({ host: reg.host }, 'smoke/denied', Buffer.from('x'))).rejects.toThrow(/HTTP 401/);
      await expect(
        pushBlob({ host: reg.host, username: reg.username, password: 'wrong' }, 'smoke/denied', Buffer.from('x')),
      ).rejects.toThrow(/HTTP 401/);
      expect((await getManifest({ host: reg.host }, 'smoke/plain', 'arm64')).status).toBe(401);
    });
  }

  if (auth === 'token') {
    it('gets tokens for the scopes the registry asked for', async () => {
      const ts = reg.tokenServer!;
      ts.clearRequests();
      await pushBlob(reg, 'smoke/scoped', Buffer.from('scoped'));
      await pushBlob({ host: reg.host }, 'smoke/scoped', Buffer.from('anon')).catch(() => undefined);

      // Distribution lists a challenge's actions in no fixed order (push,pull or pull,push).
      const sorted = (scope: string) => scope.replace(/:([^:]+)$/, (_, a: string) => `:${a.split(',').sort().join(',')}`);
      const granted = ts.requests.filter((r) => r.status === 200 && r.authorization);
      expect(
        granted.map((r) => ({
          ...r,
          scopes: r.scopes.map(sorted),
          granted: r.granted.map((g) => ({ ...g, actions: [...g.actions].sort() })),
        })),
      ).toContainEqual(
        expect.objectContaining({
          service: 'test-registry',
          scopes: ['repository:smoke/scoped:pull,push'],
          user: reg.username,
          granted: [{ type: 'repository', name: 'smoke/scoped', actions: ['pull', 'push'] }],
        }),
      );
      expect(ts.requests).toContainEqual(expect.objectContaining({ authorization: false, status: 401 }));
    });
  }
});

describe('token registry with a quirky token service', () => {
  let reg: RunningRegistry;
  afterAll(async () => {
    await reg?.stop();
  });

  it('honours the grant hook (pull-only tokens cannot push)', async () => {
    reg = await startRegistry({
      auth: 'token',
      grant: (requested) => requested.map((s) => ({ ...s, actions: ['pull'] })),
    });
    await expect(pushBlob(reg, 'smoke/readonly', Buffer.from('x'))).rejects.toThrow(/HTTP 401/);
    expect(reg.tokenServer!.requests.at(-1)?.granted).toEqual([
      { type: 'repository', name: 'smoke/readonly', actions: ['pull'] },
    ]);
  });
});

describe('registry lifecycle', () => {
  it('stop() kills the process and removes its temp dir', async () => {
    const reg = await startRegistry({ auth: 'token' });
    expect(pidAlive(reg.pid)).toBe(true);
    const res = await fetch(`http://${reg.host}/v2/`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain(`realm="${reg.tokenServer!.realm}"`);
    await reg.stop();
    expect(pidAlive(reg.pid)).toBe(false);
    await expect(fs.stat(reg.dataDir)).rejects.toThrow(/ENOENT/);
    await expect(fetch(reg.tokenServer!.realm)).rejects.toThrow();
  });
});

describe('writeDockerConfig', () => {
  it('writes auths as docker login does', async () => {
    const cfg = await writeDockerConfig({ '127.0.0.1:5000': { username: 'u', password: 'p:w' } });
    const file = path.join(cfg.dir, 'config.json');
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toEqual({ auths: { '127.0.0.1:5000': { auth: 'dTpwOnc=' } } });
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    await cfg.cleanup();
    await expect(fs.stat(cfg.dir)).rejects.toThrow(/ENOENT/);
  });
});

describe('workflowCommands (the check that the command line prints none)', () => {
  it('finds a workflow command on stdout or stderr, indented or not', () => {
    expect(workflowCommands({ exitCode: 0, stdout: 'a\n::error::x\n', stderr: '  ::add-mask::y\nb :: c\n' })).toEqual([
      '::error::x',
      '  ::add-mask::y',
    ]);
    expect(workflowCommands({ exitCode: 0, stdout: 'error: x', stderr: 'a :: b\n| ::notice::c' })).toEqual([]);
  });
});
