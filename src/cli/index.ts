#!/usr/bin/env node
import { batchRepositories } from '../inputs/images';
import { Preconnections } from '../transport/preconnect';
import { enableCompileCache } from '../util/compileCache';
import { baselineWasmOnly } from '../util/wasmTier';
import { type CliIo, readCommandLine } from './usage';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Kept small, so it starts within milliseconds of Node's own boot: it reads the command line and
 * opens the registries' connections, and only then loads the merge (a chunk of its own,
 * `./main`), whose loading then overlaps the first round trips.
 */
async function main(io: CliIo): Promise<number> {
  const run = await readCommandLine(process.argv.slice(2), io);
  if (typeof run === 'number') return run;
  const preconnected = Preconnections.open(batchRepositories(run.batch), process.env);
  try {
    enableCompileCache();
    baselineWasmOnly();
    // One turn of the event loop first: a connection already up sends its TLS hello before the load.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const { runMerge } = await import('./main.js');
    return await runMerge(run, io, preconnected);
  } finally {
    preconnected.discard();
  }
}

// Exit as soon as the run settles: a connection a broken registry never answers must not keep
// the tool alive after its result is known. stdout is flushed first (it may be a pipe).
main({ stdout: process.stdout, stderr: process.stderr, readStdin }).then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (err: unknown) => {
    console.error(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
