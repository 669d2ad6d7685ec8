/**
 * `npm run demo`: the main job of this action, end to end, on this machine.
 *
 * 1. starts a local CNCF Distribution registry (Debian's docker-registry, installed by predemo);
 * 2. pushes two per-arch images the way `docker buildx build --push` leaves them (an OCI index
 *    holding the image and a provenance attestation), each under a run-unique per-arch tag in a
 *    staging repository, as two jobs of the README's quick-start matrix would;
 * 3. runs the action's real entry point, dist/index.js, with INPUT_* variables as the runner does,
 *    naming the per-arch images with one tag pattern;
 * 4. prints the action's log, its outputs, the merged index and the job summary as text;
 * 5. reads the tag back from the registry, then stops the registry; with `--keep` it leaves the
 *    registry running with its images and prints command-line calls to try against it
 *    (`npm run demo -- --stop` stops it).
 *
 * The registry, the sample images and the runner emulation are the test helpers' own
 * (__tests__/helpers): the demo shows exactly what the end-to-end tests exercise.
 *
 * How it runs: `npm run demo` bundles this file with ncc into .tmp/demo/index.js and runs that.
 * Not `ncc run`: it bundles into a directory under the system temp dir, and runAction finds
 * dist/index.js relative to its own directory (two levels up from __tests__/helpers), which
 * in a bundle is the bundle's directory. .tmp/demo is two levels below the repository, like
 * __tests__/helpers, so the path comes out right; assertBundleLocation() checks it.
 * --transpile-only: types are checked by `npm run typecheck` (which covers scripts/ and the
 * helpers); the demo does not refuse to run over a type error in a test helper.
 * The tests import runDemo() directly (ts-jest), where every module keeps its own path.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type ActionRun, runAction } from '../__tests__/helpers/action';
import { getManifest, type PushedImage, type PushedManifest, pushBuildxImage, sha256Digest } from '../__tests__/helpers/fixtures';
import { type RunningRegistry, startRegistry } from '../__tests__/helpers/registry';

export interface DemoSource {
  readonly platform: string;
  /** `127.0.0.1:PORT/demo/app-build:1001-amd64`: where a matrix job pushed its image. */
  readonly reference: string;
  /** The buildx-style index that was pushed (image + attestation). */
  readonly index: PushedManifest;
  readonly image: PushedImage;
  readonly attestation: PushedManifest;
}

export interface DemoResult {
  readonly registry: string;
  readonly sources: readonly DemoSource[];
  readonly tags: readonly string[];
  readonly run: ActionRun;
  /** The digest the registry answers for the first tag after the merge. */
  readonly servedDigest: string;
  /** The second run with the same inputs (a no-op). */
  readonly rerun: ActionRun;
}

export interface DemoOptions {
  /** Where the demo's text goes; default: stdout. */
  readonly print?: (text: string) => void;
  /** Called after the merge while the registry still runs (tests look at it here). */
  readonly beforeStop?: (registry: RunningRegistry, result: DemoResult) => Promise<void>;
  /** Leave the registry running with its images, and print command-line calls to try against it. */
  readonly keep?: boolean;
}

/** A registry `--keep` left running: enough to find it and to stop it. */
export interface KeptRegistry {
  readonly host: string;
  readonly pid: number;
  readonly dataDir: string;
}

const PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;
const TARGET_REPOSITORY = 'demo/app';
/** Per-arch images live here, tagged `<run id>-<arch>`, as in the README's quick start. */
const STAGING_REPOSITORY = 'demo/app-build';
const RUN_ID = '1001';
const TARGET_TAGS = ['1.0.0', 'latest'];
/** As docker/metadata-action prints them with DOCKER_METADATA_ANNOTATIONS_LEVELS=index. */
const ANNOTATIONS = [
  'index:org.opencontainers.image.description=Sample multi-arch image merged by npm run demo',
  'index:org.opencontainers.image.version=1.0.0',
];

/** The repository root: the first directory up from this file that holds action.yml. */
export function repositoryRoot(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'action.yml')) && existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir)
      throw new Error(`no action.yml above ${from}: run the demo from the repository (npm run demo)`);
  }
}

/** In a bundle, runAction resolves dist/ from the bundle's directory: make sure that is the repository's. */
function assertBundleLocation(root: string): void {
  if (__filename.endsWith('.ts')) return; // not bundled: every helper keeps its own directory
  const seen = path.resolve(__dirname, '..', '..', 'dist', 'index.js');
  const wanted = path.join(root, 'dist', 'index.js');
  if (seen !== wanted) {
    throw new Error(
      `the demo bundle must live two levels below the repository (it is in ${__dirname}): run it with npm run demo`,
    );
  }
}

