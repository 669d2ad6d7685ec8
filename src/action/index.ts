import { describeError } from '../errors';
import { readBakeMetadata } from '../inputs/bakeFiles';
import { batchRepositories, getBatch } from '../inputs/images';
import { Preconnections } from '../transport/preconnect';
import { enableCompileCache } from '../util/compileCache';
import { baselineWasmOnly } from '../util/wasmTier';
import { getInput } from './input';
import { ACTION_NAMES } from './names';

/**
 * The action's entry: any failure becomes one clear `::error` and a failed step.
 *
 * Kept small, so it starts within milliseconds of Node's own boot: it reads the inputs and opens
 * the registries' connections, and only then loads the rest of the action (a chunk of its own,
 * `./main`), whose loading takes longer than Node's boot and now overlaps the first round trips.
 */
export async function run(): Promise<void> {
  // Fail closed: should the event loop ever drain before the merge settles, the step must not pass.
  process.exitCode = 1;
  let preconnected: Preconnections | undefined;
  try {
    const batch = await getBatch(getInput, readBakeMetadata);
    preconnected = Preconnections.open(batchRepositories(batch), process.env);
    enableCompileCache();
    baselineWasmOnly();
    // One turn of the event loop first: a connection already up sends its TLS hello before the load.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const { runAction } = await import('./main.js');
    await runAction(batch, preconnected);
    process.exitCode = 0;
  } catch (err) {
    // The workflow commands are loaded only now (or with the rest): the entry stays small.
    const core = await import('./workflow.js');
    core.setFailed(describeError(err, ACTION_NAMES));
  } finally {
    preconnected?.discard();
  }
}

// Exit as soon as the run settles: a connection a broken proxy or registry never answers must
// not keep the step alive after its result is known.
void run().finally(() => process.exit());
