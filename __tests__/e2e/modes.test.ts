/**
 * Every mode users need, each run through the real entry point against real
 * Distribution registries; each refusal happens before anything is written.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAction } from '../helpers/action';
import { writeDockerConfig } from '../helpers/dockerConfig';
import {
  blobExists,
  getManifest,
  listTags,
  MediaTypes,
  pushBlob,
  pushBuildxImage,
  pushImage,
  pushIndex,
  pushManifest,
} from '../helpers/fixtures';
import { startForwardProxy, writes } from '../helpers/forwardProxy';
import { type RunningRegistry, startRegistry } from '../helpers/registry';

let reg: RunningRegistry;
beforeAll(async () => {
  reg = await startRegistry({ auth: 'none' });
});
afterAll(async () => {
  await reg?.stop();
});

const at = (repo: string) => `${reg.host}/${repo}`;

describe('attestations', () => {
  it('keep: attestations travel with their images and follow them in the index', async () => {
    const amd = await pushBuildxImage(reg, 'keep/amd64', { platform: 'linux/amd64', tag: 'b' });
    const arm = await pushBuildxImage(reg, 'keep/arm64', { platform: 'linux/arm64', tag: 'b' });
    const run = await runAction({
      sources: `${at('keep/amd64')}:b,${at('keep/arm64')}:b`,
      tags: `${at('keep/out')}:1`,
      attestations: 'keep',
    });
    expect(run.errors).toEqual([]);
    const index = JSON.parse(run.outputs.manifest);
    expect(index.manifests.map((m: { digest: string }) => m.digest)).toEqual([
      amd.image.digest,
      arm.image.digest,
      amd.attestation.digest,
      arm.attestation.digest,
    ]);
    const images = index.manifests.slice(0, 2).map((m: { digest: string }) => m.digest);
    for (const att of index.manifests.slice(2)) {
      expect(att.annotations['vnd.docker.reference.type']).toBe('attestation-manifest');
      expect(images).toContain(att.annotations['vnd.docker.reference.digest']);
      expect(att.platform).toEqual({ architecture: 'unknown', os: 'unknown' });
    }
    // The attestation manifests and their blobs are in the target repository.
    for (const att of [amd.attestation, arm.attestation]) {
      const stored = await getManifest(reg, 'keep/out', att.digest);
      expect(stored.status).toBe(200);
      for (const blob of [stored.json.config, ...stored.json.layers])
        expect(await blobExists(reg, 'keep/out', blob.digest)).toBe(true);
    }
    expect(run.outputs.platforms).toBe('linux/amd64,linux/arm64');
  });
});

describe('platforms', () => {
  it('keeps exactly the listed platforms, in source order, matching arm64 with arm64/v8', async () => {
    const images = [];
    for (const p of ['linux/amd64', 'linux/arm64/v8', 'linux/s390x'])
      images.push(await pushImage(reg, 'plat/src', { platform: p }));
    await pushIndex(
      reg,
      'plat/src',
      'multi',
      images.map((i) => ({ manifest: i, platform: i.platform })),
    );
    const armv7 = await pushImage(reg, 'plat/arm', { platform: 'linux/arm/v7', tag: 'v7' });

    const run = await runAction({
      sources: `${at('plat/src')}:multi\n${at('plat/arm')}:v7`,
      tags: `${at('plat/out')}:1`,
      platforms: 'linux/arm, linux/arm64, linux/amd64',
    });
    expect(run.errors).toEqual([]);
    expect(run.outputs.platforms).toBe('linux/amd64,linux/arm64/v8,linux/arm/v7');
    const index = JSON.parse(run.outputs.manifest);
    expect(index.manifests.map((m: { digest: string }) => m.digest)).toEqual([images[0].digest, images[1].digest, armv7.digest]);
    expect((await getManifest(reg, 'plat/out', images[2].digest)).status).toBe(404);
  });

  it('names every platform no source provides, and writes nothing', async () => {
    await pushImage(reg, 'plat/one', { platform: 'linux/amd64', tag: 'a' });
    const run = await runAction({
      sources: `${at('plat/one')}:a`,
      tags: `${at('plat/none')}:1`,
      platforms: 'linux/amd64,linux/ppc64le,windows/amd64',
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/input "platforms": no source provides linux\/ppc64le, windows\/amd64/);
    expect(await listTags(reg, 'plat/none')).toEqual([]);
  });
});

describe('annotations', () => {
  it("takes docker/metadata-action's annotations output as is", async () => {
    await pushImage(reg, 'ann/src', { platform: 'linux/amd64', tag: 'a' });
    const annotations = [
      'manifest:org.opencontainers.image.title=app',
      'index:org.opencontainers.image.title=app',
      'index:org.opencontainers.image.description=My app, multi-arch',
      'org.opencontainers.image.source=https://github.com/o/app',
    ].join('\n');
    const run = await runAction({ sources: `${at('ann/src')}:a`, tags: `${at('ann/out')}:1`, annotations });
    expect(run.errors).toEqual([]);
    expect(JSON.parse(run.outputs.manifest).annotations).toEqual({
      'org.opencontainers.image.description': 'My app, multi-arch',
      'org.opencontainers.image.source': 'https://github.com/o/app',
      'org.opencontainers.image.title': 'app',
    });
    expect(run.stdout).toMatch(/::notice::annotations skipped.*manifest:org.opencontainers.image.title=app/);
    expect((await getManifest(reg, 'ann/out', '1')).json.annotations['org.opencontainers.image.title']).toBe('app');
  });

  it('refuses a bad line before any request', async () => {
    const run = await runAction({ sources: `${at('ann/src')}:a`, tags: `${at('ann/bad')}:1`, annotations: 'no-equals-sign' });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual(['input "annotations": "no-equals-sign" is not key=value']);
    expect(await listTags(reg, 'ann/bad')).toEqual([]);
  });
});

describe('media-type', () => {
  let dockerSources: string;
  let ociSource: string;
  beforeAll(async () => {
    await pushImage(reg, 'mt/docker', { platform: 'linux/amd64', format: 'docker', tag: 'amd64' });
    await pushImage(reg, 'mt/docker', { platform: 'linux/arm64', format: 'docker', tag: 'arm64' });
    await pushImage(reg, 'mt/oci', { platform: 'linux/arm64', tag: 'arm64' });
    dockerSources = `${at('mt/docker')}:amd64,${at('mt/docker')}:arm64`;
    ociSource = `${at('mt/oci')}:arm64`;
  });

  it('oci (the default) writes an OCI index even over Docker children', async () => {
    const run = await runAction({ sources: dockerSources, tags: `${at('mt/out')}:oci` });
    expect(run.outputs['media-type']).toBe(MediaTypes.ociIndex);
    expect((await getManifest(reg, 'mt/out', 'oci')).mediaType).toBe(MediaTypes.ociIndex);
  });

  it('docker writes a Docker manifest list without annotations', async () => {
    const run = await runAction({ sources: dockerSources, tags: `${at('mt/out')}:docker`, 'media-type': 'docker' });
    expect(run.errors).toEqual([]);
    const stored = await getManifest(reg, 'mt/out', 'docker');
    expect(stored.mediaType).toBe(MediaTypes.dockerList);
    expect(stored.json.mediaType).toBe(MediaTypes.dockerList);
    expect(stored.bytes?.toString()).not.toContain('annotations');
  });

  it('docker is refused with an OCI child or with annotations, before anything is written', async () => {
    const oci = await runAction({
      sources: `${at('mt/docker')}:amd64,${ociSource}`,
      tags: `${at('mt/refused')}:1`,
      'media-type': 'docker',
    });
    expect(oci.exitCode).toBe(1);
    expect(oci.errors[0]).toMatch(/input "media-type".*OCI manifest/);
    const ann = await runAction({
      sources: dockerSources,
      tags: `${at('mt/refused')}:1`,
      'media-type': 'docker',
      annotations: 'a=b',
    });
    expect(ann.exitCode).toBe(1);
    expect(ann.errors[0]).toMatch(/input "media-type".*annotations/);
    expect(await listTags(reg, 'mt/refused')).toEqual([]);
  });

  it('auto writes a Docker list only for Docker children without annotations', async () => {
    const docker = await runAction({ sources: dockerSources, tags: `${at('mt/out')}:auto1`, 'media-type': 'auto' });
    expect(docker.outputs['media-type']).toBe(MediaTypes.dockerList);
    const withAnnotations = await runAction({
      sources: dockerSources,
      tags: `${at('mt/out')}:auto2`,
      'media-type': 'auto',
      annotations: 'a=b',
    });
    expect(withAnnotations.outputs['media-type']).toBe(MediaTypes.ociIndex);
    const mixed = await runAction({
      sources: `${at('mt/docker')}:amd64,${ociSource}`,
      tags: `${at('mt/out')}:auto3`,
      'media-type': 'auto',
    });
    expect(mixed.outputs['media-type']).toBe(MediaTypes.ociIndex);
  });
});

/** The registry under a made-up name, so the action sends it through HTTP_PROXY (loopback goes direct). */
const NAME = 'registry.test';
const namedHost = () => `${NAME}:${reg.host.split(':')[1]}`;
const named = (repo: string) => `${namedHost()}/${repo}`;
const viaProxy = (proxyUrl: string) => ({ HTTP_PROXY: proxyUrl, NO_PROXY: '' });

