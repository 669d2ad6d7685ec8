/**
 * The contestants, each run as its own process exactly as users run it: the action's bundled
 * entry (as the runner runs it), `docker manifest create` + `docker manifest push`,
 * `buildah manifest create` + `add` + `push`, and the plain-copy baseline.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { measureProcess, type ProcessResult, type TimedLine } from './measure';
import type { CopySpec } from './plainCopy';

export interface ToolRun {
  readonly ok: boolean;
  /** Why it failed, in the tool's own words. */
  readonly error?: string;
  readonly startedAt: number;
  readonly wallMs: number;
  readonly peakRssBytes: number | undefined;
  /** User + system CPU time, all its commands together. */
  readonly cpuMs: number | undefined;
  readonly lines: readonly TimedLine[];
}

const TIMEOUT_MS = 300_000;

/** The environment without the runner's INPUT_* and the bench's own noise. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('INPUT_') && k !== 'RUNNER_DEBUG' && !k.startsWith('GITHUB_')) env[k] = v;
  }
  return env;
}

export interface ActionInputs {
  readonly sources: readonly string[];
  readonly tags: readonly string[];
  /** Several images in one run (the `images` input, YAML or JSON), instead of sources and tags. */
  readonly images?: string;
}

/** Over TLS: the PEM bundle of the registries' self-signed certificates. */
export interface TrustOptions {
  readonly caFile?: string;
}

/** The Node binary the action (and the Node baselines beside it) run on. */
export interface NodeOption {
  readonly node: string;
}

