import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MaskSecret } from '../util/log';
import type { RunProgram } from '../util/program';
import { DOCKER_HUB } from '../oci/reference';

/** What a registry login gives: a username and password, or an OAuth2 refresh (identity) token. */
export type Credential =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'identity-token'; readonly token: string };

export interface CredentialSource {
  /** Credentials for a registry host (`ghcr.io`, `127.0.0.1:5000`, `docker.io`), or undefined for anonymous. */
  get(registry: string): Promise<Credential | undefined>;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** The key docker itself uses for Docker Hub in config.json and credential helpers. */
const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';

/** `https://ghcr.io/v2/` and `ghcr.io` name the same registry in config.json. */
function hostOf(key: string): string {
  const host = key
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? DOCKER_HUB : host;
}

/** Runs `docker-credential-<helper> get` as docker does: server URL on stdin, JSON on stdout. */
export type HelperRunner = (helper: string, serverUrl: string) => Promise<{ Username: string; Secret: string } | undefined>;

/** The helper runner on top of a front end's way of running programs (their output is never echoed). */
export const credentialHelpers =
  (runProgram: RunProgram): HelperRunner =>
  async (helper, serverUrl) => {
    const result = await runProgram(`docker-credential-${helper}`, ['get'], Buffer.from(serverUrl));
    if (result.exitCode !== 0) {
      // "credentials not found" is an ordinary answer: fall back to anonymous.
      if (/not found/i.test(result.stdout + result.stderr)) return undefined;
      throw new Error(`docker-credential-${helper} get failed for ${serverUrl} (exit ${result.exitCode})`);
    }
    const parsed = JSON.parse(result.stdout) as { Username?: string; Secret?: string };
    if (typeof parsed.Secret !== 'string') throw new Error(`docker-credential-${helper} gave no Secret for ${serverUrl}`);
    return { Username: parsed.Username ?? '', Secret: parsed.Secret };
  };

/** Masks what a credential could leak as: the password, its Basic header value, or the token. */
export function maskCredential(credential: Credential, mask: MaskSecret): Credential {
  if (credential.kind === 'basic') {
    mask(credential.password);
    mask(Buffer.from(`${credential.username}:${credential.password}`).toString('base64'));
  } else {
    mask(credential.token);
  }
  return credential;
}

export interface DockerCredentialOptions {
  /** `$DOCKER_CONFIG`, else `~/.docker`. */
  readonly configDir?: string;
  /**
   * `$DOCKER_AUTH_CONFIG`, as GitLab CI sets it: a Docker config's JSON, or (a variable of type
   * File) the path of a file holding it. Its entries come before config.json's.
   */
  readonly authConfig?: string;
  /** Used for ghcr.io only, and only when the config has nothing for it. */
  readonly githubToken?: string;
  readonly githubActor?: string;
  readonly runHelper: HelperRunner;
  readonly mask: MaskSecret;
}

/** config.json in the Docker config directory; none there is an empty config. */
async function readConfigFile(dir: string): Promise<DockerConfig> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8')) as DockerConfig;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read the Docker config ${path.join(dir, 'config.json')}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * `DOCKER_AUTH_CONFIG` as GitLab CI provides it: the JSON itself (a variable of type Variable) or
 * the path of a file holding it (type File). Its text is a secret: no error quotes it (design rule 15).
 */
async function readAuthConfig(value: string | undefined): Promise<DockerConfig> {
  if (value === undefined || value.trim() === '') return {};
  let text = value;
  if (!/^[[{]/.test(value.trim())) {
    try {
      text = await fs.readFile(value.trim(), 'utf8');
    } catch (err) {
      throw new Error(
        `DOCKER_AUTH_CONFIG holds neither a Docker config's JSON nor the path of a readable file (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
        { cause: err },
      );
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(
      'DOCKER_AUTH_CONFIG is not valid JSON: it must hold a Docker config, e.g. {"auths": {"registry.example.com": {"auth": "<base64 of user:password>"}}}',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('DOCKER_AUTH_CONFIG must hold a JSON object (a Docker config with "auths", "credHelpers" or "credsStore")');
  }
  return parsed as DockerConfig;
}

/** A config's entries by registry host, whatever the key spelling. */
function byHost(config: DockerConfig, name: string) {
  const auths = new Map<string, NonNullable<DockerConfig['auths']>[string]>();
  for (const [key, value] of Object.entries(config.auths ?? {})) auths.set(hostOf(key), value);
  const helpers = new Map<string, string>();
  for (const [key, value] of Object.entries(config.credHelpers ?? {})) helpers.set(hostOf(key), value);
  return { name, auths, helpers, credsStore: config.credsStore };
}

/**
 * Reads credentials the way docker and docker/login-action store them, and from
 * `DOCKER_AUTH_CONFIG` the way GitLab CI provides them (first, as GitLab's runner reads it first).
 */
export async function dockerCredentials(options: DockerCredentialOptions): Promise<CredentialSource> {
  const dir = options.configDir ?? process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker');
  const [fromEnv, fromFile] = await Promise.all([
    readAuthConfig(options.authConfig ?? process.env.DOCKER_AUTH_CONFIG),
    readConfigFile(dir),
  ]);
  const configs = [byHost(fromEnv, 'DOCKER_AUTH_CONFIG'), byHost(fromFile, 'the Docker config')];
  if (options.githubToken) options.mask(options.githubToken);

  const { runHelper } = options;
  const mask = (credential: Credential) => maskCredential(credential, options.mask);
  /** One config's answer for a host: its credential helper first, then its auths entry. */
  const lookupIn = async (config: ReturnType<typeof byHost>, host: string): Promise<Credential | undefined> => {
    const { auths, helpers } = config;
    const serverUrl = host === DOCKER_HUB ? DOCKER_HUB_SERVER : host;
    const helper = helpers.get(host) ?? config.credsStore;
    if (helper) {
      const answer = await runHelper(helper, serverUrl);
      if (answer) {
        // docker's convention: the username "<token>" marks an identity token.
        return mask(
          answer.Username === '<token>'
            ? { kind: 'identity-token', token: answer.Secret }
            : { kind: 'basic', username: answer.Username, password: answer.Secret },
        );
      }
    }
    const entry = auths.get(host);
    if (entry?.identitytoken) return mask({ kind: 'identity-token', token: entry.identitytoken });
    if (entry?.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new Error(`${config.name} entry for ${host} has a malformed "auth" field`);
      return mask({ kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) });
    }
    if (entry?.username && entry.password) {
      return mask({ kind: 'basic', username: entry.username, password: entry.password });
    }
    return undefined;
  };
  const cache = new Map<string, Promise<Credential | undefined>>();
  const lookup = async (registry: string): Promise<Credential | undefined> => {
    for (const config of configs) {
      const found = await lookupIn(config, hostOf(registry));
      if (found) return found;
    }
    const host = hostOf(registry);
    if (host === 'ghcr.io' && options.githubToken) {
      return { kind: 'basic', username: options.githubActor || 'github-actions', password: options.githubToken };
    }
    return undefined;
  };
  return {
    get(registry) {
      const host = hostOf(registry);
      let pending = cache.get(host);
      if (!pending) {
        pending = lookup(host);
        cache.set(host, pending);
      }
      return pending;
    },
  };
}

/** A username and password given for some registries (the command line's `--password-stdin`). */
export interface Login {
  readonly registries: ReadonlySet<string>;
  readonly username: string;
  readonly password: string;
}

/** `login` for its registries, `fallback` (the Docker config) for every other one. */
export function withLogin(login: Login, fallback: CredentialSource, mask: MaskSecret): CredentialSource {
  const credential = maskCredential({ kind: 'basic', username: login.username, password: login.password }, mask);
  const hosts = new Set([...login.registries].map(hostOf));
  return { get: (registry) => (hosts.has(hostOf(registry)) ? Promise.resolve(credential) : fallback.get(registry)) };
}