describe('dry-run', () => {
  it('gives the outputs and summary of a real run, and sends no write request', async () => {
    await pushBuildxImage(reg, 'dry/amd64', { platform: 'linux/amd64', tag: 'b' });
    await pushBuildxImage(reg, 'dry/arm64', { platform: 'linux/arm64', tag: 'b' });
    const inputs = {
      sources: `${named('dry/amd64')}:b,${named('dry/arm64')}:b`,
      tags: `${named('dry/out')}:1,${named('dry/out')}:latest`,
      'insecure-registries': NAME,
    };
    const proxy = await startForwardProxy({ [NAME]: '127.0.0.1' });
    try {
      const dry = await runAction({ ...inputs, 'dry-run': 'true' }, viaProxy(proxy.url));
      expect(dry.errors).toEqual([]);
      // It did read the registry (through the proxy, which sees every request), and wrote nothing.
      expect(proxy.requests.filter((r) => r.method === 'GET').length).toBeGreaterThan(0);
      expect(writes(proxy.requests)).toEqual([]);
      expect(await listTags(reg, 'dry/out')).toEqual([]);
      expect(dry.summary).toMatch(/dry run/i);
      expect(dry.summary).toContain('would be written');

      const real = await runAction(inputs, viaProxy(proxy.url));
      expect(real.errors).toEqual([]);
      expect(writes(proxy.requests).length).toBeGreaterThan(0);
      expect(dry.outputs).toEqual(real.outputs);
      expect((await getManifest(reg, 'dry/out', 'latest')).digest).toBe(dry.outputs.digest);
    } finally {
      await proxy.close();
    }
  });
});

