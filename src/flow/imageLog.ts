import type { ImageReporter, Reporter } from './reporter';

type Line = { readonly kind: 'info' | 'notice' | 'warning'; readonly message: string };

/**
 * One image's part of a batch's log. The images' phases run at once, and a workflow log's groups
 * cannot interleave: each image's lines are kept and told as one group of their own
 * (`flush`), in input order. Secrets, debug lines and progress go through at once: a secret
 * must be masked before anything prints it.
 */
export class ImageLog implements ImageReporter {
  private readonly lines: Line[] = [];

  constructor(
    private readonly run: Reporter,
    readonly title: string,
  ) {}

  /** A step of the image's flow: a line in its group (groups do not nest). */
  async group<T>(title: string, work: () => Promise<T>): Promise<T> {
    this.lines.push({ kind: 'info', message: `-- ${title}` });
    return work();
  }

  info(message: string): void {
    this.lines.push({ kind: 'info', message });
  }

  notice(message: string): void {
    this.lines.push({ kind: 'notice', message });
  }

  warning(message: string): void {
    this.lines.push({ kind: 'warning', message });
  }

  debug(message: string): void {
    this.run.debug(message);
  }

  secret = (value: string): void => this.run.secret(value);

  progress: Reporter['progress'] = (update) => this.run.progress(update);

  /** Tells the lines kept so far, as one group; the next flush tells only what came after. */
  async flush(): Promise<void> {
    const lines = this.lines.splice(0);
    if (lines.length === 0) return;
    await this.run.group(this.title, async () => {
      for (const l of lines) this.run[l.kind](l.message);
    });
  }
}
