/**
 * The benchmark's scenarios: their fixtures (pushed straight to the registries, not
 * through the latency proxies), the references each tool is given, and their lower bounds.
 * (f) is (c) at twice the platforms and layers; (g) re-runs a merge whose tag already holds
 * the index.
 */
import { randomBytes } from 'node:crypto';
import {
  MediaTypes,
  parsePlatform,
  pushBlob,
  pushBuildxImage,
  pushImage,
  pushManifest,
  type PushedBlob,
  type RegistryTarget,
} from '../__tests__/helpers/fixtures';
import type { LatencyProxy } from './latencyProxy';
import {
  buildxOtherRepositories,
  crossRegistry,
  type LowerBound,
  plainOtherRepositories,
  plainOtherRepositoriesWithToken,
  plainSameRepository,
  reRun,
} from './lowerBound';
import type { CopySpec } from './plainCopy';
import type { BenchRegistry } from './registry';

export const SCENARIO_IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

export interface Sizes {
  /** (c), (d), (g): layers per image and bytes per layer (mounted, never copied). */
  readonly manyLayers: number;
  /** (f): layers per image, for each of its 16 platforms. */
  readonly manyPlatformLayers: number;
  readonly smallLayerBytes: number;
  /** (e): layers per image and bytes per layer (copied across registries). */
  readonly bigLayers: number;
  readonly bigLayerBytes: number;
}

export const FULL_SIZES: Sizes = {
  manyLayers: 10,
  manyPlatformLayers: 20,
  smallLayerBytes: 4096,
  bigLayers: 3,
  bigLayerBytes: 64 * 1024 * 1024,
};
export const QUICK_SIZES: Sizes = {
  manyLayers: 2,
  manyPlatformLayers: 2,
  smallLayerBytes: 1024,
  bigLayers: 3,
  bigLayerBytes: 256 * 1024,
};

export const EIGHT_PLATFORMS = [
  'linux/amd64',
  'linux/arm64',
  'linux/arm/v7',
  'linux/arm/v6',
  'linux/386',
  'linux/ppc64le',
  'linux/s390x',
  'linux/riscv64',
];

/** (f): eight more, each a distinct platform entry. */
export const SIXTEEN_PLATFORMS = [
  ...EIGHT_PLATFORMS,
  'linux/amd64/v2',
  'linux/amd64/v3',
  'linux/arm/v5',
  'linux/mips64le',
  'linux/mips64',
  'linux/loong64',
  'linux/ppc64',
  'freebsd/amd64',
];

/**
 * HTTPS (Distribution with `http.tls`: HTTP/2 offered through ALPN), HTTPS with HTTP/2 disabled
 * (`http.http2.disabled`, as registries behind an HTTP/1.1-only front end serve), or plain HTTP.
 */
export type Transport = 'tls' | 'tls1' | 'plain';

/** Whether the registries of a transport serve TLS. */
export function overTls(transport: Transport): boolean {
  return transport !== 'plain';
}

/** A scenario ready to run: what each tool is given, over the latency proxies. */
export interface PreparedScenario {
  readonly id: ScenarioId;
  readonly title: string;
  readonly transport: Transport;
  readonly sources: readonly string[];
  /** A fresh target per run (`label` names the tool and run), so no run finds another's work. */
  target(label: string): string;
  /** Every proxy the run's traffic crosses (registries and token service). */
  readonly proxies: readonly LatencyProxy[];
  /** Credentials by proxied host, for the Docker config both tools read. */
  readonly auths: Record<string, { username: string; password: string }>;
  readonly lowerBound: LowerBound;
  /** (e) only: the same copy for the baseline, and the same scenario without the proxies. */
  readonly copy?: { spec(label: string, parallel: boolean, direct: boolean): CopySpec };
  readonly direct?: { readonly sources: readonly string[]; target(label: string): string };
  /** (g): the merge run once, unmeasured and straight to the registry, before the measured runs. */
  readonly before?: { readonly sources: readonly string[]; readonly target: string };
  /** At most this many runs of each peer tool (they take minutes on the biggest scenarios); 0 = none. */
  readonly peerRuns?: number;
  /** Every CA certificate the tools must trust (TLS only), in one PEM bundle. */
  readonly caFile?: string;
}

