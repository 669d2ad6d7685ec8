/**
 * Runs one child process and measures it: wall time (spawn to exit), peak RSS, and every stdout
 * line with the time it arrived (so debug lines can be placed on the same clock as the proxies).
 *
 * Peak RSS comes from GNU time (`/usr/bin/time -f %M`, the kernel's ru_maxrss for the waited
 * child); without it, /proc/<pid>/status VmHWM is polled (a lower estimate for short peaks).
 */
import { spawn } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TimedLine {
  /** Date.now() when the line arrived. */
  readonly at: number;
  readonly text: string;
}

export interface ProcessResult {
  readonly exitCode: number;
  readonly startedAt: number;
  readonly wallMs: number;
  /** Peak resident set size in bytes; undefined when it could not be read. */
  readonly peakRssBytes: number | undefined;
  /** User + system CPU time of the process (GNU time's %U + %S, 10 ms resolution). */
  readonly cpuMs: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly lines: readonly TimedLine[];
  readonly timedOut: boolean;
}

export interface MeasureOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

const GNU_TIME = '/usr/bin/time';

/** Process groups of the children still running, so an interrupted bench can end them. */
const running = new Set<number>();

/** Ends every measured child still running (each by its own process group id). */
export function killRunningChildren(): void {
  for (const pgid of running) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
}
let gnuTime: Promise<boolean> | undefined;

function hasGnuTime(): Promise<boolean> {
  gnuTime ??= fs.access(GNU_TIME, constants.X_OK).then(
    () => true,
    () => false,
  );
  return gnuTime;
}

export async function peakRssMethod(): Promise<string> {
  return (await hasGnuTime()) ? 'GNU time (%M, ru_maxrss of the child)' : '/proc/<pid>/status VmHWM, polled every 10 ms';
}

async function pollHwm(pid: number, stop: { done: boolean }): Promise<number | undefined> {
  let peak: number | undefined;
  while (!stop.done) {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(await fs.readFile(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak ?? 0, Number(m[1]) * 1024);
    } catch {
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return peak;
}

export async function measureProcess(command: string, args: readonly string[], options: MeasureOptions): Promise<ProcessResult> {
  const useTime = await hasGnuTime();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-bench-run-'));
  const rssFile = path.join(dir, 'rss');
  const [cmd, argv] = useTime
    ? [GNU_TIME, ['-f', 'PEAK_RSS_KB=%M CPU_S=%U+%S', '-o', rssFile, command, ...args]]
    : [command, [...args]];
  const lines: TimedLine[] = [];
  let stdout = '';
  let stderr = '';
  let partial = '';
  const stop = { done: false };
  const startedAt = Date.now();
  const started = performance.now();
  // Its own process group, so a timeout ends the tool and whatever it started, by that group's id.
  const child = spawn(cmd, argv, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (child.pid !== undefined) running.add(child.pid);
  const hwm = !useTime && child.pid !== undefined ? pollHwm(child.pid, stop) : Promise.resolve(undefined);
  child.stdout.on('data', (chunk: Buffer) => {
    const at = Date.now();
    const text = chunk.toString('utf8');
    stdout += text;
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) lines.push({ at, text: line });
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, options.timeoutMs ?? 300_000);
  try {
    const { exitCode, wallMs } = await new Promise<{ exitCode: number; wallMs: number }>((resolve, reject) => {
      let wall = 0;
      child.once('error', reject);
      child.once('exit', () => (wall = performance.now() - started));
      child.once('close', (code) => resolve({ exitCode: code ?? -1, wallMs: wall || performance.now() - started }));
    });
    stop.done = true;
    if (child.pid !== undefined) running.delete(child.pid);
    if (partial) lines.push({ at: Date.now(), text: partial });
    let peakRssBytes = await hwm;
    let cpuMs: number | undefined;
    if (useTime) {
      const report = await fs.readFile(rssFile, 'utf8').catch(() => '');
      const m = /PEAK_RSS_KB=(\d+)/.exec(report);
      peakRssBytes = m ? Number(m[1]) * 1024 : undefined;
      const cpu = /CPU_S=([\d.]+)\+([\d.]+)/.exec(report);
      cpuMs = cpu ? Math.round((Number(cpu[1]) + Number(cpu[2])) * 1000) : undefined;
    }
    return { exitCode, startedAt, wallMs, peakRssBytes, cpuMs, stdout, stderr, lines, timedOut };
  } finally {
    clearTimeout(timer);
    await fs.rm(dir, { recursive: true, force: true });
  }
}
