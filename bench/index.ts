/**
 * `npm run bench [-- options]`: the performance benchmark (BENCHMARKS.md).
 *
 *   --runs N          measured runs per tool and scenario (default 5)
 *   --quick           tiny sizes, 1 run, no warm-up, 2 ms / 10 ms latency unless given (the CI smoke test)
 *   --scenario a,c    only these scenarios (repeatable; default a,b,c,d,e,f,g)
 *   --tls, --http1, --plain  only these transports: HTTPS (HTTP/2 offered), HTTPS with HTTP/2 disabled
 *                     (HTTP/1.1 only), plain HTTP (default: all three, in that order; repeatable)
 *   --out FILE        write the Markdown report into FILE (between its bench marks, if present)
 *   --json FILE       write the raw results as JSON
 *   --debug-logs DIR  keep each scenario's RUNNER_DEBUG=1 run output (timestamped) in DIR
 *   --delay MS        one-way delay (default 25, i.e. 50 ms RTT)
 *   --setup MS        cost of each new connection (default 100)
 *   --entry FILE      the action bundle to measure (default dist/index.js)
 *   --baseline FILE   another build of the action, run right after each run of the entry (an A/B
 *                     comparison under the same load; its rows are labelled "baseline build")
 *   --node FILE|N     the Node binary it runs on, or a major version fetched with npx (`--node 24`,
 *                     what action.yml runs); default: the Node running the bench
 *   --no-docker       skip `docker manifest`
 *   --no-buildah      skip `buildah manifest`
 *   --no-floor        skip the action's runs with no latency added (the processing floor)
 *
 * Internal: `__plain-copy SPEC.json` runs the plain-copy baseline (a child of the bench).
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { assertEntry, type BenchOptions, defaultPaths, runBench } from './bench';
import { plainCopy } from './plainCopy';
import { mergeIntoFile, renderMarkdown } from './report';
import { FULL_SIZES, QUICK_SIZES, SCENARIO_IDS, type ScenarioId, type Transport } from './scenarios';

interface Cli {
  readonly options: BenchOptions;
  readonly out?: string;
  readonly json?: string;
  readonly command: string;
}

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: npm run bench -- [--runs N] [--quick] [--scenario a,b,c,d,e,f,g] [--tls] [--http1] [--plain] [--out FILE] [--json FILE] [--debug-logs DIR] [--delay MS] [--setup MS] [--entry FILE] [--baseline FILE] [--node FILE|N] [--no-docker] [--no-buildah] [--no-floor]\n`,
  );
  process.exit(2);
}

function parseArgs(argv: readonly string[]): Cli {
  let runs: number | undefined;
  let quick = false;
  let docker = true;
  let buildah = true;
  let floor = true;
  const transports: Transport[] = [];
  let out: string | undefined;
  let json: string | undefined;
  let debugLogDir: string | undefined;
  let delay: number | undefined;
  let setup: number | undefined;
  let entry = defaultPaths(process.cwd()).entry;
  let baseline: string | undefined;
  let node = process.execPath;
  const scenarios: ScenarioId[] = [];
  const value = (i: number): string => argv[i + 1] ?? usage(`${argv[i]} needs a value`);
  const count = (i: number, least: number): number => {
    const n = Number(value(i));
    if (!Number.isInteger(n) || n < least) usage(`${argv[i]} needs an integer ≥ ${least}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--runs':
        runs = count(i++, 1);
        break;
      case '--quick':
        quick = true;
        break;
      case '--scenario':
        for (const id of value(i++).split(',')) {
          if (!(SCENARIO_IDS as readonly string[]).includes(id)) usage(`unknown scenario "${id}"`);
          if (!scenarios.includes(id as ScenarioId)) scenarios.push(id as ScenarioId);
        }
        break;
      case '--out':
        out = path.resolve(value(i++));
        break;
      case '--json':
        json = path.resolve(value(i++));
        break;
      case '--debug-logs':
        debugLogDir = path.resolve(value(i++));
        break;
      case '--delay':
        delay = count(i++, 0);
        break;
      case '--setup':
        setup = count(i++, 0);
        break;
      case '--entry':
        entry = path.resolve(value(i++));
        break;
      case '--baseline':
        baseline = path.resolve(value(i++));
        break;
      case '--node': {
        const given = value(i++);
        node = /^\d+$/.test(given) ? given : path.resolve(given);
        break;
      }
      case '--no-docker':
        docker = false;
        break;
      case '--no-buildah':
        buildah = false;
        break;
      case '--no-floor':
        floor = false;
        break;
      case '--tls':
      case '--http1':
      case '--plain': {
        const t = argv[i] === '--tls' ? 'tls' : argv[i] === '--http1' ? 'tls1' : 'plain';
        if (!transports.includes(t)) transports.push(t);
        break;
      }
      default:
        usage(`unknown option "${argv[i]}"`);
    }
  }
  const ordered = SCENARIO_IDS.filter((id) => scenarios.length === 0 || scenarios.includes(id));
  return {
    out,
    json,
    command: [
      'npm run bench',
      ...(argv.length ? ['--', ...argv.map((a) => (a.startsWith('/') ? path.relative(process.cwd(), a) : a))] : []),
    ].join(' '),
    options: {
      runs: runs ?? (quick ? 1 : 5),
      warmup: !quick,
      scenarios: ordered,
      transports: (['tls', 'tls1', 'plain'] as const).filter((t) => transports.length === 0 || transports.includes(t)),
      // The smoke test checks the machinery, not the speed: a short latency keeps it fast.
      latency: { oneWayMs: delay ?? (quick ? 2 : 25), setupMs: setup ?? (quick ? 10 : 100) },
      sizes: quick ? QUICK_SIZES : FULL_SIZES,
      entry,
      baseline,
      node,
      benchEntry: path.resolve(process.argv[1]),
      docker,
      buildah,
      startupSamples: quick ? 3 : 15,
      floor,
      debugLogDir,
      log: (line) => process.stderr.write(`${line}\n`),
    },
  };
}

/** Runs the repository's Prettier on the report (if installed), so `npm run lint` accepts it. */
async function formatLikeTheRepository(file: string): Promise<void> {
  const prettier = path.join(process.cwd(), 'node_modules', '.bin', 'prettier');
  try {
    await fs.access(prettier);
    await promisify(execFile)(prettier, ['--write', '--log-level', 'warn', file], { timeout: 60_000 });
  } catch {
    // No Prettier here: the report is valid Markdown as written.
  }
}

