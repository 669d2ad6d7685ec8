/**
 * Starts a REAL CNCF Distribution registry (Debian's `docker-registry`, 2.8) on loopback,
 * with no auth, htpasswd (Basic) auth, or token (Bearer) auth backed by an in-process
 * token server. Every registry lives in its own temp dir and is stopped by PID.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, stopByPid } from './processes';
import { generateSigningCert, startTokenServer, type GrantContext, type Scope, type TokenServer } from './tokenServer';

export type AuthMode = 'none' | 'htpasswd' | 'token';

export interface RunningRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  auth: AuthMode;
  /** Set for htpasswd and token modes. */
  username?: string;
  password?: string;
  pid: number;
  /** Temp dir holding config.yml, registry.log, storage and auth files; removed by stop(). */
  dataDir: string;
  /** Token mode only. */
  tokenServer?: TokenServer;
  /** Last lines of the registry's own log (for diagnosing a failing test). */
  logTail(lines?: number): Promise<string>;
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  auth?: AuthMode;
  username?: string;
  password?: string;
  /** Token mode: let anonymous clients get (pull-only, unless `grant` says otherwise) tokens. */
  allowAnonymous?: boolean;
  /** Token mode: override what a token grants (emulate quirky token services). */
  grant?: (requested: Scope[], ctx: GrantContext) => Scope[];
  /**
   * The registry outlives this process (`npm run demo -- --keep`): no watchdog, its own process
   * group. It is stopped by `stop()` or by its PID; its data dir is then the caller's to remove.
   */
  outlive?: boolean;
}

const REGISTRY_BIN = 'docker-registry';
const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3_000;
export const TOKEN_SERVICE = 'test-registry';
export const TOKEN_ISSUER = 'test-issuer';

/**
 * Safety net for a test that fails before stop() or forgets it. Exit hooks do not fire
 * inside jest's sandbox and workers can be killed outright, so a detached shell watches
 * this process and kills the registry (by PID) once this process is gone. It ends by
 * itself as soon as the registry is gone; stop() also kills it by PID.
 */
function spawnWatchdog(registryPid: number): ChildProcess {
  const script =
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 0.5; done; ' +
    'if kill -0 "$2" 2>/dev/null; then kill -TERM "$2"; sleep 2; kill -KILL "$2" 2>/dev/null; fi; exit 0';
  const watchdog = spawn('sh', ['-c', script, 'registry-watchdog', String(process.pid), String(registryPid)], {
    stdio: 'ignore',
    detached: true, // its own process group: a Ctrl-C to the test run must not stop it first
  });
  watchdog.unref();
  return watchdog;
}

function run(cmd: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: 10_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} failed: ${err.message} ${stderr}`)) : resolve(stdout),
    );
    child.stdin?.end(input);
  });
}

/**
 * One htpasswd line with a bcrypt hash (the only scheme Distribution accepts).
 * Cost 4 (the minimum) because the registry runs bcrypt on every Basic-authenticated request.
 * Prefers `htpasswd` from Debian's apache2-utils; falls back to Python's crypt module
 * (present up to Python 3.12, e.g. Debian 12's python3) so a bare machine still works.
 */
export async function bcryptHtpasswdLine(user: string, password: string): Promise<string> {
  const errors: string[] = [];
  try {
    // -i: password on stdin, so it never shows in the process list.
    const out = await run('htpasswd', ['-niBC', '4', user], password);
    const line = out.trim().split('\n')[0];
    if (line.startsWith(`${user}:$2`)) return line;
    errors.push(`htpasswd printed ${JSON.stringify(out)}`);
  } catch (e) {
    errors.push((e as Error).message);
  }
  try {
    const script =
      'import sys, warnings\nwarnings.simplefilter("ignore")\nimport crypt\n' +
      'print(crypt.crypt(sys.stdin.read(), crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))';
    const hash = (await run('python3', ['-c', script], password)).trim();
    if (hash.startsWith('$2')) return `${user}:${hash}`;
    errors.push(`python3 crypt printed ${JSON.stringify(hash)}`);
  } catch (e) {
    errors.push((e as Error).message);
  }
  throw new Error(`cannot make a bcrypt htpasswd line; install apache2-utils. ${errors.join(' | ')}`);
}

export interface RegistryConfigOptions {
  /** Where blobs and manifests are stored. */
  readonly storage: string;
  /** `127.0.0.1:PORT` to listen on. */
  readonly host: string;
  /** More lines under `http:` (e.g. `  tls:` …), indented as they go in the file. */
  readonly http?: readonly string[];
  /** Top-level sections after `http:` (e.g. `auth:` …). */
  readonly sections?: readonly string[];
}

/** A Distribution config.yml: quiet logs, filesystem storage, no debug listener. */
export function registryConfig(o: RegistryConfigOptions): string {
  // JSON strings are valid YAML double-quoted scalars: safe for any temp path.
  const q = JSON.stringify;
  return [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${q(o.storage)}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${q(o.host)}`,
    // A fixed secret avoids the "generated random secret" warning.
    `  secret: ${q(randomBytes(16).toString('hex'))}`,
    ...(o.http ?? []),
    ...(o.sections ?? []),
    '',
  ].join('\n');
}

