/**
 * The contestants, each run as its own process exactly as users run it: the action's bundled
 * entry (as the runner runs it), `docker manifest create` + `docker manifest push`, and the
 * plain-copy baseline.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { measureProcess, type TimedLine } from './measure';
import type { CopySpec } from './plainCopy';

export interface ToolRun {
  readonly ok: boolean;
  /** Why it failed, in the tool's own words. */
  readonly error?: string;
  readonly startedAt: number;
  readonly wallMs: number;
  readonly peakRssBytes: number | undefined;
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
}

/** Runs the action's entry as the runner does: INPUT_* variables, output and summary files. */
export async function runAction(
  entry: string,
  inputs: ActionInputs,
  options: { dockerConfig: string; debug?: boolean },
): Promise<ToolRun> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-bench-action-'));
  try {
    const env = baseEnv();
    env.INPUT_SOURCES = inputs.sources.join('\n');
    env.INPUT_TAGS = inputs.tags.join('\n');
    env.GITHUB_OUTPUT = path.join(dir, 'output');
    env.GITHUB_STEP_SUMMARY = path.join(dir, 'summary');
    env.DOCKER_CONFIG = options.dockerConfig;
    if (options.debug) env.RUNNER_DEBUG = '1';
    await fs.writeFile(env.GITHUB_OUTPUT, '');
    await fs.writeFile(env.GITHUB_STEP_SUMMARY, '');
    const r = await measureProcess(process.execPath, [entry], { env, timeoutMs: TIMEOUT_MS });
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
      lines: r.lines,
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Runs the entry with no inputs: it fails while parsing them, before any I/O (start-up cost). */
export async function runActionStartupOnly(entry: string): Promise<number> {
  const env = baseEnv();
  env.DOCKER_CONFIG = path.join(os.tmpdir(), 'merge-bench-no-docker-config');
  const r = await measureProcess(process.execPath, [entry], { env });
  if (!r.stdout.includes('::error')) throw new Error(`expected an input error from ${entry}, got: ${r.stdout}${r.stderr}`);
  return r.wallMs;
}

/** `node -e ''`: what any Node program pays before its first line. */
export async function runEmptyNode(): Promise<number> {
  return (await measureProcess(process.execPath, ['-e', ''], { env: baseEnv() })).wallMs;
}

const execFileP = promisify(execFile);

/** The docker CLI version, or undefined when there is none. */
export async function dockerVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await execFileP('docker', ['--version'], { timeout: 10_000 });
    return stdout.trim();
  } catch {
    return undefined;
  }
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
 * What users ran before: `docker manifest create --insecure T S…` then `docker manifest push
 * --insecure T` (no daemon needed). Wall time is both commands; peak RSS the larger of the two.
 */
export async function runDockerManifest(sources: readonly string[], target: string, dockerConfig: string): Promise<ToolRun> {
  const env = { ...baseEnv(), DOCKER_CONFIG: dockerConfig };
  const create = await measureProcess('docker', ['manifest', 'create', '--insecure', target, ...sources], {
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
      lines: create.lines,
    };
  }
  const push = await measureProcess('docker', ['manifest', 'push', '--insecure', target], { env, timeoutMs: TIMEOUT_MS });
  const ok = push.exitCode === 0;
  return {
    ok,
    error: ok ? undefined : `docker manifest push: ${lastLine(push.stderr || push.stdout)}`,
    startedAt: create.startedAt,
    wallMs: create.wallMs + push.wallMs,
    peakRssBytes: Math.max(create.peakRssBytes ?? 0, push.peakRssBytes ?? 0) || undefined,
    lines: [...create.lines, ...push.lines],
  };
}

/** The plain-copy baseline in its own process (the bench bundle's `__plain-copy` mode). */
export async function runPlainCopy(benchEntry: string, spec: CopySpec): Promise<ToolRun> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-bench-copy-'));
  try {
    const specFile = path.join(dir, 'spec.json');
    await fs.writeFile(specFile, JSON.stringify(spec));
    const r = await measureProcess(process.execPath, [benchEntry, '__plain-copy', specFile], {
      env: baseEnv(),
      timeoutMs: TIMEOUT_MS,
    });
    const ok = r.exitCode === 0;
    return {
      ok,
      error: ok ? undefined : lastLine(r.stderr),
      startedAt: r.startedAt,
      wallMs: r.wallMs,
      peakRssBytes: r.peakRssBytes,
      lines: r.lines,
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
