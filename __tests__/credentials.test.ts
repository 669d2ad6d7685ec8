import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dockerCredentials, type HelperRunner } from '../src/registry/credentials';

async function configDir(config: object): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'creds-'));
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('dockerCredentials', () => {
  it('reads auths as docker/login-action writes them, whatever the key spelling', async () => {
    const dir = await configDir({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hub-user:hub:pass') },
        'https://ghcr.io/v2/': { auth: b64('gh:ghp') },
        'registry.example.com:5000': { identitytoken: 'refresh-me' },
        'plain.example.com': { username: 'u', password: 'p' },
      },
    });
    const creds = await dockerCredentials({ configDir: dir });
    expect(await creds.get('docker.io')).toEqual({ kind: 'basic', username: 'hub-user', password: 'hub:pass' });
    expect(await creds.get('ghcr.io')).toEqual({ kind: 'basic', username: 'gh', password: 'ghp' });
    expect(await creds.get('registry.example.com:5000')).toEqual({ kind: 'identity-token', token: 'refresh-me' });
    expect(await creds.get('plain.example.com')).toEqual({ kind: 'basic', username: 'u', password: 'p' });
    expect(await creds.get('other.example.com')).toBeUndefined();
  });

  it('uses github-token for ghcr.io only, and only when the config has nothing for it', async () => {
    const empty = await dockerCredentials({ configDir: await configDir({}), githubToken: 'ghs_x', githubActor: 'octocat' });
    expect(await empty.get('ghcr.io')).toEqual({ kind: 'basic', username: 'octocat', password: 'ghs_x' });
    expect(await empty.get('docker.io')).toBeUndefined();
    expect(await empty.get('ghcr.io.evil.example')).toBeUndefined();
    const configured = await dockerCredentials({
      configDir: await configDir({ auths: { 'ghcr.io': { auth: b64('me:pat') } } }),
      githubToken: 'ghs_x',
    });
    expect(await configured.get('ghcr.io')).toEqual({ kind: 'basic', username: 'me', password: 'pat' });
  });

  it('asks credHelpers before credsStore, with docker server URLs, and maps <token> to an identity token', async () => {
    const asked: string[] = [];
    const runHelper: HelperRunner = async (helper, server) => {
      asked.push(`${helper} ${server}`);
      if (server === 'https://index.docker.io/v1/') return { Username: '<token>', Secret: 'id-token' };
      if (server === 'ecr.example.com') return { Username: 'AWS', Secret: 'ecr-pass' };
      return undefined;
    };
    const dir = await configDir({ credsStore: 'desktop', credHelpers: { 'ecr.example.com': 'ecr-login' } });
    const creds = await dockerCredentials({ configDir: dir, runHelper });
    expect(await creds.get('docker.io')).toEqual({ kind: 'identity-token', token: 'id-token' });
    expect(await creds.get('ecr.example.com')).toEqual({ kind: 'basic', username: 'AWS', password: 'ecr-pass' });
    expect(await creds.get('quay.io')).toBeUndefined();
    await creds.get('ecr.example.com');
    expect(asked).toEqual(['desktop https://index.docker.io/v1/', 'ecr-login ecr.example.com', 'desktop quay.io']);
  });

  it('treats a missing config as anonymous and a broken one as an error', async () => {
    const missing = await dockerCredentials({ configDir: path.join(os.tmpdir(), 'does-not-exist-xyz') });
    expect(await missing.get('ghcr.io')).toBeUndefined();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'creds-'));
    await fs.writeFile(path.join(dir, 'config.json'), '{not json');
    await expect(dockerCredentials({ configDir: dir })).rejects.toThrow(/cannot read the Docker config/);
  });
});
