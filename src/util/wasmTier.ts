import type * as v8 from 'node:v8';

/**
 * On V8 before 12 (Node 20), a WebAssembly module compiled at once, as undici compiles its
 * HTTP/1.1 parser (llhttp) on the first HTTP/1.1 connection, is compiled again by the optimizing
 * tier in the background, and the process's exit waits for that job: a short run over HTTP/1.1
 * or plain HTTP ended up to 300 ms after its last answer (2 CPUs, Node 20). The baseline tier
 * is enough for a parser that reads a few headers per answer. Later V8 optimizes only what runs
 * hot, and is left as it is. Returns whether the flag was set.
 */
export function baselineWasmOnly(v8Version = process.versions.v8): boolean {
  if (!tiersUpEveryModule(v8Version)) return false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only on the Node that needs it
  (require('node:v8') as typeof v8).setFlagsFromString('--liftoff-only');
  return true;
}

/** Whether this V8 compiles every function of a WebAssembly module again in the background. */
export function tiersUpEveryModule(v8Version: string): boolean {
  return Number(v8Version.split('.')[0]) < 12;
}