describe('proxies and plain HTTP', () => {
  beforeAll(async () => {
    await pushImage(reg, 'proxy/src', { platform: 'linux/amd64', tag: 'a' });
  });

  it('sends requests to an insecure registry through HTTP_PROXY, and straight to hosts in NO_PROXY', async () => {
    const proxy = await startForwardProxy({ [NAME]: '127.0.0.1' });
    try {
      const inputs = { sources: `${named('proxy/src')}:a`, tags: `${named('proxy/out')}:1`, 'insecure-registries': NAME };
      const proxied = await runAction(inputs, viaProxy(proxy.url));
      expect(proxied.errors).toEqual([]);
      expect(proxy.requests.some((r) => r.method === 'PUT' && r.url === `http://${namedHost()}/v2/proxy/out/manifests/1`)).toBe(
        true,
      );

      // NO_PROXY names the host: the proxy sees nothing (and the name cannot resolve without it).
      const seen = proxy.requests.length;
      const direct = await runAction(inputs, { HTTP_PROXY: proxy.url, NO_PROXY: NAME });
      expect(direct.exitCode).toBe(1);
      expect(proxy.requests.length).toBe(seen);
    } finally {
      await proxy.close();
    }
  });

  it('never uses plain HTTP for a registry that is neither loopback nor listed as insecure', async () => {
    const proxy = await startForwardProxy({ [NAME]: '127.0.0.1' });
    try {
      const run = await runAction({ sources: `${named('proxy/src')}:a`, tags: `${named('proxy/out')}:2` }, viaProxy(proxy.url));
      expect(run.exitCode).toBe(1);
      // Only CONNECT tunnels (HTTPS) were asked for; no plain-HTTP request left the action.
      expect(proxy.requests.length).toBeGreaterThan(0);
      expect(proxy.requests.filter((r) => r.method !== 'CONNECT')).toEqual([]);
      expect(proxy.requests[0].url).toBe(namedHost());
    } finally {
      await proxy.close();
    }
  });

  it('reaches loopback registries directly even when a proxy is set', async () => {
    const proxy = await startForwardProxy();
    try {
      const run = await runAction({ sources: `${at('proxy/src')}:a`, tags: `${at('proxy/out')}:3` }, viaProxy(proxy.url));
      expect(run.errors).toEqual([]);
      expect(proxy.requests).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

describe('across registries', () => {
  let source: RunningRegistry;
  let target: RunningRegistry;
  beforeAll(async () => {
    [source, target] = await Promise.all([
      startRegistry({ auth: 'htpasswd', username: 'src-user', password: 'src-pass' }),
      startRegistry({ auth: 'token', username: 'dst-user', password: 'dst-pass' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([source?.stop(), target?.stop()]);
  });

  it('streams blobs from the source registry to targets on several registries, each with its own credentials', async () => {
    // One large layer: the copy must stream, never hold the blob in memory.
    const big = Buffer.alloc(256 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i, i);
    const layer = await pushBlob(source, 'x/amd64', big, MediaTypes.ociLayer);
    const config = await pushBlob(
      source,
      'x/amd64',
      Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [] } })),
      MediaTypes.ociConfig,
    );
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaTypes.ociManifest,
        config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
        layers: [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.size }],
      }),
    );
    const amd = await pushManifest(source, 'x/amd64', 'v1', manifest, MediaTypes.ociManifest);
    const arm = await pushBuildxImage(source, 'x/arm64', { platform: 'linux/arm64', tag: 'v1' });

    const config2 = await writeDockerConfig({
      [source.host]: { username: 'src-user', password: 'src-pass' },
      [target.host]: { username: 'dst-user', password: 'dst-pass' },
    });
    try {
      const run = await runAction(
        { sources: `${source.host}/x/amd64:v1\n${source.host}/x/arm64:v1`, tags: `${target.host}/y/app:1\n${reg.host}/z/app:1` },
        { DOCKER_CONFIG: config2.dir },
        { rss: true },
      );
      expect(run.errors).toEqual([]);
      expect(run.exitCode).toBe(0);
      for (const t of [target, reg]) {
        const repo = t === target ? 'y/app' : 'z/app';
        const idx = await getManifest(t, repo, '1');
        expect(idx.digest).toBe(run.outputs.digest);
        expect(await blobExists(t, repo, layer.digest)).toBe(true);
        for (const blob of [arm.image.config, ...arm.image.layers]) expect(await blobExists(t, repo, blob.digest)).toBe(true);
        expect((await getManifest(t, repo, amd.digest)).status).toBe(200);
      }
      // 256 MiB copied twice with a peak well below one copy of it (a blob held in memory would
      // be above 256 MiB). Node 24 peaks 30–40 MB higher than Node 20 for the same streaming
      // (133–179 MiB measured; BENCHMARKS.md, "Known gaps"), hence the margin.
      expect(run.peakRssBytes).toBeLessThan(200 * 1024 * 1024);
      // The token service was asked by the right user, with pull,push for the target.
      const scopes = (target.tokenServer?.requests ?? []).flatMap((r) => r.scopes.map(String));
      expect(scopes.join(' ')).toContain('y/app');
    } finally {
      await config2.cleanup();
    }
  }, 180_000);
});

describe('credential helpers', () => {
  let secured: RunningRegistry;
  let binDir: string;
  beforeAll(async () => {
    secured = await startRegistry({ auth: 'htpasswd', username: 'helper-user', password: 'helper-pass' });
    binDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cred-helper-'));
    // Answers as docker-credential-* helpers do: server URL on stdin, JSON on stdout.
    const script = `#!/bin/sh
[ "$1" = get ] || exit 2
read server
if [ "$server" = "${secured.host}" ]; then
  printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-pass"}' "$server"
else
  echo "credentials not found in native keychain"; exit 1
fi
`;
    await fs.writeFile(path.join(binDir, 'docker-credential-testhelper'), script, { mode: 0o755 });
  });
  afterAll(async () => {
    await secured?.stop();
    await fs.rm(binDir, { recursive: true, force: true });
  });

  it.each([
    ['credHelpers', (host: string) => ({ credHelpers: { [host]: 'testhelper' } })],
    ['credsStore', () => ({ credsStore: 'testhelper' })],
  ])('honours %s', async (kind, config) => {
    await pushImage(secured, 'h/src', { platform: 'linux/amd64', tag: 'a' });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'docker-config-'));
    try {
      await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify(config(secured.host)));
      const run = await runAction(
        { sources: `${secured.host}/h/src:a`, tags: `${secured.host}/h/out:${kind}` },
        { DOCKER_CONFIG: dir, PATH: `${binDir}:${process.env.PATH}` },
      );
      expect(run.errors).toEqual([]);
      expect((await getManifest(secured, 'h/out', kind)).digest).toBe(run.outputs.digest);
      // `::add-mask::` is how a secret is registered for masking; nothing else may carry it.
      const printed = (run.stdout + run.stderr).split('\n').filter((l) => !l.startsWith('::add-mask::'));
      expect(printed.join('\n')).not.toContain('helper-pass');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('does not send github-token to a registry other than ghcr.io', async () => {
    const token = await startRegistry({ auth: 'token' });
    try {
      await pushImage(token, 'g/src', { platform: 'linux/amd64', tag: 'a' });
      const before = token.tokenServer?.requests.length ?? 0;
      const run = await runAction({
        sources: `${token.host}/g/src:a`,
        tags: `${token.host}/g/out:1`,
        'github-token': 'ghs_not_for_you',
      });
      // No credentials for it: the token service refuses anonymous access, and never saw the GitHub token.
      expect(run.exitCode).toBe(1);
      expect(run.errors[0]).toMatch(/anonymously/);
      const asked = token.tokenServer?.requests.slice(before) ?? [];
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.filter((r) => r.authorization)).toEqual([]);
    } finally {
      await token.stop();
    }
  });
});
