/** A Reporter that records what the flow tells it, for unit tests of the flow's modules. */
import type { Reporter, TransferProgress } from '../../src/flow/reporter';
import type { Outputs, RunResult } from '../../src/report/report';

export interface RecordingReporter extends Reporter {
  readonly lines: string[];
  readonly secrets: string[];
  readonly progressUpdates: TransferProgress[];
  readonly results: Array<{ result: RunResult; outputs: Outputs }>;
}

export function recordingReporter(): RecordingReporter {
  const lines: string[] = [];
  const secrets: string[] = [];
  const progressUpdates: TransferProgress[] = [];
  const results: Array<{ result: RunResult; outputs: Outputs }> = [];
  return {
    lines,
    secrets,
    progressUpdates,
    results,
    async group(title, work) {
      lines.push(`group: ${title}`);
      return work();
    },
    info: (m) => void lines.push(`info: ${m}`),
    debug: (m) => void lines.push(`debug: ${m}`),
    notice: (m) => void lines.push(`notice: ${m}`),
    warning: (m) => void lines.push(`warning: ${m}`),
    secret: (v) => void secrets.push(v),
    progress: (u) => void progressUpdates.push(u),
    async result(result, outputs) {
      results.push({ result, outputs });
    },
  };
}
