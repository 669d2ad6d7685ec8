import * as nodeModule from 'node:module';

/**
 * Node 22.1+ keeps the code V8 compiles for the modules loaded from now on in a cache on disk
 * (`os.tmpdir()/node-compile-cache`, keyed by Node version and file content): a later run of the
 * same bundle skips most of its compilation, the largest part of loading it. Older Node has no
 * such cache, and `NODE_DISABLE_COMPILE_CACHE=1` turns it off; neither is an error.
 */
export function enableCompileCache(): void {
  try {
    (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  } catch {
    // A cache that cannot be used costs only the time it would have saved.
  }
}
