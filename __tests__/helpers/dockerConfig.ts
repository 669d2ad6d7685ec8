/**
 * A Docker CLI config dir as docker/login-action leaves it, for use through DOCKER_CONFIG.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export async function writeDockerConfig(
  auths: Record<string, { username: string; password: string }>,
): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-action-docker-config-'));
  const config = {
    auths: Object.fromEntries(
      Object.entries(auths).map(([host, c]) => [host, { auth: Buffer.from(`${c.username}:${c.password}`).toString('base64') }]),
    ),
  };
  // 0600 like the Docker CLI writes it: the file holds credentials.
  await fs.writeFile(path.join(dir, 'config.json'), `${JSON.stringify(config, null, '\t')}\n`, { mode: 0o600 });
  return { dir, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

/**
 * The environment of a job logged in to a test registry (reached as `host`, e.g. through a proxy
 * in front of it): DOCKER_CONFIG with its credentials, or an empty config for one without auth.
 */
export async function loggedIn(
  reg: { readonly username?: string; readonly password?: string },
  host: string,
): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }> {
  const config = await writeDockerConfig(
    reg.username ? { [host]: { username: reg.username, password: reg.password as string } } : {},
  );
  return { env: { DOCKER_CONFIG: config.dir }, cleanup: config.cleanup };
}
