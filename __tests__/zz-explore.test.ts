import { startRegistry } from './helpers/registry';
import { pushImage, pushBlob, registryFetch } from './helpers/fixtures';

it('explore', async () => {
  const none = await startRegistry();
  const ht = await startRegistry({ auth: 'htpasswd', password: 'p' });
  try {
    await pushImage(none, 'ex/a', { platform: 'linux/amd64', tag: 'dock', format: 'docker' });
    const r = await registryFetch(none, '/v2/ex/a/manifests/dock');
    console.log(r.status, await r.text());
    console.log((await pushBlob(ht, 'ex/h', Buffer.from('x'))).digest);
    console.log(await import('node:fs').then((f) => f.readFileSync(`${ht.dataDir}/htpasswd`, 'utf8')));
  } finally {
    await none.stop(); await ht.stop();
  }
});
