import { describeError } from '../errors';
import { mergeBatch } from '../flow/batch';
import type { Preconnections } from '../transport/preconnect';
import { jsonResult } from './json';
import type { ImageOutput } from '../report/report';
import { spawnProgram } from './program';
import { CliReporter } from './reporter';
import { CLI_NAMES } from './names';
import { type CliIo, EXIT, readCommandLine, type Usage } from './usage';

export { COMMAND, EXIT, type CliIo } from './usage';

/** The merge the command line asked for; resolves to the exit status. */
export async function runMerge(run: Usage, io: CliIo, preconnected?: Preconnections): Promise<number> {
  const reporter = new CliReporter(io.stderr, run.verbose);
  if (run.login) reporter.secret(run.login.password);
  try {
    const outputs = await mergeBatch(run.batch, {
      reporter,
      runProgram: spawnProgram,
      login: run.login,
      preconnected,
      names: CLI_NAMES,
    });
    // One line per image: the first target repository at the index's digest.
    const images = (JSON.parse(outputs.images) as ImageOutput[]).map((i) => i.image);
    io.stdout.write(run.json ? `${JSON.stringify(jsonResult(outputs))}\n` : `${images.join('\n')}\n`);
    return EXIT.ok;
  } catch (err) {
    reporter.error(describeError(err, CLI_NAMES));
    return EXIT.failed;
  }
}

/** The command line's whole run; resolves to the exit status. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const run = await readCommandLine(argv, io);
  return typeof run === 'number' ? run : runMerge(run, io);
}
