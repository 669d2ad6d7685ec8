import { say, worded } from '../errors';
import { type Digest, isDigest } from './digest';

/** Docker Hub's canonical name and the host its API really lives on. */
export const DOCKER_HUB = 'docker.io';
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

// Grammar from the distribution reference spec; checked once here, trusted everywhere else.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DOMAIN =
  /^(?:\[[0-9a-fA-F:.]+\]|(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*)(?::[0-9]+)?$/;
const MAX_NAME_LENGTH = 255;

export class ReferenceError extends Error {
  override name = 'ReferenceError';
}

/**
 * An image reference, normalised the way docker does (`alpine` → `docker.io/library/alpine`).
 * Construct with `Reference.parse`; a Reference always holds a valid name and a tag, a digest, or both.
 */
export class Reference {
  private constructor(
    /** `docker.io`, `ghcr.io`, `127.0.0.1:5000` … */
    readonly registry: string,
    /** `library/alpine`, `org/app` … */
    readonly repository: string,
    readonly tag: string | undefined,
    readonly digest: Digest | undefined,
  ) {}

  static parse(input: string): Reference {
    const raw = input.trim();
    if (raw === '') throw new ReferenceError('empty reference');
    if (/\s/.test(raw)) throw new ReferenceError(`"${raw}" contains white space`);

    let rest = raw;
    let digest: Digest | undefined;
    const at = rest.indexOf('@');
    if (at >= 0) {
      const d = rest.slice(at + 1);
      if (!isDigest(d)) {
        throw new ReferenceError(`"${raw}" has an invalid digest "${d}": expected sha256:<64 lowercase hex>`);
      }
      digest = d;
      rest = rest.slice(0, at);
    }

    let tag: string | undefined;
    const lastSlash = rest.lastIndexOf('/');
    const colon = rest.lastIndexOf(':');
    if (colon > lastSlash) {
      tag = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
      if (!TAG.test(tag)) {
        throw new ReferenceError(
          `"${raw}" has an invalid tag "${tag}": up to 128 letters, digits, "_", "." or "-", not starting with "." or "-"`,
        );
      }
    }
    if (rest === '') throw new ReferenceError(`"${raw}" has no repository name`);

    let registry = DOCKER_HUB;
    let repository = rest;
    const slash = rest.indexOf('/');
    if (slash >= 0) {
      const first = rest.slice(0, slash);
      // docker's rule: the first component is a registry when it looks like a host. (docker also
      // takes an uppercase first component for a host; users mean a Docker Hub namespace, so
      // here it stays in the name and gets the lowercase hint below.)
      if (/[.:]/.test(first) || first === 'localhost') {
        if (!DOMAIN.test(first)) throw new ReferenceError(`"${raw}" has an invalid registry "${first}"`);
        registry = first.toLowerCase();
        repository = rest.slice(slash + 1);
      }
    }
    if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
    if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;

    if (repository !== repository.toLowerCase()) {
      const suggestion = new Reference(registry, repository.toLowerCase(), tag, digest).toString();
      throw worded(
        new ReferenceError(''),
        say`"${raw}": repository names must be lowercase; use "${suggestion}" ${{ hint: 'lowercase-repository' }}`,
      );
    }
    for (const component of repository.split('/')) {
      if (!PATH_COMPONENT.test(component)) {
        throw new ReferenceError(
          `"${raw}" has an invalid repository name "${repository}": each path component is lowercase letters and digits, separated by ".", "_", "__" or "-"`,
        );
      }
    }
    if (`${registry}/${repository}`.length > MAX_NAME_LENGTH) {
      throw new ReferenceError(`"${raw}": the name is longer than ${MAX_NAME_LENGTH} characters`);
    }
    if (tag === undefined && digest === undefined) tag = 'latest';
    return new Reference(registry, repository, tag, digest);
  }

  /** `registry/repository`, the key for everything stored per repository. */
  get name(): string {
    return `${this.registry}/${this.repository}`;
  }

  /** What goes into `/v2/<name>/manifests/<ref>`: the digest when there is one, else the tag. */
  get manifestRef(): string {
    return this.digest ?? (this.tag as string);
  }

  /** The same repository at another tag or digest. */
  withDigest(digest: Digest): Reference {
    return new Reference(this.registry, this.repository, undefined, digest);
  }

  withTag(tag: string): Reference {
    return new Reference(this.registry, this.repository, tag, undefined);
  }

  toString(): string {
    return `${this.name}${this.tag !== undefined ? `:${this.tag}` : ''}${this.digest !== undefined ? `@${this.digest}` : ''}`;
  }
}

/** Whether a reference as written names a tag or a digest (`Reference.parse` assumes `latest` otherwise). */
export function namesTagOrDigest(raw: string): boolean {
  const trimmed = raw.trim();
  return trimmed.includes('@') || trimmed.slice(trimmed.lastIndexOf('/') + 1).includes(':');
}

/** The host the distribution API is served from (Docker Hub's differs from its name). */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : registry;
}

/** Loopback registries may be reached over plain HTTP when they do not speak TLS (design rule 14). */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[') ? registry.slice(1, registry.indexOf(']')) : registry.replace(/:\d+$/, '');
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}