async function tail(file: string, lines = 40): Promise<string> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text.split('\n').slice(-lines).join('\n');
}

interface Spawned {
  child: ChildProcess;
  watchdog?: ChildProcess;
}

async function stopSpawned({ child, watchdog }: Spawned): Promise<void> {
  watchdog?.kill('SIGTERM');
  await stopByPid(child, STOP_GRACE_MS);
}

/** Spawns the registry and waits for `GET /v2/` to answer; rejects (after killing it) otherwise. */
async function spawnRegistry(dataDir: string, host: string, outlive = false): Promise<Spawned> {
  const logPath = path.join(dataDir, 'registry.log');
  const log = await fs.open(logPath, 'a');
  // Distribution maps every REGISTRY_* variable onto its config: drop them so the
  // environment cannot change (or break) the config we wrote.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
  const child = spawn(REGISTRY_BIN, ['serve', path.join(dataDir, 'config.yml')], {
    stdio: ['ignore', log.fd, log.fd],
    env,
    detached: outlive, // its own process group: the end of `npm run` does not end it
  });
  await log.close(); // the child holds its own copy of the descriptor
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  child.unref(); // a leaked registry must not keep the jest worker alive (the watchdog ends it)
  const spawned: Spawned = { child, watchdog: child.pid === undefined || outlive ? undefined : spawnWatchdog(child.pid) };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    const failed = await Promise.race([spawnError, new Promise<undefined>((r) => setTimeout(() => r(undefined), 50))]);
    if (failed) throw new Error(`cannot run ${REGISTRY_BIN} (apt-get install docker-registry): ${failed.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      await stopSpawned(spawned);
      throw new Error(`${REGISTRY_BIN} exited (${child.exitCode ?? child.signalCode}) before answering:\n${await tail(logPath)}`);
    }
    try {
      const res = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return spawned;
      lastError = `GET /v2/ answered ${res.status}`;
    } catch (e) {
      lastError = (e as Error).message;
    }
  }
  await stopSpawned(spawned);
  throw new Error(`${REGISTRY_BIN} on ${host} not ready after ${READY_TIMEOUT_MS} ms (${lastError}):\n${await tail(logPath)}`);
}

export async function startRegistry(opts: StartRegistryOptions = {}): Promise<RunningRegistry> {
  const auth = opts.auth ?? 'none';
  const username = auth === 'none' ? undefined : (opts.username ?? 'tester');
  const password = auth === 'none' ? undefined : (opts.password ?? 'secret-pass');
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-action-registry-'));
  let tokenServer: TokenServer | undefined;

  try {
    let authSection = '';
    if (auth === 'htpasswd') {
      const htpasswd = path.join(dataDir, 'htpasswd');
      await fs.writeFile(htpasswd, `${await bcryptHtpasswdLine(username!, password!)}\n`);
      authSection = ['auth:', '  htpasswd:', '    realm: test-registry', `    path: ${JSON.stringify(htpasswd)}`].join('\n');
    } else if (auth === 'token') {
      const { keyPem, certPem, certPath } = await generateSigningCert(dataDir);
      tokenServer = await startTokenServer({
        service: TOKEN_SERVICE,
        issuer: TOKEN_ISSUER,
        keyPem,
        certPem,
        username,
        password,
        allowAnonymous: opts.allowAnonymous,
        grant: opts.grant,
      });
      authSection = [
        'auth:',
        '  token:',
        `    realm: ${JSON.stringify(tokenServer.realm)}`,
        `    service: ${TOKEN_SERVICE}`,
        `    issuer: ${TOKEN_ISSUER}`,
        `    rootcertbundle: ${JSON.stringify(certPath)}`,
      ].join('\n');
    }

    // The free port can be taken between our probe and the registry's bind (parallel
    // workers): retry with a new port when that is why the registry died.
    let spawned: Spawned | undefined;
    let host = '';
    for (let attempt = 1; !spawned; attempt++) {
      host = `127.0.0.1:${await freePort()}`;
      await fs.writeFile(
        path.join(dataDir, 'config.yml'),
        registryConfig({ storage: path.join(dataDir, 'storage'), host, sections: authSection ? [authSection] : [] }),
      );
      try {
        spawned = await spawnRegistry(dataDir, host, opts.outlive);
      } catch (e) {
        if (attempt >= 3 || !/address already in use/.test((e as Error).message)) throw e;
      }
    }

    const running = spawned;
    let stopped: Promise<void> | undefined;
    return {
      host,
      auth,
      username,
      password,
      pid: running.child.pid!,
      dataDir,
      tokenServer,
      logTail: (lines) => tail(path.join(dataDir, 'registry.log'), lines),
      stop: () =>
        (stopped ??= (async () => {
          await stopSpawned(running);
          await tokenServer?.close();
          await fs.rm(dataDir, { recursive: true, force: true });
        })()),
    };
  } catch (e) {
    await tokenServer?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
    throw e;
  }
}