/** Paths under `dir` that git sees as changed; undefined without git or outside a work tree. */
function gitChanges(root: string, dir: string): string[] | undefined {
  const res = spawnSync('git', ['status', '--porcelain', '--', dir], { cwd: root, encoding: 'utf8' });
  return res.status === 0 ? res.stdout.split('\n').filter((l) => l.trim() !== '') : undefined;
}

/** dist/index.js is what the runner executes: build it when missing, warn when src/ is newer. */
function ensureDist(root: string, print: (text: string) => void): void {
  const entry = path.join(root, 'dist', 'index.js');
  if (!existsSync(entry)) {
    print('dist/index.js is missing: running npm run build');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const built = spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0 || !existsSync(entry)) throw new Error(`npm run build failed (exit ${built.status ?? built.signal})`);
    return;
  }
  // Modification times say nothing after a fresh clone; uncommitted changes do.
  const src = gitChanges(root, 'src');
  if (src?.length && gitChanges(root, 'dist')?.length === 0) {
    print('note: src/ has uncommitted changes and dist/ has none: this demo runs dist/ (npm run build to include them)');
  }
}

// ---------------------------------------------------------------------------
// Rendering what the runner would show

/** The runner's `%0A`-style escapes in workflow-command values. */
function unescapeCommand(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

/**
 * The step's log as the Actions UI shows it: groups as headings, annotations by level;
 * debug lines only with RUNNER_DEBUG=1, as on a runner.
 */
export function renderLog(stdout: string, debug = process.env.RUNNER_DEBUG === '1'): string {
  const out: string[] = [];
  let indent = '';
  for (const line of stdout.split('\n')) {
    const cmd = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line);
    if (!cmd) {
      if (line !== '') out.push(indent + line);
      continue;
    }
    const [, name, value] = cmd;
    const text = unescapeCommand(value);
    if (name === 'group') {
      out.push(`▸ ${text}`);
      indent = '  ';
    } else if (name === 'endgroup') {
      indent = '';
    } else if (name === 'debug') {
      if (debug) out.push(`${indent}[debug] ${text}`);
    } else if (name === 'notice' || name === 'warning' || name === 'error') {
      out.push(`${indent}${name.toUpperCase()}: ${text}`);
    }
    // add-mask, set-output and the like are for the runner, not for people.
  }
  return out.join('\n');
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

const stripTags = (html: string): string => decodeEntities(html.replace(/<br\s*\/?>/gi, ' ').replace(/<[^>]*>/g, '')).trim();

/** A table as aligned columns, the header underlined. */
function renderTable(html: string): string {
  const rows = [...html.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/gi)].map((tr) =>
    [...tr[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/gi)].map((cell) => stripTags(cell[1])),
  );
  if (rows.length === 0) return '';
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const [head, ...body] = rows;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** The job summary (HTML written by @actions/core's summary) as plain text. */
export function summaryToText(html: string): string {
  const text = html
    .replace(/<table[^>]*>[\s\S]*?<\/table>/gi, (table) => `\n${renderTable(table)}\n`)
    .replace(/<h([1-6])[^>]*>([\s\S]*?)<\/h\1>/gi, (_, level: string, title: string) => {
      const t = stripTags(title);
      return `\n${t}\n${(Number(level) <= 2 ? '=' : '-').repeat(t.length)}\n`;
    })
    .replace(/<li[^>]*>([\s\S]*?)<\/li>/gi, (_, item: string) => `\n  • ${stripTags(item)}`)
    .replace(/<(ul|ol)[^>]*>/gi, '')
    .replace(/<\/?(p|ul|ol|div|pre|details|summary)[^>]*>/gi, '\n')
    .replace(/<br\s*\/?>/gi, '\n');
  return decodeEntities(text.replace(/<[^>]*>/g, ''))
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\n\n( {2}• )/g, '\n$1') // a list right under its title
    .trim();
}

function section(title: string): string {
  return `\n── ${title} ${'─'.repeat(Math.max(3, 72 - title.length))}`;
}

// ---------------------------------------------------------------------------

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const print = options.print ?? ((text: string) => process.stdout.write(`${text}\n`));
  const root = repositoryRoot();
  assertBundleLocation(root);
  ensureDist(root, print);

  if (options.keep) {
    const earlier = await stopKeptRegistry(root);
    if (earlier) print(`(stopped the registry an earlier --keep left on ${earlier.host})`);
  }
  const registry = await startRegistry({ auth: 'none', outlive: options.keep });
  let kept = false;
  try {
    print(section('1. A local registry'));
    print(`CNCF Distribution (docker-registry) on ${registry.host}, pid ${registry.pid}, storage in ${registry.dataDir}`);

    print(section('2. Per-arch images, as a CI matrix pushes them'));
    print('Each job runs `docker buildx build --push` (provenance on, the default since buildx 0.10)');
    print(`under the tag <run id>-<arch> in a staging repository: what lands there is an OCI index`);
    print('holding the image and an attestation manifest (platform unknown/unknown).');
    const sources: DemoSource[] = [];
    for (const platform of PLATFORMS) {
      const tag = `${RUN_ID}-${platform.split('/')[1]}`;
      const pushed = await pushBuildxImage(registry, STAGING_REPOSITORY, { platform, tag });
      const reference = `${registry.host}/${STAGING_REPOSITORY}:${tag}`;
      sources.push({ platform, reference, ...pushed });
      print(`  ${platform}  ${reference}`);
      print(`  ${' '.repeat(platform.length)}  └ image ${pushed.image.digest}, attestation ${pushed.attestation.digest}`);
    }

    const tags = TARGET_TAGS.map((t) => `${registry.host}/${TARGET_REPOSITORY}:${t}`);
    const inputs = {
      // The merge job names them all at once, as the README's quick start does.
      sources: `${registry.host}/${STAGING_REPOSITORY}:${RUN_ID}-*`,
      tags: tags.join('\n'),
      annotations: ANNOTATIONS.join('\n'),
    };
    print(section('3. The merge job: node dist/index.js with the inputs as the runner sets them'));
    for (const [name, value] of Object.entries(inputs)) {
      print(`  ${name}:`);
      for (const line of value.split('\n')) print(`    ${line}`);
    }
    const run = await runAction(inputs);

    print(section('Step log'));
    print(renderLog(run.stdout));
    if (run.stderr.trim()) print(run.stderr.trimEnd());
    if (run.exitCode !== 0) {
      throw new Error(`the action failed (exit ${run.exitCode}): ${run.errors.join('; ') || 'see the log above'}`);
    }

    print(section('Outputs'));
    for (const name of ['digest', 'image', 'platforms', 'media-type']) print(`${name}: ${run.outputs[name]}`);
    print('sources:');
    for (const line of run.outputs.sources.split('\n')) print(`  ${line}`);
    print(`manifest: (${Buffer.byteLength(run.outputs.manifest)} bytes, printed indented below)`);

    print(section('The merged index, as pushed'));
    print(JSON.stringify(JSON.parse(run.outputs.manifest), null, 2));

    print(section('Job summary'));
    print(summaryToText(run.summary));

    print(section('4. Checks'));
    const served = await getManifest(registry, TARGET_REPOSITORY, TARGET_TAGS[0]);
    if (served.status !== 200 || !served.digest) throw new Error(`GET ${tags[0]} answered ${served.status}`);
    const bytesDigest = sha256Digest(run.outputs.manifest);
    const ok = (cond: boolean) => (cond ? 'ok' : 'MISMATCH');
    print(`GET ${tags[0]} → ${served.digest} (${ok(served.digest === run.outputs.digest)}: the digest output)`);
    print(`sha256 of the manifest output → ${bytesDigest} (${ok(bytesDigest === run.outputs.digest)})`);
    if (served.digest !== run.outputs.digest || bytesDigest !== run.outputs.digest) {
      throw new Error(`the registry serves ${served.digest} for ${tags[0]}, the action reported ${run.outputs.digest}`);
    }

    const rerun = await runAction(inputs);
    const unchanged = (rerun.summary.match(/already at this digest/g) ?? []).length;
    print(
      `re-run with the same inputs → ${rerun.outputs.digest} (${ok(rerun.outputs.digest === run.outputs.digest)}), ` +
        `${unchanged} of ${tags.length} tags already at this digest, nothing re-PUT`,
    );
    if (rerun.exitCode !== 0 || rerun.outputs.digest !== run.outputs.digest) {
      throw new Error(`the re-run gave ${rerun.outputs.digest ?? 'no digest'} (exit ${rerun.exitCode})`);
    }

    const result: DemoResult = { registry: registry.host, sources, tags, run, servedDigest: served.digest, rerun };
    await options.beforeStop?.(registry, result);
    if (options.keep) {
      const state: KeptRegistry = { host: registry.host, pid: registry.pid, dataDir: registry.dataDir };
      await fs.writeFile(keptStatePath(root), `${JSON.stringify(state, null, 2)}\n`);
      kept = true;
      print(section('5. Try the command line against it'));
      print(tryCommands(state, packageVersion(root)).join('\n'));
    }
    return result;
  } finally {
    if (!kept) {
      await registry.stop();
      print(`\nRegistry stopped (pid ${registry.pid}); its storage is removed.`);
    }
  }
}

