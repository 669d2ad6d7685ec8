import { getExecOutput } from '@actions/exec';
import type { RunProgram } from '../util/program';

/** Programs as the runner's toolkit runs them (PATH lookup as on every runner OS); never echoed. */
export const execProgram: RunProgram = async (command, args, input) => {
  const { exitCode, stdout, stderr } = await getExecOutput(command, [...args], {
    input,
    silent: true, // a credential helper's output holds the secret
    ignoreReturnCode: true,
  });
  return { exitCode, stdout, stderr };
};
