#!/usr/bin/env node
import { runCli } from './main';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// Exit as soon as the run settles: a connection a broken registry never answers must not keep
// the tool alive after its result is known. stdout is flushed first (it may be a pipe).
runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, readStdin }).then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (err: unknown) => {
    console.error(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
