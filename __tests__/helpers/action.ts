import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface ActionRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** What the step wrote to $GITHUB_OUTPUT, parsed. */
  readonly outputs: Record<string, string>;
  /** What the step wrote to $GITHUB_STEP_SUMMARY. */
  readonly summary: string;
  /** `::error::` lines, without the prefix. */
  readonly errors: string[];
  /** Peak resident memory of the action's process, when asked for. */
  readonly peakRssBytes?: number;
}

export interface RunOptions {
  /** Measure the process's peak RSS (a preload writes it on exit). */
  readonly rss?: boolean;
}

const ENTRY = path.join(__dirname, '..', '..', 'dist', 'index.js');

/** Parses the runner's file-command format (`name<<DELIM\nvalue\nDELIM`). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]);
    if (m) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]);
      outputs[m[1]] = value.join('\n');
    } else if (lines[i].includes('=')) {
      const eq = lines[i].indexOf('=');
      outputs[lines[i].slice(0, eq)] = lines[i].slice(eq + 1);
    }
  }
  return outputs;
}

/**
 * Runs the action's real entry point (dist/index.js, as the runner does) with INPUT_* variables.
 * Inputs are given by their action.yml names; the environment is otherwise clean of INPUT_*.
 */
export async function runAction(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  options: RunOptions = {},
): Promise<ActionRun> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'action-run-'));
  const outputFile = path.join(dir, 'output');
  const summaryFile = path.join(dir, 'summary');
  await fs.writeFile(outputFile, '');
  await fs.writeFile(summaryFile, '');
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('INPUT_')) childEnv[k] = v;
  for (const [name, value] of Object.entries(inputs)) childEnv[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  const rssFile = path.join(dir, 'rss');
  if (options.rss) childEnv.RSS_REPORT_FILE = rssFile;
  const args = options.rss ? ['--require', path.join(__dirname, 'rssReporter.js'), ENTRY] : [ENTRY];
  Object.assign(
    childEnv,
    { GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, DOCKER_CONFIG: path.join(dir, 'no-docker-config') },
    env,
  );
  try {
    const { exitCode, stdout, stderr } = await new Promise<{ exitCode: number; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ exitCode: code ?? -1, stdout: out, stderr: err }));
      },
    );
    const outputs = parseOutputFile(await fs.readFile(outputFile, 'utf8'));
    const summary = await fs.readFile(summaryFile, 'utf8');
    const errors = stdout
      .split('\n')
      .filter((l) => l.startsWith('::error'))
      .map((l) => l.replace(/^::error[^:]*::/, '').replace(/%0A/g, '\n'));
    const peakRssBytes = options.rss ? Number(await fs.readFile(rssFile, 'utf8')) : undefined;
    return { exitCode, stdout, stderr, outputs, summary, errors, peakRssBytes };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
