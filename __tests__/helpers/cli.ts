import { spawn } from 'node:child_process';
import * as path from 'node:path';

/** The bundled command line tool, as `npx merge-multiarch-action` runs it. */
export const CLI_ENTRY = path.join(__dirname, '..', '..', 'dist', 'cli', 'index.js');

export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Added to a clean environment (no GITHUB_*, RUNNER_*, INPUT_*; DOCKER_CONFIG pointing nowhere). */
  readonly env?: Record<string, string>;
  /** Written to the tool's stdin, which is then closed. */
  readonly stdin?: string;
  /** Another copy of the tool (the files `npm pack` ships). */
  readonly entry?: string;
  readonly cwd?: string;
}

/** Runs the tool as a user would: a child process of `node`, outside GitHub Actions. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(GITHUB_|RUNNER_|INPUT_|ACTIONS_)/.test(k)) env[k] = v;
  }
  env.DOCKER_CONFIG = path.join(path.sep, 'nonexistent', 'docker-config');
  Object.assign(env, options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.entry ?? CLI_ENTRY, ...args], {
      env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? -1, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}

/** Lines a runner would take for workflow commands (`::error::`, `::add-mask::`…). */
export function workflowCommands(run: CliRun): string[] {
  return `${run.stdout}\n${run.stderr}`.split('\n').filter((l) => l.trim().startsWith('::'));
}
