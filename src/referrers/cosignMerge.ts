import { ContentError } from '../errors';

/**
 * cosign keeps every signature (or attestation) of an image as one layer of one manifest under
 * `sha256-<hex>.sig` (`.att`), and adds a signature by appending a layer. Carrying a source's
 * signatures into a target whose tag already holds signatures of its own adds the missing layers
 * (design rule 19), as cosign would: the target's own stay.
 */

type Json = Record<string, unknown>;
type Layer = Json & { readonly digest: string };

function parse(bytes: Buffer, where: string): Json & { layers: Layer[]; config?: Json } {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ContentError(`${where}: not a JSON manifest`);
  }
  const layers = (json as { layers?: unknown }).layers;
  if (typeof json !== 'object' || json === null || !Array.isArray(layers) || layers.some((l) => typeof l?.digest !== 'string')) {
    throw new ContentError(`${where}: not a cosign manifest (no "layers")`);
  }
  return json as Json & { layers: Layer[]; config?: Json };
}

/** One signature: its payload and what it says about it (two keys may sign the same payload). */
function keyOf(layer: Layer): string {
  const annotations = (layer.annotations ?? {}) as Record<string, unknown>;
  const sorted = Object.keys(annotations)
    .sort()
    .map((k) => [k, annotations[k]]);
  return `${layer.digest} ${JSON.stringify(sorted)}`;
}

/** The layers of `carried` that `current` lacks, in `carried`'s order. */
export function missingLayers(current: Buffer, carried: Buffer, where: string): Layer[] {
  const there = new Set(parse(current, where).layers.map(keyOf));
  return parse(carried, where).layers.filter((l) => !there.has(keyOf(l)));
}

/** The manifest `current` with `added` after its own layers, and `config` (rewritten for them) as its config. */
export function withLayers(current: Buffer, added: readonly Layer[], config: Json | undefined, where: string): Buffer {
  const json = parse(current, where);
  return Buffer.from(JSON.stringify({ ...json, ...(config ? { config } : {}), layers: [...json.layers, ...added] }));
}

/**
 * The image config a cosign manifest carries, with `added` recorded as cosign's `AppendLayers`
 * does (one diff ID, which is the digest of an uncompressed layer, and one history entry each);
 * undefined when it is not a config that lists them.
 */
export function extendedConfig(config: Buffer, added: readonly Layer[]): Buffer | undefined {
  let json: Json;
  try {
    json = JSON.parse(config.toString('utf8')) as Json;
  } catch {
    return undefined;
  }
  const rootfs = json.rootfs as { diff_ids?: unknown } | undefined;
  if (!rootfs || !Array.isArray(rootfs.diff_ids)) return undefined;
  const history = Array.isArray(json.history)
    ? [...(json.history as unknown[]), ...added.map(() => ({ created: '0001-01-01T00:00:00Z' }))]
    : undefined;
  return Buffer.from(
    JSON.stringify({
      ...json,
      rootfs: { ...rootfs, diff_ids: [...rootfs.diff_ids, ...added.map((l) => l.digest)] },
      ...(history ? { history } : {}),
    }),
  );
}

/** The config descriptor of a cosign manifest (to read and rewrite its config). */
export function configOf(current: Buffer, where: string): { mediaType: string; digest: string; size: number } | undefined {
  const c = parse(current, where).config;
  return c && typeof c.digest === 'string' && typeof c.size === 'number' && typeof c.mediaType === 'string'
    ? { mediaType: c.mediaType, digest: c.digest, size: c.size }
    : undefined;
}

export function mediaTypeOf(bytes: Buffer): string | undefined {
  try {
    const m = (JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown }).mediaType;
    return typeof m === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}
