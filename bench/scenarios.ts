/**
 * The five scenarios of issue #6: their fixtures (pushed straight to the registries, not
 * through the latency proxies), the references each tool is given, and their lower bounds.
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
} from './lowerBound';
import type { CopySpec } from './plainCopy';
import type { BenchRegistry } from './registry';

export const SCENARIO_IDS = ['a', 'b', 'c', 'd', 'e'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

export interface Sizes {
  /** (c), (d): layers per image and bytes per layer (mounted, never copied). */
  readonly manyLayers: number;
  readonly smallLayerBytes: number;
  /** (e): layers per image and bytes per layer (copied across registries). */
  readonly bigLayers: number;
  readonly bigLayerBytes: number;
}

export const FULL_SIZES: Sizes = { manyLayers: 10, smallLayerBytes: 4096, bigLayers: 3, bigLayerBytes: 64 * 1024 * 1024 };
export const QUICK_SIZES: Sizes = { manyLayers: 2, smallLayerBytes: 1024, bigLayers: 3, bigLayerBytes: 256 * 1024 };

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

/** A scenario ready to run: what each tool is given, over the latency proxies. */
export interface PreparedScenario {
  readonly id: ScenarioId;
  readonly title: string;
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
}

/** The registries a scenario may need, started on first use. */
export interface Registries {
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
      const t = directOf(r);
      for (const [i, platform] of EIGHT_PLATFORMS.entries()) {
        await pushImage(t, `bench/${id}-src-${i}`, {
          platform,
          tag: 'v1',
          layers: sizes.manyLayers,
          layerSize: sizes.smallLayerBytes,
        });
      }
      const shape = `${EIGHT_PLATFORMS.length} platforms × ${sizes.manyLayers} layers, each source in its own repository`;
      return {
        id,
        title: id === 'c' ? `(c) ${shape}` : `(d) (c) on a token-auth registry: ${shape}`,
        sources: EIGHT_PLATFORMS.map((_, i) => `${r.host}/bench/${id}-src-${i}:v1`),
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
            from: direct ? from.directHost : from.host,
            to: direct ? to.directHost : to.host,
            targetRepository: `bench/e-copy-${label}`,
            blobs,
            parallel,
          }),
        },
        direct: {
          sources: [`${from.directHost}/bench/e-src:amd64`, `${from.directHost}/bench/e-src:arm64`],
          target: (label) => `${to.directHost}/bench/e-target-${label}:v1`,
        },
      };
    }
  }
}
