import { InputError, type Setting, wordingOf } from '../errors';
import { type Platform, parsePlatform, platformKey } from '../oci/platform';
import { namesTagOrDigest, Reference } from '../oci/reference';
import { looksLikePattern, type Source, TagPattern } from '../oci/tagPattern';
import { parseAnnotations } from './annotations';
import { firstDuplicate, splitList } from './lists';

/**
 * What becomes of buildx's attestation manifests: dropped, kept inline in the index (where
 * GHCR shows them as unknown/unknown platforms), or written as OCI referrers of their images.
 */
export type AttestationMode = 'strip' | 'keep' | 'referrers';
export type MediaTypeMode = 'oci' | 'docker' | 'auto';
/** Referrers: whether signatures, SBOMs and attestations attached to the children travel with them. */
export type ReferrersMode = 'copy' | 'skip';

/** Every input of action.yml, parsed and validated once; nothing after this reads `INPUT_*`. */
export interface Inputs {
  /** In input order; a tag pattern stands for its matches, expanded while resolving. */
  readonly sources: readonly Source[];
  readonly targets: readonly Reference[];
  /** Targets written without a tag, as given: `latest` is assumed, as docker does, and the run says so. */
  readonly untaggedTargets: readonly { readonly given: string; readonly target: Reference }[];
  readonly attestations: AttestationMode;
  readonly referrers: ReferrersMode;
  readonly platforms: readonly Platform[] | undefined;
  readonly annotations: Readonly<Record<string, string>>;
  readonly skippedAnnotations: readonly string[];
  readonly mediaType: MediaTypeMode;
  readonly dryRun: boolean;
  /** Start from the index under the first target tag, replacing its entries platform by platform. */
  readonly append: boolean;
  readonly githubToken: string | undefined;
  readonly insecureRegistries: ReadonlySet<string>;
  /** How long a registry may stay unreachable (from its first failed request) before the run gives up on it. */
  readonly outageTimeoutMs: number;
}

/**
 * Reads an input by its action.yml name; '' means the default. The action reads `INPUT_<NAME>`,
 * the command line maps its flags to the same names: one parser for both.
 */
export type InputReader = (name: string) => string;

function oneOf<T extends string>(input: Setting, value: string, allowed: readonly T[], fallback: T): T {
  const v = value.trim().toLowerCase();
  if (v === '') return fallback;
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new InputError(input, `"${value.trim()}" is not one of ${allowed.join(', ')}`);
}

function bool(input: Setting, value: string): boolean {
  const v = value.trim();
  if (v === '' || /^(false)$/i.test(v)) return false;
  if (/^(true)$/i.test(v)) return true;
  throw new InputError(input, `"${v}" is not a boolean: use true or false`);
}

/** Parses a list of references; `patterns` allows a glob in the tag (sources only). */
function references(input: Setting, value: string, patterns: true): Source[];
function references(input: Setting, value: string, patterns: false): Reference[];
function references(input: Setting, value: string, patterns: boolean): Source[] {
  const refs = splitList(value).map((item): Source => {
    if (looksLikePattern(item) && !patterns) {
      throw new InputError(input, `"${item}": a target names one tag; tag patterns ("*", "?") are for sources only`);
    }
    try {
      return looksLikePattern(item) ? TagPattern.parse(item) : Reference.parse(item);
    } catch (err) {
      throw new InputError(input, wordingOf(err));
    }
  });
  const dup = firstDuplicate(refs, (r) => r.toString());
  if (dup) throw new InputError(input, `"${dup[1].toString()}" is listed twice`);
  return refs;
}

/** Design rule 12: a minute by default; a registry known to restart slowly may be given up to an hour. */
export const OUTAGE_TIMEOUT = { defaultSeconds: 60, maxSeconds: 3600 } as const;

function seconds(input: Setting, value: string, fallback: number, max: number): number {
  const v = value.trim().replace(/s$/i, '');
  if (v === '') return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) {
    throw new InputError(input, `"${value.trim()}" is not a whole number of seconds from 1 to ${max}`);
  }
  return Number(v);
}

const HOST = /^(?:\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?)(?::\d{1,5})?$/;

export function getInputs(read: InputReader): Inputs {
  const sources = references('sources', read('sources'), true);
  if (sources.length === 0) throw new InputError('sources', 'at least one image reference is required');

  const targets = references('tags', read('tags'), false);
  if (targets.length === 0) throw new InputError('tags', 'at least one target reference is required');
  for (const t of targets) {
    if (t.digest !== undefined) {
      throw new InputError('tags', `"${t.toString()}" has a digest; a target names a tag (e.g. ${t.name}:latest)`);
    }
  }

  const untaggedTargets = splitList(read('tags'))
    .map((given, i) => ({ given, target: targets[i] }))
    .filter((t) => !namesTagOrDigest(t.given));

  let platforms: Platform[] | undefined;
  const platformItems = splitList(read('platforms'));
  if (platformItems.length > 0) {
    platforms = platformItems.map((p) => {
      try {
        return parsePlatform(p);
      } catch (err) {
        throw new InputError('platforms', wordingOf(err));
      }
    });
    const dup = firstDuplicate(platforms, platformKey);
    if (dup) throw new InputError('platforms', `"${platformItems[platforms.indexOf(dup[1])]}" names a platform already listed`);
  }

  const annotations = parseAnnotations(read('annotations'));
  const insecure = new Set<string>();
  for (const host of splitList(read('insecure-registries'))) {
    const h = host
      .replace(/^https?:\/\//, '')
      .replace(/\/+$/, '')
      .toLowerCase();
    if (!HOST.test(h)) throw new InputError('insecure-registries', `"${host}" is not host[:port]`);
    insecure.add(h);
  }

  const token = read('github-token').trim();
  return {
    sources,
    targets,
    untaggedTargets,
    attestations: oneOf('attestations', read('attestations'), ['strip', 'keep', 'referrers'] as const, 'strip'),
    referrers: oneOf('referrers', read('referrers'), ['copy', 'skip'] as const, 'copy'),
    platforms,
    annotations: annotations.index,
    skippedAnnotations: annotations.skipped,
    mediaType: oneOf('media-type', read('media-type'), ['oci', 'docker', 'auto'] as const, 'oci'),
    dryRun: bool('dry-run', read('dry-run')),
    append: bool('append', read('append')),
    githubToken: token === '' ? undefined : token,
    insecureRegistries: insecure,
    outageTimeoutMs:
      seconds('outage-timeout', read('outage-timeout'), OUTAGE_TIMEOUT.defaultSeconds, OUTAGE_TIMEOUT.maxSeconds) * 1000,
  };
}
