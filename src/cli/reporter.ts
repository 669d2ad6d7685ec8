import type { Reporter, TransferProgress } from '../flow/reporter';
import {
  type BatchReport,
  formatBytes,
  type Outputs,
  type RunResult,
  requestsLine,
  TAG_OUTCOMES,
  totalsLine,
  transferCounts,
} from '../report/report';
import { counted } from '../util/words';

/** Where the tool writes its log: stderr, maybe a terminal. */
export interface LogStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Live progress lines at most (a batch fills many repositories at once). */
const MAX_LIVE_LINES = 8;

/** Live progress is redrawn at most this often; each update in between only changes the numbers. */
const REDRAW_MS = 100;

/**
 * The flow as a shell shows it: plain lines on stderr (never a `::` workflow command); on a
 * terminal, one live line per target repository while content is copied. Every secret the
 * flow names is replaced by `***` in whatever is written.
 */
export class CliReporter implements Reporter {
  private readonly secrets = new Set<string>();
  private readonly repositories = new Map<string, { update: TransferProgress; since: number; at: number }>();
  /** Progress lines currently at the bottom of the terminal. */
  private drawn = 0;
  private lastDraw = 0;
  private pendingDraw: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: LogStream,
    private readonly verbose = false,
  ) {}

  private get live(): boolean {
    return this.out.isTTY === true;
  }

  /** Masks secrets; a line that would start with `::` gets a prefix, so no runner reads it as a workflow command. */
  private clean(text: string): string[] {
    let masked = text;
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) masked = masked.split(s).join('***');
    return masked.split(/\r?\n/).map((line) => (line.trimStart().startsWith('::') ? `| ${line}` : line));
  }

  private line(text: string): void {
    const lines = this.clean(text);
    if (this.drawn > 0) {
      this.erase();
      this.out.write(`${lines.join('\n')}\n`);
      this.draw();
    } else {
      this.out.write(`${lines.join('\n')}\n`);
    }
  }

  async group<T>(title: string, work: () => Promise<T>): Promise<T> {
    this.line(`== ${title}`);
    try {
      return await work();
    } finally {
      // The step's last progress stays on screen as it ended; the next step starts below it.
      if (this.live && this.repositories.size > 0) {
        this.erase();
        this.draw();
      }
      clearTimeout(this.pendingDraw);
      this.pendingDraw = undefined;
      this.drawn = 0;
      this.repositories.clear();
    }
  }

  info(message: string): void {
    this.line(message);
  }

  debug(message: string): void {
    if (this.verbose) this.line(`debug: ${message}`);
  }

  notice(message: string): void {
    this.line(`notice: ${message}`);
  }

  warning(message: string): void {
    this.line(`warning: ${message}`);
  }

  error(message: string): void {
    this.line(`error: ${message}`);
  }

  secret = (value: string): void => {
    if (value !== '') this.secrets.add(value);
  };

  progress(update: TransferProgress): void {
    const known = this.repositories.get(update.repository);
    this.repositories.set(update.repository, { update, since: known?.since ?? Date.now(), at: Date.now() });
    if (!this.live || this.pendingDraw !== undefined) return;
    const wait = REDRAW_MS - (Date.now() - this.lastDraw);
    if (wait <= 0) {
      this.erase();
      this.draw();
    } else {
      this.pendingDraw = setTimeout(() => {
        this.pendingDraw = undefined;
        this.erase();
        this.draw();
      }, wait);
      this.pendingDraw.unref();
    }
  }

  async result(result: RunResult, outputs: Outputs, batch?: BatchReport): Promise<void> {
    if (batch) {
      this.batchResult(batch);
      return;
    }
    for (const t of result.tags) this.line(`${t.reference}: ${TAG_OUTCOMES[t.outcome]}`);
    for (const t of result.transfers) this.line(`${t.repository}: ${transferCounts(t, result.dryRun)}`);
    // Without a job summary, what happened to the attachments (referrers) is said here.
    const referrers = result.referrers;
    if (referrers?.mode === 'copy') {
      const verb = referrers.dryRun ? 'would be carried' : 'carried';
      for (const c of referrers.children.filter((c) => c.found > 0)) {
        this.line(`referrers of ${c.label} ${c.digest}: ${c.found} found, ${c.carried} ${verb}`);
      }
      for (const m of referrers.missed) this.line(`not carried: ${m.what}: ${m.why}`);
    }
    const what = result.dryRun ? 'would be' : 'is';
    this.line(`${outputs.image} ${what} ${outputs['media-type']} with ${outputs.platforms} ` + `(${requestsLine(result)})`);
  }

  /** A batch: one line per image (its tags, digest and platforms), then the totals. */
  private batchResult(batch: BatchReport): void {
    const what = batch.totals.dryRun ? 'would be' : 'is';
    batch.images.forEach((r) => {
      const tags = r.tags.map((t) => `${t.reference} (${TAG_OUTCOMES[t.outcome]})`).join(', ');
      this.line(`${r.targets[0].name}@${r.plan.index.digest} ${what} ${r.plan.platforms.join(',')}: ${tags}`);
    });
    this.line(totalsLine(batch.totals));
  }

  /** Moves up over the progress lines and clears them. */
  private erase(): void {
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\x1b[J`);
    this.drawn = 0;
  }

  private draw(): void {
    // One screen line each, or the cursor-up count would be wrong; a terminal of unknown size is taken as 80 wide.
    const columns = this.out.columns !== undefined && this.out.columns > 0 ? this.out.columns : 80;
    const width = Math.max(20, columns - 1);
    let shown = [...this.repositories.values()];
    // A batch fills many repositories at once: the ones updated last, and how many more.
    const more = shown.length > MAX_LIVE_LINES ? shown.length - (MAX_LIVE_LINES - 1) : 0;
    if (more > 0) shown = [...shown].sort((a, b) => b.at - a.at).slice(0, MAX_LIVE_LINES - 1);
    const lines = shown.map(({ update, since }) => progressLine(update, Date.now() - since));
    if (more > 0) lines.push(`… and ${more} more repositories`);
    for (const l of lines) this.out.write(`${this.clean(l)[0].slice(0, width)}\n`);
    this.drawn = lines.length;
    this.lastDraw = Date.now();
  }
}

/** `repo: 2/3 manifests · blobs 4 mounted, 1 copied, 7 present · 12.0 MiB at 3.1 MiB/s` */
export function progressLine(p: TransferProgress, elapsedMs: number): string {
  const m = p.manifests;
  const b = p.blobs;
  const done = m.present + m.pushed + m['would-push'];
  const planned = [
    b['would-mount'] ? `, ${b['would-mount']} to mount` : '',
    b['would-copy'] ? `, ${b['would-copy']} to copy` : '',
  ];
  const blobs = `blobs ${b.mounted} mounted, ${b.copied} copied, ${b.present} present${planned.join('')}`;
  const rate =
    elapsedMs >= 1000 && p.bytesCopied > 0 ? ` at ${formatBytes(Math.round(p.bytesCopied / (elapsedMs / 1000)))}/s` : '';
  const bytes = p.bytesCopied > 0 ? ` · ${formatBytes(p.bytesCopied)}${rate}` : '';
  return `${p.repository}: ${done}/${counted(p.children, 'manifest')} · ${blobs}${bytes}`;
}
