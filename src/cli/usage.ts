import { VERSION } from './version';
import { describeError, InputError } from '../errors';
import { readFile } from 'node:fs/promises';
import { readBakeMetadata } from '../inputs/bakeFiles';
import { type Batch, getBatch } from '../inputs/images';
import type { Login } from '../registry/credentials';
import { parseCommandLine, UsageError } from './flags';
import { usage } from './help';
import { CLI_NAMES } from './names';
import type { LogStream } from './reporter';

export const COMMAND = 'merge-multiarch-action';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: LogStream;
  /** Read only with --password-stdin. */
  readonly readStdin: () => Promise<string>;
}

/** The password as `docker login --password-stdin` takes it: the trailing newline is not part of it. */
function passwordOf(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/** A merge the command line asks for, every flag checked. */
export interface Usage {
  readonly batch: Batch;
  readonly login: Login | undefined;
  readonly json: boolean;
  readonly verbose: boolean;
}

/** Everything the command line says, checked before any request: a UsageError means exit 2. */
async function readUsage(argv: readonly string[], io: CliIo): Promise<Usage | 'done'> {
  const cl = parseCommandLine(argv);
  if (cl.help) {
    io.stdout.write(usage(COMMAND));
    return 'done';
  }
  if (cl.version) {
    io.stdout.write(`${VERSION}\n`);
    return 'done';
  }
  // --images names a file (or - for stdin); the input is its text.
  const imagesFile = cl.read('images');
  let imagesText = '';
  if (imagesFile === '-') {
    if (cl.passwordStdin) throw new UsageError('--images - and --password-stdin both read stdin: give --images a file');
    imagesText = await io.readStdin();
  } else if (imagesFile !== '') {
    try {
      imagesText = await readFile(imagesFile, 'utf8');
    } catch (err) {
      throw new UsageError(`--images ${imagesFile}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    if (imagesText.trim() === '') throw new UsageError(`--images ${imagesFile}: the file is empty`);
  }
  let batch: Batch;
  try {
    batch = await getBatch((name) => (name === 'images' ? imagesText : cl.read(name)), readBakeMetadata);
  } catch (err) {
    if (err instanceof InputError) throw new UsageError(describeError(err, CLI_NAMES));
    throw err;
  }
  const targets = batch.images.flatMap((i) => i.targets);
  let login: Login | undefined;
  if (cl.username !== undefined) {
    const password = passwordOf(await io.readStdin());
    if (password === '') throw new UsageError('--password-stdin: stdin holds no password');
    login = { registries: new Set(targets.map((t) => t.registry)), username: cl.username, password };
  }
  return { batch, login, json: cl.json, verbose: cl.verbose };
}

/**
 * Reads the command line: the merge it asks for, or the exit status when there is nothing to
 * merge (--help, --version, or bad usage, said on stderr). Loads nothing of the merge itself,
 * so the entry can open the registries' connections before loading it.
 */
export async function readCommandLine(argv: readonly string[], io: CliIo): Promise<Usage | number> {
  if (argv.length === 0) {
    // Nothing asked: the usage, on stderr as an error is, and the bad-usage status (as git, curl and crane do).
    io.stderr.write(usage(COMMAND));
    return EXIT.usage;
  }
  try {
    const run = await readUsage(argv, io);
    return run === 'done' ? EXIT.ok : run;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`error: ${err.message}\nRun '${COMMAND} --help' for usage.\n`);
    return EXIT.usage;
  }
}
