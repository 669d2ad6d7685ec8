/**
 * `npm run bench:startup [-- options]`: how long the action and the command line take from
 * process start to their first connection and first HTTP request, with real inputs (a TLS
 * registry on loopback, a Docker config with credentials, four sources), against `node -e ''`
 * (Node's own boot). No latency is added: this measures the process, not the network (see
 * bench/startupProbe.ts for how requests are seen inside TLS).
 *
 *   --runs N           samples of each (default 21)
 *   --node FILE|N      the Node the action runs on (a binary or a major version fetched with npx;
 *                      default: the Node running this)
 *   --cli-node FILE|N  the Node the command line runs on (default: the same as --node)
 *   --entry FILE       the action bundle (default dist/index.js)
 *   --cli FILE         the command-line bundle (default dist/cli/index.js)
 *   --json FILE        the samples as JSON
 *   --serve            start the registry, the tap and the Docker config, print the environment
 *                      and the commands that run the action and the command line against them,
 *                      and wait until interrupted: for profiling by hand
 *   --delay MS, --setup MS  with --serve: a latency proxy (as the bench's) in front of the tap
 *
 * Set NODE_DISABLE_COMPILE_CACHE=1 to measure without Node's compile cache (as on a fresh
 * machine); otherwise the first run fills it and the others use it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeDockerConfig } from '../__tests__/helpers/dockerConfig';
import { type Latency, startLatencyProxy } from './latencyProxy';
import { STARTUP_PLATFORMS, type Sample, measureStartupWithInputs, startStartupRig, type StartupRig } from './startupProbe';
import { median, max, min } from './stats';

interface Options {
  runs: number;
  node: string;
  cliNode: string;
  entry: string;
  cli: string;
  json?: string;
  serve: boolean;
  /** --serve only: the latency proxy's one-way delay and connection cost. */
  latency?: Latency;
}

/** A Node binary, or for a major version (`24`) the one npx fetches into its cache. */
function resolveNode(given: string): string {
  if (!/^\d+$/.test(given)) return given;
  const args = ['-y', '-p', `node@${given}`, 'node', '-e', 'console.log(process.execPath)'];
  return execFileSync('npx', args, { encoding: 'utf8', timeout: 300_000 }).trim();
}

function parseArgs(argv: readonly string[]): Options {
  let runs = 21;
  let node: string | undefined;
  let cliNode: string | undefined;
  let entry = path.resolve('dist/index.js');
  let cli = path.resolve('dist/cli/index.js');
  let json: string | undefined;
  let serve = false;
  let delay: number | undefined;
  let setup: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--serve') {
      serve = true;
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${argv[i]} needs a value`);
    const number = () => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${argv[i - 1]} needs a whole number`);
      return n;
    };
    switch (argv[i++]) {
      case '--runs':
        runs = Math.max(1, number());
        break;
      case '--node':
        node = value;
        break;
      case '--cli-node':
        cliNode = value;
        break;
      case '--entry':
        entry = path.resolve(value);
        break;
      case '--cli':
        cli = path.resolve(value);
        break;
      case '--json':
        json = value;
        break;
      case '--delay':
        delay = number();
        break;
      case '--setup':
        setup = number();
        break;
      default:
        throw new Error(`unknown option ${argv[i - 1]}`);
    }
  }
  const resolvedNode = node === undefined ? process.execPath : resolveNode(node);
  return {
    runs,
    node: resolvedNode,
    cliNode: cliNode === undefined ? resolvedNode : resolveNode(cliNode),
    entry,
    cli,
    json,
    serve,
    latency: delay === undefined && setup === undefined ? undefined : { oneWayMs: delay ?? 0, setupMs: setup ?? 0 },
  };
}

function nodeVersion(node: string): Promise<string> {
  return new Promise((resolve) => {
    const c = spawn(node, ['--version']);
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.once('close', () => resolve(out.trim() || node));
  });
}

function row(name: string, values: readonly number[], boot: number): string {
  const f = (n: number) => `${Math.round(n)} ms`;
  const m = median(values);
  return `| ${name} | ${f(m)} | ${f(m - boot)} | ${f(min(values))} | ${f(max(values))} |`;
}

const firsts = (xs: readonly Sample[], k: 'firstConnectionMs' | 'firstRequestMs') =>
  xs.map((s) => s[k]).filter((v): v is number => v !== undefined);

async function serve(rig: StartupRig, o: Options): Promise<void> {
  const proxy = o.latency ? await startLatencyProxy('startup', rig.tap.host, o.latency) : undefined;
  const host = proxy?.host ?? rig.tap.host;
  const sources = STARTUP_PLATFORMS.map((p) => `${host}/startup/app:${p.replace(/\//g, '-')}`);
  const config = await writeDockerConfig({ [host]: { username: 'bench', password: 'not-checked' } });
  const q = (v: string) => `'${v}'`;
  process.stdout.write(
    [
      `export DOCKER_CONFIG=${q(config.dir)} NODE_EXTRA_CA_CERTS=${q(rig.tap.certPath)}`,
      `INPUT_SOURCES=${q(sources.join('\n'))} INPUT_TAGS=${q(`${host}/startup/app:by-hand`)} ${o.node} ${o.entry}`,
      `${o.cliNode} ${o.cli} ${sources.map((s) => `--source ${s}`).join(' ')} --tag ${host}/startup/app:by-hand-cli`,
      'waiting; interrupt to stop',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  await config.cleanup();
  await proxy?.close();
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const rig = await startStartupRig();
  try {
    if (o.serve) return await serve(rig, o);
    const samples = await measureStartupWithInputs(rig, o);
    const boot = median(samples.bootMs);
    const cliBoot = samples.cliBootMs.length > 0 ? median(samples.cliBootMs) : boot;
    const cache = process.env.NODE_DISABLE_COMPILE_CACHE ? 'compile cache off' : 'compile cache on (filled by the first run)';
    const lines = [
      `Start-up with real inputs (${STARTUP_PLATFORMS.length} sources on a TLS registry on loopback, a Docker config with credentials), ${o.runs} samples each, no latency added, ${cache}. Action on Node ${await nodeVersion(o.node)}, command line on Node ${await nodeVersion(o.cliNode)}. Load average after: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}.`,
      '',
      '| from process start | median | over `node -e ""` | min | max |',
      '| --- | --- | --- | --- | --- |',
      row('`node -e ""`, to exit', samples.bootMs, boot),
      row('action: first connection', firsts(samples.action, 'firstConnectionMs'), boot),
      row('action: first HTTP request', firsts(samples.action, 'firstRequestMs'), boot),
      row(
        'action: exit (the whole merge)',
        samples.action.map((s) => s.wallMs),
        boot,
      ),
      ...(samples.cliBootMs.length > 0 ? [row('`node -e ""` (command-line Node), to exit', samples.cliBootMs, cliBoot)] : []),
      row('command line: first connection', firsts(samples.cli, 'firstConnectionMs'), cliBoot),
      row('command line: first HTTP request', firsts(samples.cli, 'firstRequestMs'), cliBoot),
      row(
        'command line: exit (the whole merge)',
        samples.cli.map((s) => s.wallMs),
        cliBoot,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (o.json) await fs.writeFile(o.json, JSON.stringify({ options: o, samples }, null, 2));
  } finally {
    await rig.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
