import { ContentError } from '../errors';
import { type Digest, isDigest } from './digest';
import {
  ATTESTATION_TYPE_ANNOTATION,
  ATTESTATION_TYPE_VALUE,
  type ImageMediaType,
  type IndexMediaType,
  isImageMediaType,
  isIndexMediaType,
  MediaType,
} from './mediaTypes';
import type { Platform } from './platform';

/** An OCI content descriptor, validated on parse. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: Digest;
  readonly size: number;
  readonly platform?: Platform;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly urls?: readonly string[];
  readonly artifactType?: string;
}

export interface ImageManifest {
  readonly kind: 'image';
  readonly mediaType: ImageMediaType;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
}

export interface ImageIndex {
  readonly kind: 'index';
  readonly mediaType: IndexMediaType;
  readonly manifests: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

export type Manifest = ImageManifest | ImageIndex;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringRecord(v: unknown, where: string): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw new ContentError(`${where}: annotations must map strings to strings`);
  }
  return v as Record<string, string>;
}

function parsePlatformField(v: unknown, where: string): Platform | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v) || typeof v.os !== 'string' || typeof v.architecture !== 'string') {
    throw new ContentError(`${where}: platform must have string "os" and "architecture"`);
  }
  const p: { -readonly [K in keyof Platform]: Platform[K] } = { os: v.os, architecture: v.architecture };
  if (typeof v.variant === 'string' && v.variant !== '') p.variant = v.variant;
  if (typeof v['os.version'] === 'string' && v['os.version'] !== '') p['os.version'] = v['os.version'];
  if (Array.isArray(v['os.features']) && v['os.features'].length > 0) {
    p['os.features'] = v['os.features'].map(String);
  }
  return p;
}

export function parseDescriptor(v: unknown, where: string): Descriptor {
  if (!isObject(v)) throw new ContentError(`${where}: descriptor is not an object`);
  const { mediaType, digest, size } = v;
  if (typeof mediaType !== 'string' || mediaType === '') throw new ContentError(`${where}: descriptor has no mediaType`);
  if (typeof digest !== 'string' || !isDigest(digest)) throw new ContentError(`${where}: descriptor has an invalid digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new ContentError(`${where}: descriptor ${digest} has an invalid size`);
  }
  const d: { -readonly [K in keyof Descriptor]: Descriptor[K] } = { mediaType, digest, size };
  const platform = parsePlatformField(v.platform, `${where} ${digest}`);
  if (platform) d.platform = platform;
  const annotations = stringRecord(v.annotations, `${where} ${digest}`);
  if (annotations) d.annotations = annotations;
  if (Array.isArray(v.urls) && v.urls.length > 0) d.urls = v.urls.map(String);
  if (typeof v.artifactType === 'string') d.artifactType = v.artifactType;
  return d;
}

/**
 * Parses manifest bytes. The body's own `mediaType` wins over the Content-Type header
 * (some registries answer a generic type); one of the two must name a known manifest type.
 */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined, where: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new ContentError(`${where}: the manifest is not valid JSON`);
  }
  if (!isObject(json)) throw new ContentError(`${where}: the manifest is not a JSON object`);
  if (json.schemaVersion !== 2) {
    throw new ContentError(`${where}: schemaVersion ${String(json.schemaVersion)} is not supported (only 2)`);
  }
  const header = contentType?.split(';')[0].trim();
  const mediaType = typeof json.mediaType === 'string' ? json.mediaType : header;

  // An OCI index without a mediaType field is still recognisable by its shape.
  if (isIndexMediaType(mediaType) || (mediaType === undefined && Array.isArray(json.manifests))) {
    if (!Array.isArray(json.manifests)) throw new ContentError(`${where}: the index has no "manifests" array`);
    return {
      kind: 'index',
      mediaType: isIndexMediaType(mediaType) ? mediaType : MediaType.OciIndex,
      manifests: json.manifests.map((m, i) => parseDescriptor(m, `${where} manifests[${i}]`)),
      annotations: stringRecord(json.annotations, where),
    };
  }
  if (isImageMediaType(mediaType) || (mediaType === undefined && isObject(json.config))) {
    if (!Array.isArray(json.layers)) throw new ContentError(`${where}: the image manifest has no "layers" array`);
    return {
      kind: 'image',
      mediaType: isImageMediaType(mediaType) ? mediaType : MediaType.OciManifest,
      config: parseDescriptor(json.config, `${where} config`),
      layers: json.layers.map((l, i) => parseDescriptor(l, `${where} layers[${i}]`)),
    };
  }
  throw new ContentError(
    `${where}: media type "${mediaType ?? '(none)'}" is neither an image manifest nor an index ` +
      `(schema 1 and other artifacts are not supported)`,
  );
}

/** Design rule 1: attestations are recognised by annotation, not by media type or platform. */
export function isAttestation(d: Descriptor): boolean {
  return d.annotations?.[ATTESTATION_TYPE_ANNOTATION] === ATTESTATION_TYPE_VALUE;
}

/** The blobs an image manifest needs in a repository: config and layers, minus foreign layers (rule 7). */
export function requiredBlobs(m: ImageManifest): Descriptor[] {
  return [m.config, ...m.layers.filter((l) => !l.urls || l.urls.length === 0)];
}
