import type * as Crypto from 'node:crypto';

/**
 * node:crypto, loaded when the first digest is computed: the front ends' small entries parse
 * references (`isDigest`) and open the registries' connections before anything is hashed, and
 * loading crypto first would hold those connections back.
 */
let crypto: typeof Crypto | undefined;
function createHash(algorithm: string): Crypto.Hash {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  crypto ??= require('node:crypto') as typeof Crypto;
  return crypto.createHash(algorithm);
}

/** A validated content digest, e.g. `sha256:<64 hex>`. */
export type Digest = string & { readonly __digest: unique symbol };

const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;

export function isDigest(value: string): value is Digest {
  return DIGEST_PATTERN.test(value);
}

/** Parses a digest, throwing with the caller's context when it is malformed. */
export function parseDigest(value: string, what = 'digest'): Digest {
  if (!isDigest(value)) {
    throw new Error(`${what} "${value}" is not a valid digest: expected sha256:<64 lowercase hex>`);
  }
  return value;
}

export function sha256Digest(bytes: Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}` as Digest;
}

/** Digest of `bytes` with the algorithm `expected` uses, so sha512 references verify too. */
export function digestOf(bytes: Uint8Array, expected?: Digest): Digest {
  const algorithm = expected?.startsWith('sha512:') ? 'sha512' : 'sha256';
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}` as Digest;
}

/** An incremental hasher for streamed blobs (never holds the blob in memory). */
export function digestHasher(expected: Digest): { update(chunk: Uint8Array): void; digest(): Digest } {
  const algorithm = expected.startsWith('sha512:') ? 'sha512' : 'sha256';
  const hash = createHash(algorithm);
  return {
    update: (chunk) => void hash.update(chunk),
    digest: () => `${algorithm}:${hash.digest('hex')}` as Digest,
  };
}
