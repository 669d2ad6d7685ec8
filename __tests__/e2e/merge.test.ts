/**
 * The main path as users run it: the real entry point (dist/index.js) against a real
 * Distribution registry, with no auth, htpasswd auth and token auth.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { runAction } from '../helpers/action';
import { loggedIn } from '../helpers/dockerConfig';
import { blobExists, getManifest, listTags, MediaTypes, pushBuildxImage, pushImage, sha256Digest } from '../helpers/fixtures';
import { type AuthMode, type RunningRegistry, startRegistry } from '../helpers/registry';

const exec = promisify(execFile);

describe.each<AuthMode>(['none', 'htpasswd', 'token'])('merge against Distribution (auth: %s)', (auth) => {
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

  it('merges two plain images of the same repository under several tags', async () => {
    const amd = await pushImage(reg, 'same/app', { platform: 'linux/amd64', tag: 'build-amd64' });
    const arm = await pushImage(reg, 'same/app', { platform: 'linux/arm64/v8', tag: 'build-arm64', format: 'docker' });

    const run = await runAction(
      {
        sources: `${reg.host}/same/app:build-amd64\n${reg.host}/same/app:build-arm64`,
        tags: `${reg.host}/same/app:1.0, ${reg.host}/same/app:latest`,
      },
      env,
    );
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);

    const index = JSON.parse(run.outputs.manifest);
    expect(run.outputs.digest).toBe(sha256Digest(run.outputs.manifest));
    expect(run.outputs.image).toBe(`${reg.host}/same/app@${run.outputs.digest}`);
    expect(run.outputs.platforms).toBe('linux/amd64,linux/arm64/v8');
    expect(run.outputs['media-type']).toBe(MediaTypes.ociIndex);
    expect(index).toEqual({
      schemaVersion: 2,
      mediaType: MediaTypes.ociIndex,
      manifests: [
        {
          mediaType: MediaTypes.ociManifest,
          digest: amd.digest,
          size: amd.size,
          platform: { architecture: 'amd64', os: 'linux' },
        },
        {
          mediaType: MediaTypes.dockerManifest,
          digest: arm.digest,
          size: arm.size,
          platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
        },
      ],
    });
    for (const tag of ['1.0', 'latest']) {
      const stored = await getManifest(reg, 'same/app', tag);
      expect(stored.digest).toBe(run.outputs.digest);
      expect(stored.bytes?.toString()).toBe(run.outputs.manifest);
    }
    expect(run.summary).toContain(run.outputs.digest);
    expect(run.summary).toContain('linux/arm64/v8');
  });

  it('merges buildx sources from their own repositories: unwraps, strips attestations, copies content', async () => {
    const amd = await pushBuildxImage(reg, 'ci/app-amd64', { platform: 'linux/amd64', tag: 'sha-1' });
    const arm = await pushBuildxImage(reg, 'ci/app-arm64', { platform: 'linux/arm64', tag: 'sha-1' });

    const inputs = {
      sources: `${reg.host}/ci/app-amd64:sha-1, ${reg.host}/ci/app-arm64@${arm.index.digest}`,
      tags: `${reg.host}/release/app:1\n${reg.host}/release/app:stable\n${reg.host}/mirror/app:1`,
    };
    const run = await runAction(inputs, env);
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);

    const index = JSON.parse(run.outputs.manifest);
    expect(index.manifests.map((m: { digest: string }) => m.digest)).toEqual([amd.image.digest, arm.image.digest]);
    expect(run.outputs.manifest).not.toContain('attestation-manifest');
    expect(run.outputs.platforms).toBe('linux/amd64,linux/arm64');

    for (const repo of ['release/app', 'mirror/app']) {
      for (const image of [amd.image, arm.image]) {
        const child = await getManifest(reg, repo, image.digest);
        expect(child.status).toBe(200);
        expect(child.bytes?.equals(image.bytes)).toBe(true);
        for (const blob of [image.config, ...image.layers]) expect(await blobExists(reg, repo, blob.digest)).toBe(true);
      }
      // Stripped attestations are not copied.
      expect((await getManifest(reg, repo, amd.attestation.digest)).status).toBe(404);
    }
    expect((await getManifest(reg, 'release/app', 'stable')).digest).toBe(run.outputs.digest);
    expect((await getManifest(reg, 'mirror/app', '1')).digest).toBe(run.outputs.digest);

    // Same inputs, same bytes: a re-run is a no-op that leaves the tags alone.
    const again = await runAction(inputs, env);
    expect(again.exitCode).toBe(0);
    expect(again.outputs.digest).toBe(run.outputs.digest);
    expect(again.summary).toContain('already at this digest');
    expect(again.summary).not.toMatch(/: written/);
    // Its tags held the index, so nothing was looked for or copied: every child and blob is present.
    const blobs = new Set([amd.image, arm.image].flatMap((i) => [i.config, ...i.layers].map((b) => b.digest))).size;
    expect(again.summary).toContain(`${blobs} blobs present, 0 mounted, 0 copied (0 B); 2 manifests present, 0 pushed`);

    // A real client pulls each platform of the merged image and gets the source's layers.
    const creds = reg.username ? ['--src-creds', `${reg.username}:${reg.password}`] : [];
    for (const [arch, image] of [
      ['amd64', amd.image],
      ['arm64', arm.image],
    ] as const) {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skopeo-'));
      try {
        await exec('skopeo', [
          'copy',
          '--src-tls-verify=false',
          ...creds,
          '--override-os',
          'linux',
          '--override-arch',
          arch,
          `docker://${reg.host}/release/app:1`,
          `dir:${dir}`,
        ]);
        const pulled = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8'));
        expect(pulled.layers.map((l: { digest: string }) => l.digest)).toEqual(image.layers.map((l) => l.digest));
        expect(pulled.config.digest).toBe(image.config.digest);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    }
  });

  it('fails on a missing source, names it, and writes nothing', async () => {
    await pushImage(reg, 'partial/app', { platform: 'linux/amd64', tag: 'amd64' });
    const missing = `${reg.host}/partial/app:arm64`;
    const run = await runAction({ sources: `${reg.host}/partial/app:amd64\n${missing}`, tags: `${reg.host}/partial/out:1` }, env);
    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(`${missing}`);
    expect(run.errors[0]).toMatch(/404|MANIFEST_UNKNOWN/);
    expect(await listTags(reg, 'partial/out')).toEqual([]);
    expect(run.outputs).toEqual({});
  });
});