// ---------------------------------------------------------------------------
// --keep and --stop

/** Where `--keep` notes the registry it left running (.tmp/ is ignored by git). */
export function keptStatePath(root: string): string {
  return path.join(root, '.tmp', 'demo-registry.json');
}

function packageVersion(root: string): string {
  return (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * What to try against the kept registry, as shell lines run from the repository: a merge, its
 * result as JSON, a dry run into two repositories, a tag pattern with a platform filter; the
 * same from the package tarball; and how to stop the registry.
 */
export function tryCommands(kept: KeptRegistry, version: string): string[] {
  const cli = 'node dist/cli/index.js';
  return [
    `The registry keeps running on ${kept.host} (pid ${kept.pid}) with the demo's images:`,
    `  ${STAGING_REPOSITORY}:${RUN_ID}-amd64, ${STAGING_REPOSITORY}:${RUN_ID}-arm64 (per-arch, as buildx pushes them)`,
    `  ${TARGET_REPOSITORY}:${TARGET_TAGS.join(`, ${TARGET_REPOSITORY}:`)} (the merged image)`,
    'Try, from this directory:',
    '',
    `export REG=${kept.host}`,
    `${cli} --source $REG/${STAGING_REPOSITORY}:${RUN_ID}-amd64 --source $REG/${STAGING_REPOSITORY}:${RUN_ID}-arm64 --tag $REG/try/app:1`,
    `${cli} --source $REG/${STAGING_REPOSITORY}:${RUN_ID}-amd64 --source $REG/${STAGING_REPOSITORY}:${RUN_ID}-arm64 --tag $REG/try/app:2 --json`,
    `${cli} --source "$REG/${STAGING_REPOSITORY}:${RUN_ID}-*" --tag $REG/try/app:3 --tag $REG/try/mirror:3 --dry-run`,
    `${cli} --source "$REG/${STAGING_REPOSITORY}:${RUN_ID}-*" --platform linux/arm64 --tag $REG/try/arm-only:1`,
    `${cli} --help`,
    '',
    'The same from the package, as a user installs it (npm pack writes the tarball here):',
    '',
    'npm pack',
    `npx --yes --package=./merge-multiarch-action-${version}.tgz merge-multiarch-action --source "$REG/${STAGING_REPOSITORY}:${RUN_ID}-*" --tag $REG/try/app:4`,
    '',
    'Stop the registry (and remove its storage) when done:',
    '',
    'npm run demo -- --stop',
    `# or: kill ${kept.pid} && rm -rf ${kept.dataDir}`,
  ];
}

/** Whether `pid` is a running docker-registry (a PID noted long ago may now be another program's). */
function isRegistryProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('registry');
  } catch {
    return true; // no /proc: trust the note
  }
}

