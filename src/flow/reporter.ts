import type { Outputs, RunResult } from '../report/report';
import type { Outcome } from '../transfer/transfer';

/** Where one target repository stands while its children and blobs are made present. */
export interface TransferProgress {
  readonly repository: string;
  /** Child manifests the index needs in this repository. */
  readonly children: number;
  readonly manifests: Readonly<Record<Outcome, number>>;
  readonly blobs: Readonly<Record<Outcome, number>>;
  /** Bytes streamed into this repository so far, blobs still in flight included. */
  readonly bytesCopied: number;
}

/** Lines for the log; a low-level module takes only the ones it writes. */
export interface Log {
  info(message: string): void;
  /** Detail for diagnosing a run (every HTTP request); shown only when asked for. */
  debug(message: string): void;
}

/** A value that must never appear in any output (a password, a token): the front end masks it. */
export type MaskSecret = (value: string) => void;

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
  /** The run succeeded (or, in a dry run, would): its outputs and what it did. */
  result(result: RunResult, outputs: Outputs): Promise<void>;
}
