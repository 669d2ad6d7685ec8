import { merge } from '../flow/merge';
import type { Inputs } from '../inputs/context';
import type { Preconnections } from '../transport/preconnect';
import { ACTION_NAMES } from './names';
import { execProgram } from './program';
import { actionReporter } from './reporter';

/** The merge as the action runs it: loaded by the entry once its connections are opening. */
export async function runAction(inputs: Inputs, preconnected: Preconnections): Promise<void> {
  await merge(inputs, {
    reporter: actionReporter,
    runProgram: execProgram,
    githubActor: process.env.GITHUB_ACTOR,
    preconnected,
    names: ACTION_NAMES,
  });
}
