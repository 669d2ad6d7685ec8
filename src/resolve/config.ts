import { ContentError } from '../errors';
import type { Descriptor } from '../oci/manifest';
import type { Platform } from '../oci/platform';
import type { Reference } from '../oci/reference';
import { isUnknownPlatform } from './imageCheck';
import type { RegistryClient } from '../registry/client';

/** Image configs are small; anything larger is not an image config. */
const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

/** Reads os, architecture, variant, os.version and os.features from an image config blob. */
export async function platformFromConfig(client: RegistryClient, source: Reference, config: Descriptor): Promise<Platform> {
  if (config.size > MAX_CONFIG_BYTES) {
    throw new ContentError(`source "${source}": config ${config.digest} is ${config.size} bytes, too large for an image config`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of await client.getBlob(source.repository, config.digest, config.size)) chunks.push(chunk as Buffer);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new ContentError(`source "${source}": config ${config.digest} is not JSON, so its platform is unknown`);
  }
  return platformOfConfig(json, `source "${source}"`);
}

export function platformOfConfig(json: Record<string, unknown>, where: string): Platform {
  const { os, architecture, variant } = json;
  if (typeof os !== 'string' || typeof architecture !== 'string' || isUnknownPlatform({ os, architecture })) {
    // Design rule 16: attestations and signatures carry image configs with no platform, or unknown/unknown.
    const shown = (v: unknown) => (typeof v === 'string' && v !== '' ? v : '(none)');
    throw new ContentError(`${where} is not an image: its config names the platform ${shown(os)}/${shown(architecture)}`);
  }
  const p: { -readonly [K in keyof Platform]: Platform[K] } = { os, architecture };
  if (typeof variant === 'string' && variant !== '') p.variant = variant;
  if (typeof json['os.version'] === 'string' && json['os.version'] !== '') p['os.version'] = json['os.version'];
  const features = json['os.features'];
  if (Array.isArray(features) && features.length > 0) p['os.features'] = features.map(String);
  return p;
}
