import { isDigest } from '../oci/digest';
import type { Reference } from '../oci/reference';
import type { ClientFor } from './resolve';

/**
 * Docker Hub counts every manifest GET it serves against its pull limit; a HEAD is free. A
 * source on Hub that a mirror of the run holds (a target repository of the same name in
 * another registry: GHCR beside Hub) is read from the mirror, by digest: the digest comes from
 * a HEAD on Hub when the source names a tag, the mirror's copy is found by a HEAD there, and
 * the bytes read from it are verified against that digest like any source's (design rule 4).
 * Anything that does not answer as hoped leaves the source as it is: this only saves pulls.
 */
export async function readFromMirror(
  clientFor: ClientFor,
  source: Reference,
  mirrors: readonly Reference[],
): Promise<{ reference: Reference; mirror?: Reference }> {
  const candidates = mirrors.filter((m) => m.repository === source.repository && m.registry !== source.registry);
  if (candidates.length === 0) return { reference: source };
  try {
    let digest = source.digest;
    if (digest === undefined) {
      const head = await (await clientFor(source.registry)).headManifest(source.repository, source.manifestRef);
      digest = head?.digest;
    }
    if (digest === undefined || !isDigest(digest)) return { reference: source };
    const known = digest;
    const found = await Promise.all(
      candidates.map(async (m) => (await (await clientFor(m.registry)).headManifest(m.repository, known)) !== undefined),
    );
    const i = found.indexOf(true);
    return i < 0 ? { reference: source } : { reference: candidates[i].withDigest(known), mirror: candidates[i] };
  } catch {
    return { reference: source };
  }
}
