import type { BatchReport, Outputs, RunResult } from '../report/report';
import type { TransferProgress } from '../transfer/transfer';
import type { Log, MaskSecret } from '../util/log';

export type { Log, MaskSecret } from '../util/log';
export type { TransferProgress } from '../transfer/transfer';

/**
 * How the flow tells its front end what happens. The flow never writes to stdout, stderr or
 * the runner itself: the action turns these calls into groups, annotations, outputs and the
 * job summary; the command line into stderr lines, live progress and JSON.
 */
export interface Reporter extends Log {
  /** A step of the run (resolve, copy, publish); its lines belong to it. */
  group<T>(title: string, work: () => Promise<T>): Promise<T>;
  /** Worth the user's attention, not a failure. */
  notice(message: string): void;
  warning(message: string): void;
  secret: MaskSecret;
  progress(update: TransferProgress): void;
  /**
   * The run succeeded (or, in a dry run, would): its outputs and what it did. `result` is the
   * first image's; `batch`, given when the run merged several images, holds every image's.
   */
  result(result: RunResult, outputs: Outputs, batch?: BatchReport): Promise<void>;
}

/** What one image's phases report through: the run's reporter, or that image's part of it in a batch. */
export type ImageReporter = Omit<Reporter, 'result'>;
