import { Reference } from '../src/oci/reference';
import { readFromMirror } from '../src/resolve/mirror';
import type { ClientFor } from '../src/resolve/resolve';
import { memoryRegistry, OCI_MANIFEST } from './helpers/memoryRegistry';

/** Docker Hub (docker.io) and a mirror (ghcr.io), each a registry of its own. */
function registries() {
  const hub = memoryRegistry({ referrersApi: false });
  const ghcr = memoryRegistry({ referrersApi: false });
  const clientFor: ClientFor = (registry) => (registry === 'docker.io' ? hub : ghcr).clientFor(registry);
  return { hub, ghcr, clientFor };
}
const manifest = (seed: string) => Buffer.from(JSON.stringify({ mediaType: OCI_MANIFEST, seed }));
const MIRRORS = [Reference.parse('ghcr.io/acme/app:1'), Reference.parse('ghcr.io/acme/other:1')];

describe('readFromMirror (design rule 22)', () => {
  it('reads a source by tag from the mirror that holds its digest, asking Hub with a HEAD only', async () => {
    const { hub, ghcr, clientFor } = registries();
    const digest = hub.store('acme/app', manifest('a'), 'build-1');
    ghcr.store('acme/app', manifest('a'));
    const read = await readFromMirror(clientFor, Reference.parse('docker.io/acme/app:build-1'), MIRRORS);
    expect(read.reference.toString()).toBe(`ghcr.io/acme/app@${digest}`);
    expect(read.mirror?.toString()).toBe('ghcr.io/acme/app:1');
    expect(hub.calls).toEqual(['HEAD acme/app/build-1']);
    expect(ghcr.calls).toEqual([`HEAD acme/app/${digest}`]);
  });

  it('reads a source by digest from the mirror without asking Hub at all', async () => {
    const { hub, ghcr, clientFor } = registries();
    const digest = hub.store('acme/app', manifest('b'));
    ghcr.store('acme/app', manifest('b'));
    const read = await readFromMirror(clientFor, Reference.parse(`docker.io/acme/app@${digest}`), MIRRORS);
    expect(read.reference.registry).toBe('ghcr.io');
    expect(hub.calls).toEqual([]);
  });

  it('leaves the source alone when no mirror of its name holds the digest, or none is of its name', async () => {
    const { hub, ghcr, clientFor } = registries();
    const digest = hub.store('acme/app', manifest('c'), 'build-2');
    ghcr.store('acme/app', manifest('other'));
    const source = Reference.parse('docker.io/acme/app:build-2');
    expect((await readFromMirror(clientFor, source, MIRRORS)).reference).toBe(source);
    expect((await readFromMirror(clientFor, Reference.parse(`docker.io/acme/lib@${digest}`), MIRRORS)).mirror).toBeUndefined();
    // A tag Hub does not have: left to resolve, which says so.
    const missing = Reference.parse('docker.io/acme/app:nope');
    expect((await readFromMirror(clientFor, missing, MIRRORS)).reference).toBe(missing);
  });
});
