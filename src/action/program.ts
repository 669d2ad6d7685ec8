import type * as Exec from '@actions/exec';
import type { RunProgram } from '../util/program';

/** Programs as the runner's toolkit runs them (PATH lookup as on every runner OS); never echoed. */
export const execProgram: RunProgram = async (command, args, input) => {
  // Loaded on first use: most runs start no credential helper, and start-up need not load it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
  const { getExecOutput } = require('@actions/exec') as typeof Exec;
  const { exitCode, stdout, stderr } = await getExecOutput(command, [...args], {
    input,
    silent: true, // a credential helper's output holds the secret
    ignoreReturnCode: true,
  });
  return { exitCode, stdout, stderr };
};
