/**
 * `npm run bench:batch [-- options]`: many images in one step (docs/batch.md). For each size,
 * IMAGES services × PLATFORMS buildx sources (index + image + attestation, pushed by digest into
 * the service's repository, as build-push-action does) are merged by one run of the action with
 * `images`, each into its own repository's tag; then, for the first size only, the same merge
 * as one action run per image, one after another. Every run goes through a latency proxy (as
 * the main bench's); wall time and peak RSS come from GNU time, requests and connections from
 * the proxy.
 *
 *   --quick           3 × 2 and 10 × 4, 2 ms one way (a smoke test)
 *   --sizes 30x2,100x4  the sizes (default)
 *   --delay MS        one-way latency (default 25; quick 2)
 *   --setup MS        cost of a new connection (default 100; quick 10)
 *   --tls             over HTTPS (h2 where offered); default plain HTTP
 *   --no-loop         skip the run-per-image loop
 *   --entry FILE      the action bundle (default dist/index.js)
 */
import path from 'node:path';
import { writeDockerConfig } from '../__tests__/helpers/dockerConfig';
import { pushBuildxImage } from '../__tests__/helpers/fixtures';
import type { Latency } from './latencyProxy';
import { type BenchRegistry, startPlainRegistry } from './registry';
import { runAction } from './tools';

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/riscv64', 'linux/s390x'];

interface Options {
  sizes: Array<{ images: number; platforms: number }>;
  latency: Latency;
  tls: boolean;
  loop: boolean;
  entry: string;
}

function parseArgs(argv: readonly string[]): Options {
  let quick = false;
  let sizes: string | undefined;
  let delay: number | undefined;
  let setup: number | undefined;
  let tls = false;
  let loop = true;
  let entry = path.resolve('dist/index.js');
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return v;
    };
    switch (argv[i]) {
      case '--quick':
        quick = true;
        break;
      case '--sizes':
        sizes = value();
        break;
      case '--delay':
        delay = Number(value());
        break;
      case '--setup':
        setup = Number(value());
        break;
      case '--tls':
        tls = true;
        break;
      case '--no-loop':
        loop = false;
        break;
      case '--entry':
        entry = path.resolve(value());
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  const parsed = (sizes ?? (quick ? '3x2,10x4' : '30x2,100x4')).split(',').map((s) => {
    const m = /^(\d+)x([1-4])$/.exec(s.trim());
    if (!m) throw new Error(`--sizes: "${s}" is not IMAGESxPLATFORMS (platforms 1 to 4)`);
    return { images: Number(m[1]), platforms: Number(m[2]) };
  });
  return {
    sizes: parsed,
    latency: { oneWayMs: delay ?? (quick ? 2 : 25), setupMs: setup ?? (quick ? 10 : 100) },
    tls,
    loop,
    entry,
  };
}

interface Row {
  readonly what: string;
  readonly ok: boolean;
  readonly wallMs: number;
  readonly peakRssMiB: number | undefined;
  readonly requests: number;
  readonly connections: number;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const node = process.execPath;
  const rows: Row[] = [];
  const started: BenchRegistry[] = [];
  try {
    const r = await startPlainRegistry(o.tls ? 'registry-tls' : 'registry', o.latency, o.tls);
    started.push(r);
    const config = await writeDockerConfig({});
    try {
      for (const [n, size] of o.sizes.entries()) {
        const prefix = `batch${n}`;
        process.stderr.write(`pushing ${size.images} × ${size.platforms} buildx sources…\n`);
        const images: Array<{ sources: string[]; tag: (label: string) => string }> = [];
        for (let i = 0; i < size.images; i++) {
          const repo = `${prefix}/svc${i}`;
          const pushed = await Promise.all(
            PLATFORMS.slice(0, size.platforms).map((platform) =>
              pushBuildxImage({ host: r.directHost }, repo, { platform, layers: 3 }),
            ),
          );
          images.push({
            sources: pushed.map((p) => `${r.host}/${repo}@${p.index.digest}`),
            tag: (l) => `${r.host}/${repo}:${l}`,
          });
        }
        const measure = async (what: string, run: () => ReturnType<typeof runAction>): Promise<void> => {
          for (const p of r.proxies) p.reset();
          const result = await run();
          const snaps = r.proxies.map((p) => p.snapshot());
          const row: Row = {
            what,
            ok: result.ok,
            wallMs: result.wallMs,
            peakRssMiB: result.peakRssBytes === undefined ? undefined : result.peakRssBytes / (1024 * 1024),
            requests: snaps.reduce((s, x) => s + x.requests, 0),
            connections: snaps.reduce((s, x) => s + x.connections, 0),
          };
          rows.push(row);
          process.stderr.write(`${what}: ${result.ok ? `${Math.round(row.wallMs)} ms` : `failed: ${result.error}`}\n`);
        };
        const shape = `${size.images} × ${size.platforms}`;
        const batch = JSON.stringify(images.map((im) => ({ sources: im.sources, tags: [im.tag('batch')] })));
        await measure(`${shape}: one step (images)`, () =>
          runAction(o.entry, { sources: [], tags: [], images: batch }, { node, dockerConfig: config.dir, caFile: r.certPath }),
        );
        if (o.loop && n === 0) {
          // One action run per image, one after another: the loop a release pipeline writes today.
          const loopRows: Row[] = [];
          for (const [i, im] of images.entries()) {
            await measure(`loop ${i}`, () =>
              runAction(
                o.entry,
                { sources: im.sources, tags: [im.tag('loop')] },
                { node, dockerConfig: config.dir, caFile: r.certPath },
              ),
            );
            loopRows.push(rows.pop() as Row);
          }
          rows.push({
            what: `${shape}: ${size.images} runs one after another`,
            ok: loopRows.every((x) => x.ok),
            wallMs: loopRows.reduce((s, x) => s + x.wallMs, 0),
            peakRssMiB: Math.max(...loopRows.map((x) => x.peakRssMiB ?? 0)),
            requests: loopRows.reduce((s, x) => s + x.requests, 0),
            connections: loopRows.reduce((s, x) => s + x.connections, 0),
          });
        }
      }
    } finally {
      await config.cleanup();
    }
  } finally {
    for (const r of started) await r.stop();
  }
  const header = `| Run | OK | Wall | Peak RSS | Requests | Connections |\n| --- | --- | ---: | ---: | ---: | ---: |`;
  const lines = rows.map(
    (x) =>
      `| ${x.what} | ${x.ok ? 'yes' : 'NO'} | ${(x.wallMs / 1000).toFixed(2)} s | ${x.peakRssMiB === undefined ? '?' : `${x.peakRssMiB.toFixed(0)} MiB`} | ${x.requests} | ${x.connections} |`,
  );
  process.stdout.write(
    `Batch bench: ${o.tls ? 'HTTPS' : 'plain HTTP'}, ${o.latency.oneWayMs} ms one way, ${o.latency.setupMs} ms per new connection; ` +
      `Node ${process.version}; command: npm run bench:batch -- ${process.argv.slice(2).join(' ')}\n\n${header}\n${lines.join('\n')}\n`,
  );
  if (rows.some((x) => !x.ok)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