/** The registries a scenario may need (all of one transport), started on first use. */
export interface Registries {
  readonly transport: Transport;
  /** The PEM bundle of every TLS registry's certificate started so far (TLS only). */
  readonly caFile?: string;
  plain(): Promise<BenchRegistry>;
  second(): Promise<BenchRegistry>;
  token(): Promise<BenchRegistry>;
}

function directOf(r: BenchRegistry): RegistryTarget {
  return { host: r.directHost, username: r.username, password: r.password };
}

function authsOf(r: BenchRegistry): PreparedScenario['auths'] {
  return r.username && r.password ? { [r.host]: { username: r.username, password: r.password } } : {};
}

/** An image whose layers are incompressible random bytes (fast to make, even at 64 MiB). */
async function pushRandomImage(
  t: RegistryTarget,
  repo: string,
  opts: { platform: string; layers: number; layerBytes: number; tag: string },
): Promise<PushedBlob[]> {
  const layers: PushedBlob[] = [];
  for (let i = 0; i < opts.layers; i++) layers.push(await pushBlob(t, repo, randomBytes(opts.layerBytes), MediaTypes.ociLayer));
  const platform = parsePlatform(opts.platform);
  const configJson = { ...platform, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) }, config: {} };
  const config = await pushBlob(t, repo, Buffer.from(JSON.stringify(configJson)), MediaTypes.ociConfig);
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  await pushManifest(t, repo, opts.tag, Buffer.from(JSON.stringify(manifest)), MediaTypes.ociManifest);
  return [config, ...layers];
}

export async function prepare(id: ScenarioId, regs: Registries, sizes: Sizes): Promise<PreparedScenario> {
  const prepared = await fixturesOf(id, regs, sizes);
  return { ...prepared, transport: regs.transport, caFile: regs.caFile };
}

/** Pushes `count` single-platform images, each into `bench/<prefix>-src-<i>`, tag v1. */
async function pushManyPlatforms(r: BenchRegistry, prefix: string, platforms: readonly string[], layers: number, sizes: Sizes) {
  for (const [i, platform] of platforms.entries()) {
    await pushImage(directOf(r), `bench/${prefix}-src-${i}`, {
      platform,
      tag: 'v1',
      layers,
      layerSize: sizes.smallLayerBytes,
    });
  }
  return {
    sources: platforms.map((_, i) => `${r.host}/bench/${prefix}-src-${i}:v1`),
    directSources: platforms.map((_, i) => `${r.directHost}/bench/${prefix}-src-${i}:v1`),
  };
}

