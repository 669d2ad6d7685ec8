import * as core from './workflow';
import type { Reporter } from '../flow/reporter';
import { totalsLine } from '../report/report';
import { writeBatchSummary, writeJobSummary } from './summary';

/**
 * The flow as a workflow step shows it: collapsible groups, `::notice`/`::warning`
 * annotations, debug lines under RUNNER_DEBUG, masked secrets, step outputs and the job summary.
 */
export const actionReporter: Reporter = {
  group: (title, work) => core.group(title, work),
  info: (message) => core.info(message),
  debug: (message) => core.debug(message),
  notice: (message) => core.notice(message),
  warning: (message) => core.warning(message),
  secret: (value) => core.setSecret(value),
  // The step log is not a terminal: the per-repository counts go to the job summary instead.
  progress: () => undefined,
  async result(result, outputs, batch) {
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
    if (batch) {
      core.info(`Batch: ${totalsLine(batch.totals)}`);
      await writeBatchSummary(batch);
    } else {
      if (result.hubCounted !== undefined)
        core.info(`Docker Hub counted ${result.hubCounted} requests (manifest GETs; HEADs are free)`);
      await writeJobSummary(result);
    }
  },
};