/** Stops the registry an earlier `--keep` left running and removes its storage; undefined when there is none. */
export async function stopKeptRegistry(root: string): Promise<KeptRegistry | undefined> {
  const file = keptStatePath(root);
  let kept: KeptRegistry;
  try {
    kept = JSON.parse(await fs.readFile(file, 'utf8')) as KeptRegistry;
  } catch {
    return undefined;
  }
  if (isRegistryProcess(kept.pid)) {
    process.kill(kept.pid, 'SIGTERM');
    for (let waited = 0; waited < 5000 && isRegistryProcess(kept.pid); waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
    }
    if (isRegistryProcess(kept.pid)) process.kill(kept.pid, 'SIGKILL');
  }
  await fs.rm(kept.dataDir, { recursive: true, force: true });
  await fs.rm(file, { force: true });
  return kept;
}

async function main(args: readonly string[]): Promise<void> {
  const unknown = args.filter((a) => a !== '--keep' && a !== '--stop');
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown[0]}: the demo takes --keep or --stop`);
  if (args.includes('--stop')) {
    const stopped = await stopKeptRegistry(repositoryRoot());
    process.stdout.write(
      stopped
        ? `Stopped the registry on ${stopped.host} (pid ${stopped.pid}); its storage is removed.\n`
        : 'No registry left running by npm run demo -- --keep.\n',
    );
    return;
  }
  const keep = args.includes('--keep');
  await runDemo({ keep });
  process.stdout.write(
    keep
      ? '\ndocs/cli.md, "Try the command line", says more.\n'
      : '\nTry it in a workflow: see README.md, "Quick start"; on the command line: npm run demo -- --keep (docs/cli.md).\n',
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => undefined,
    (err: unknown) => {
      process.stderr.write(`\ndemo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