async function fixturesOf(
  id: ScenarioId,
  regs: Registries,
  sizes: Sizes,
): Promise<Omit<PreparedScenario, 'transport' | 'caFile'>> {
  switch (id) {
    case 'a': {
      const r = await regs.plain();
      for (const platform of ['linux/amd64', 'linux/arm64']) {
        await pushImage(directOf(r), 'bench/a', { platform, tag: platform.split('/')[1] });
      }
      return {
        id,
        title: '(a) 2 platforms, plain manifests, sources in the target repository',
        sources: [`${r.host}/bench/a:amd64`, `${r.host}/bench/a:arm64`],
        target: (label) => `${r.host}/bench/a:${label}`,
        proxies: r.proxies,
        auths: authsOf(r),
        lowerBound: plainSameRepository(),
      };
    }
    case 'b': {
      const r = await regs.plain();
      for (const arch of ['amd64', 'arm64'])
        await pushBuildxImage(directOf(r), `bench/b-${arch}`, { platform: `linux/${arch}`, tag: 'v1' });
      return {
        id,
        title: '(b) 2 buildx sources (index + attestation), each in its own repository, target in a third',
        sources: [`${r.host}/bench/b-amd64:v1`, `${r.host}/bench/b-arm64:v1`],
        target: (label) => `${r.host}/bench/b-target-${label}:v1`,
        proxies: r.proxies,
        auths: authsOf(r),
        lowerBound: buildxOtherRepositories(),
      };
    }
    case 'c':
    case 'd': {
      const r = id === 'c' ? await regs.plain() : await regs.token();
      const { sources } = await pushManyPlatforms(r, id, EIGHT_PLATFORMS, sizes.manyLayers, sizes);
      const shape = `${EIGHT_PLATFORMS.length} platforms × ${sizes.manyLayers} layers, each source in its own repository`;
      return {
        id,
        title: id === 'c' ? `(c) ${shape}` : `(d) (c) on a token-auth registry: ${shape}`,
        sources,
        target: (label) => `${r.host}/bench/${id}-target-${label}:v1`,
        proxies: r.proxies,
        auths: authsOf(r),
        lowerBound: id === 'c' ? plainOtherRepositories() : plainOtherRepositoriesWithToken(),
      };
    }
    case 'e': {
      const from = await regs.plain();
      const to = await regs.second();
      const blobs: Array<{ repository: string; digest: string; size: number }> = [];
      for (const arch of ['amd64', 'arm64']) {
        const pushed = await pushRandomImage(directOf(from), 'bench/e-src', {
          platform: `linux/${arch}`,
          layers: sizes.bigLayers,
          layerBytes: sizes.bigLayerBytes,
          tag: arch,
        });
        for (const b of pushed) blobs.push({ repository: 'bench/e-src', digest: b.digest, size: b.size });
      }
      const payload = blobs.reduce((n, b) => n + b.size, 0);
      const mib = sizes.bigLayerBytes / (1024 * 1024);
      return {
        id,
        title: `(e) across registries: 2 platforms × ${sizes.bigLayers} layers of ${mib >= 1 ? `${mib} MiB` : `${sizes.bigLayerBytes / 1024} KiB`}`,
        sources: [`${from.host}/bench/e-src:amd64`, `${from.host}/bench/e-src:arm64`],
        target: (label) => `${to.host}/bench/e-target-${label}:v1`,
        proxies: [...from.proxies, ...to.proxies],
        auths: {},
        lowerBound: crossRegistry(payload),
        copy: {
          spec: (label, parallel, direct) => ({
            from: direct ? from.servedHost : from.host,
            to: direct ? to.servedHost : to.host,
            tls: overTls(regs.transport),
            targetRepository: `bench/e-copy-${label}`,
            blobs,
            parallel,
          }),
        },
        direct: {
          sources: [`${from.servedHost}/bench/e-src:amd64`, `${from.servedHost}/bench/e-src:arm64`],
          target: (label) => `${to.servedHost}/bench/e-target-${label}:v1`,
        },
      };
    }
    case 'f': {
      const r = await regs.plain();
      const { sources } = await pushManyPlatforms(r, 'f', SIXTEEN_PLATFORMS, sizes.manyPlatformLayers, sizes);
      return {
        id,
        title: `(f) ${SIXTEEN_PLATFORMS.length} platforms × ${sizes.manyPlatformLayers} layers, each source in its own repository`,
        sources,
        target: (label) => `${r.host}/bench/f-target-${label}:v1`,
        proxies: r.proxies,
        auths: authsOf(r),
        lowerBound: plainOtherRepositories(),
        peerRuns: 1,
      };
    }
    case 'g': {
      const r = await regs.plain();
      const { sources, directSources } = await pushManyPlatforms(r, 'g', EIGHT_PLATFORMS, sizes.manyLayers, sizes);
      return {
        id,
        title: `(g) re-run of (c): the tag already holds the index (${EIGHT_PLATFORMS.length} platforms × ${sizes.manyLayers} layers)`,
        sources,
        // The same tag every run: the point is that it already holds what the merge makes.
        target: () => `${r.host}/bench/g-target:v1`,
        proxies: r.proxies,
        auths: authsOf(r),
        lowerBound: reRun(),
        before: { sources: directSources, target: `${r.directHost}/bench/g-target:v1` },
        // A peer cannot tell that the tag is up to date: its re-run is its (c).
        peerRuns: 0,
      };
    }
  }
}
