import { mergeBatch } from '../flow/batch';
import type { Batch } from '../inputs/images';
import type { Preconnections } from '../transport/preconnect';
import { ACTION_NAMES } from './names';
import { execProgram } from './program';
import { actionReporter } from './reporter';

/** The merge as the action runs it: loaded by the entry once its connections are opening. */
export async function runAction(batch: Batch, preconnected: Preconnections): Promise<void> {
  await mergeBatch(batch, {
    reporter: actionReporter,
    runProgram: execProgram,
    githubActor: process.env.GITHUB_ACTOR,
    preconnected,
    names: ACTION_NAMES,
  });
}
