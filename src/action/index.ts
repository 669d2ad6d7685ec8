import * as core from './workflow';
import { merge } from '../flow/merge';
import { getInputs } from '../inputs/context';
import { describeError } from '../errors';
import { ACTION_NAMES } from './names';
import { execProgram } from './program';
import { actionReporter } from './reporter';

/** Inputs as the runner sets them (`INPUT_<NAME>`); missing means the default. */
const readActionInput = (name: string) => core.getInput(name);

/** The action's entry: any failure becomes one clear `::error` and a failed step. */
export async function run(): Promise<void> {
  // Fail closed: should the event loop ever drain before merge() settles, the step must not pass.
  process.exitCode = 1;
  try {
    const inputs = getInputs(readActionInput);
    await merge(inputs, {
      reporter: actionReporter,
      runProgram: execProgram,
      githubActor: process.env.GITHUB_ACTOR,
      names: ACTION_NAMES,
    });
    process.exitCode = 0;
  } catch (err) {
    core.setFailed(describeError(err, ACTION_NAMES));
  }
}

// Exit as soon as the run settles: a connection a broken proxy or registry never answers must
// not keep the step alive after its result is known.
void run().finally(() => process.exit());