/** Runs the action's entry as the runner does: INPUT_* variables, output and summary files. */
export async function runAction(
  entry: string,
  inputs: ActionInputs,
  options: TrustOptions & NodeOption & { dockerConfig: string; debug?: boolean },
): Promise<ToolRun> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-bench-action-'));
  try {
    const env = baseEnv();
    env.INPUT_SOURCES = inputs.sources.join('\n');
    env.INPUT_TAGS = inputs.tags.join('\n');
    if (inputs.images !== undefined) env.INPUT_IMAGES = inputs.images;
    env.GITHUB_OUTPUT = path.join(dir, 'output');
    env.GITHUB_STEP_SUMMARY = path.join(dir, 'summary');
    env.DOCKER_CONFIG = options.dockerConfig;
    if (options.caFile) env.NODE_EXTRA_CA_CERTS = options.caFile;
    if (options.debug) env.RUNNER_DEBUG = '1';
    await fs.writeFile(env.GITHUB_OUTPUT, '');
    await fs.writeFile(env.GITHUB_STEP_SUMMARY, '');
    const r = await measureProcess(options.node, [entry], { env, timeoutMs: TIMEOUT_MS });
    const errors = r.lines.filter((l) => l.text.startsWith('::error')).map((l) => l.text.replace(/^::error[^:]*::/, ''));
    const ok = r.exitCode === 0 && errors.length === 0 && !r.timedOut;
    return {
      ok,
      error: ok
        ? undefined
        : r.timedOut
          ? 'timed out'
          : (errors[0] ?? r.stderr.trim().split('\n').at(-1) ?? `exit ${r.exitCode}`),
      startedAt: r.startedAt,
      wallMs: r.wallMs,
      peakRssBytes: r.peakRssBytes,
      cpuMs: r.cpuMs,
      lines: r.lines,
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Runs the entry with no inputs: it fails while parsing them, before any I/O (start-up cost). */
export async function runActionStartupOnly(entry: string, { node }: NodeOption): Promise<number> {
  const env = baseEnv();
  env.DOCKER_CONFIG = path.join(os.tmpdir(), 'merge-bench-no-docker-config');
  const r = await measureProcess(node, [entry], { env });
  if (!r.stdout.includes('::error')) throw new Error(`expected an input error from ${entry}, got: ${r.stdout}${r.stderr}`);
  return r.wallMs;
}

/** `node -e ''`: what any Node program pays before its first line. */
export async function runEmptyNode({ node }: NodeOption): Promise<number> {
  return (await measureProcess(node, ['-e', ''], { env: baseEnv() })).wallMs;
}

/** `node --version` of a binary. */
export async function nodeVersion(node: string): Promise<string> {
  return (await execFileP(node, ['--version'], { timeout: 10_000 })).stdout.trim();
}

const execFileP = promisify(execFile);

/** `<tool> --version`, or undefined when the tool is not installed. */
async function versionOf(tool: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileP(tool, ['--version'], { timeout: 10_000 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/** The docker CLI version, or undefined when there is none. */
export function dockerVersion(): Promise<string | undefined> {
  return versionOf('docker');
}

/** Debian's buildah version (and whether its runs share a blob info cache), or undefined when there is none. */
export async function buildahVersion(): Promise<string | undefined> {
  const version = await versionOf('buildah');
  if (version === undefined) return undefined;
  return `${version}, ${(await canIsolateBlobInfoCache()) ? 'a blob info cache per run' : 'one blob info cache for all runs (no unshare -m here)'}`;
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .at(-1) ?? ''
  );
}

/**
 * How a Go tool is told to trust the registries: over TLS, the bench's CA through SSL_CERT_FILE
 * (Go's system pool reads it), as a user with a private CA does; over plain HTTP, the tool's
 * insecure flag. (`docker manifest push --insecure` PUTs the list over plain HTTP even to a TLS
 * registry, so over TLS it must verify instead.)
 */
function goTrust(trust: TrustOptions, insecureFlag: string, secureFlag?: string): { env: NodeJS.ProcessEnv; flags: string[] } {
  if (trust.caFile) return { env: { ...baseEnv(), SSL_CERT_FILE: trust.caFile }, flags: secureFlag ? [secureFlag] : [] };
  return { env: baseEnv(), flags: [insecureFlag] };
}

/**
 * What users ran before: `docker manifest create [--insecure] T S…` then `docker manifest push
 * [--insecure] T` (no daemon needed). Wall time is both commands; peak RSS the larger of the two.
 */
export async function runDockerManifest(
  sources: readonly string[],
  target: string,
  dockerConfig: string,
  trust: TrustOptions = {},
): Promise<ToolRun> {
  const { env: trusted, flags } = goTrust(trust, '--insecure');
  const env = { ...trusted, DOCKER_CONFIG: dockerConfig };
  const create = await measureProcess('docker', ['manifest', 'create', ...flags, target, ...sources], {
    env,
    timeoutMs: TIMEOUT_MS,
  });
  if (create.exitCode !== 0) {
    return {
      ok: false,
      error: `docker manifest create: ${lastLine(create.stderr || create.stdout)}`,
      startedAt: create.startedAt,
      wallMs: create.wallMs,
      peakRssBytes: create.peakRssBytes,
      cpuMs: create.cpuMs,
      lines: create.lines,
    };
  }
  const push = await measureProcess('docker', ['manifest', 'push', ...flags, target], { env, timeoutMs: TIMEOUT_MS });
  const ok = push.exitCode === 0;
  return {
    ok,
    error: ok ? undefined : `docker manifest push: ${lastLine(push.stderr || push.stdout)}`,
    startedAt: create.startedAt,
    wallMs: create.wallMs + push.wallMs,
    peakRssBytes: Math.max(create.peakRssBytes ?? 0, push.peakRssBytes ?? 0) || undefined,
    cpuMs: cpuOf([create, push]),
    lines: [...create.lines, ...push.lines],
  };
}

/**
 * What users of Podman's tool chain run: `buildah manifest create L`, `buildah manifest add --all
 * L docker://S` for each source (without `--all` a source index yields only the image of this
 * machine's platform, and an index without it fails), then `buildah manifest push --all L
 * docker://T`. Over plain HTTP `--tls-verify=false` allows it; over TLS the CA is trusted (see
 * goTrust). The Docker config is the auth file. Each run has its own storage (`--root`,
 * `--runroot`, vfs driver), so no run finds another's state. Wall time is all the commands;
 * peak RSS the largest.
 */
export async function runBuildahManifest(
  sources: readonly string[],
  target: string,
  dockerConfig: string,
  trust: TrustOptions = {},
): Promise<ToolRun> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-bench-buildah-'));
  try {
    const { env, flags } = goTrust(trust, '--tls-verify=false', '--tls-verify=true');
    const common = ['--root', path.join(dir, 'root'), '--runroot', path.join(dir, 'run'), '--storage-driver', 'vfs', 'manifest'];
    const remote = [...flags, '--authfile', path.join(dockerConfig, 'config.json')];
    const list = 'bench-list';
    const steps: Array<[string, string[]]> = [
      ['create', ['create', list]],
      ...sources.map((s): [string, string[]] => ['add', ['add', '--all', ...remote, list, `docker://${s}`]]),
      ['push', ['push', '--all', ...remote, list, `docker://${target}`]],
    ];
    const cache = path.join(dir, 'blob-info-cache');
    await fs.mkdir(cache);
    const isolated = await canIsolateBlobInfoCache();
    const runs = [];
    for (const [name, args] of steps) {
      const buildah = ['buildah', ...common, ...args];
      const [command, argv] = isolated ? ['unshare', [...ISOLATE_CACHE, cache, ...buildah]] : [buildah[0], buildah.slice(1)];
      const r = await measureProcess(command, argv, { env, timeoutMs: TIMEOUT_MS });
      runs.push(r);
      if (r.exitCode !== 0) {
        const why = lastLine(
          r.stderr
            .split('\n')
            .filter((l) => !/level=(warning|info)|local storage/.test(l))
            .join('\n'),
        );
        return combined(runs, `buildah manifest ${name}: ${why || lastLine(r.stdout)}`);
      }
    }
    return combined(runs);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * Buildah (containers/image) keeps, as root, one blob info cache for every run on the machine
 * (`/var/lib/containers/cache`): where each blob was seen, which it uses to mount instead of
 * copying. `--root` does not move it. So each buildah command runs in a mount namespace of its
 * own where that directory is the run's own (a bind mount of a per-run directory): the commands
 * of one run share it, as one user's would, and no run inherits another's.
 */
const CACHE_DIR = '/var/lib/containers/cache';
const ISOLATE_CACHE = ['-m', 'sh', '-c', `mkdir -p ${CACHE_DIR} && mount --bind "$0" ${CACHE_DIR} && exec "$@"`];

let isolation: Promise<boolean> | undefined;

/** Whether `unshare -m` works here (root with CAP_SYS_ADMIN); without it the cache is shared. */
export function canIsolateBlobInfoCache(): Promise<boolean> {
  isolation ??= execFileP('unshare', ['-m', 'sh', '-c', `mount -t tmpfs tmpfs ${os.tmpdir()}`], { timeout: 10_000 }).then(
    () => true,
    () => false,
  );
  return isolation;
}

/** CPU time of several commands, when every one was measured. */
function cpuOf(runs: readonly ProcessResult[]): number | undefined {
  return runs.every((r) => r.cpuMs !== undefined) ? runs.reduce((n, r) => n + r.cpuMs!, 0) : undefined;
}

/** Several commands measured as one run: their wall times add up; peak RSS is the largest. */
function combined(runs: readonly ProcessResult[], error?: string): ToolRun {
  return {
    ok: error === undefined,
    error,
    startedAt: runs[0].startedAt,
    wallMs: runs.reduce((n, r) => n + r.wallMs, 0),
    peakRssBytes: Math.max(0, ...runs.map((r) => r.peakRssBytes ?? 0)) || undefined,
    cpuMs: cpuOf(runs),
    lines: runs.flatMap((r) => r.lines),
  };
}

/** The plain-copy baseline in its own process (the bench bundle's `__plain-copy` mode). */
export async function runPlainCopy(benchEntry: string, spec: CopySpec, trust: TrustOptions & NodeOption): Promise<ToolRun> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-bench-copy-'));
  try {
    const specFile = path.join(dir, 'spec.json');
    await fs.writeFile(specFile, JSON.stringify(spec));
    const env = baseEnv();
    if (trust.caFile) env.NODE_EXTRA_CA_CERTS = trust.caFile;
    const r = await measureProcess(trust.node, [benchEntry, '__plain-copy', specFile], {
      env,
      timeoutMs: TIMEOUT_MS,
    });
    const ok = r.exitCode === 0;
    return {
      ok,
      error: ok ? undefined : lastLine(r.stderr),
      startedAt: r.startedAt,
      wallMs: r.wallMs,
      peakRssBytes: r.peakRssBytes,
      cpuMs: r.cpuMs,
      lines: r.lines,
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