/** A Node binary, or for a major version (`24`) the one npx fetches into its cache. */
async function nodeBinary(given: string): Promise<string> {
  if (!/^\d+$/.test(given)) return given;
  const { stdout } = await promisify(execFile)(
    'npx',
    ['-y', '-p', `node@${given}`, 'node', '-e', 'console.log(process.execPath)'],
    {
      timeout: 300_000,
    },
  );
  return stdout.trim();
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === '__plain-copy') {
    const spec = JSON.parse(await fs.readFile(argv[1], 'utf8'));
    const elapsed = await plainCopy(spec);
    process.stdout.write(`copied in ${Math.round(elapsed)} ms\n`);
    return;
  }
  const cli = parseArgs(argv);
  await assertEntry(cli.options.entry);
  if (cli.options.baseline) await assertEntry(cli.options.baseline);
  const node = await nodeBinary(cli.options.node);
  const result = await runBench({ ...cli.options, node });
  const markdown = renderMarkdown(result, cli.command);
  process.stdout.write(`${markdown}\n`);
  if (cli.json) await fs.writeFile(cli.json, `${JSON.stringify(result, null, 2)}\n`);
  if (cli.out) {
    const existing = await fs.readFile(cli.out, 'utf8').catch(() => undefined);
    await fs.writeFile(cli.out, mergeIntoFile(existing, markdown));
    await formatLikeTheRepository(cli.out);
    process.stderr.write(`wrote ${cli.out}\n`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
