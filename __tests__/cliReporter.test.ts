import { CliReporter, progressLine } from '../src/cli/reporter';
import type { TransferProgress } from '../src/flow/reporter';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, text: () => chunks.join(''), write: (t: string) => void chunks.push(t), isTTY, columns: 200 };
}

const counts = { present: 0, mounted: 0, copied: 0, pushed: 0, 'would-mount': 0, 'would-copy': 0, 'would-push': 0 };
const update = (repository: string, pushed: number, bytesCopied = 0): TransferProgress => ({
  repository,
  children: 2,
  manifests: { ...counts, pushed },
  blobs: { ...counts, mounted: 1, copied: pushed },
  bytesCopied,
});

describe('CliReporter', () => {
  it('writes plain lines, groups as headings, debug only when verbose', async () => {
    const out = stream(false);
    const r = new CliReporter(out);
    await r.group('Resolve sources', async () => r.info('a → b'));
    r.debug('GET /v2/');
    r.notice('n');
    r.warning('w');
    r.error('e');
    expect(out.text()).toBe('== Resolve sources\na → b\nnotice: n\nwarning: w\nerror: e\n');
    const verbose = stream(false);
    new CliReporter(verbose, true).debug('GET /v2/');
    expect(verbose.text()).toBe('debug: GET /v2/\n');
  });

  it('masks every secret, the longest first, and never starts a line with ::', () => {
    const out = stream(false);
    const r = new CliReporter(out);
    r.secret('pass');
    r.secret('password');
    r.secret('');
    r.info('user:password and pass');
    r.error('first\n::error::injected');
    expect(out.text()).toBe('user:*** and ***\nerror: first\n| ::error::injected\n');
  });

  it('shows no progress when stderr is not a terminal', async () => {
    const out = stream(false);
    const r = new CliReporter(out);
    await r.group('Copy', async () => {
      r.progress(update('r.io/a', 1));
      r.progress(update('r.io/a', 2));
    });
    expect(out.text()).toBe('== Copy\n');
  });

  it('on a terminal: one live line per target repository, redrawn in place, left as it ended', async () => {
    const out = stream(true);
    const r = new CliReporter(out);
    await r.group('Copy', async () => {
      r.progress(update('r.io/a', 0));
      r.info('a line in between');
      r.progress(update('r.io/b', 1)); // within the redraw interval: drawn later or at the end
      r.progress(update('r.io/a', 2, 4096));
    });
    const text = out.text();
    // Each redraw moves up over the lines it drew and clears them.
    expect(text).toContain('\x1b[1A\x1b[J');
    // What stays on screen: the heading, the line in between, then the last state of each repository.
    const screen = render(text);
    expect(screen).toEqual([
      '== Copy',
      'a line in between',
      'r.io/a: 2/2 manifests · blobs 1 mounted, 2 copied, 0 present · 4.0 KiB',
      'r.io/b: 1/2 manifests · blobs 1 mounted, 1 copied, 0 present',
    ]);
    // The next step starts below them.
    r.info('next');
    expect(render(out.text()).at(-1)).toBe('next');
  });

  it('on a terminal, shows at most 8 live lines: the repositories updated last, and how many more', async () => {
    const out = stream(true);
    const r = new CliReporter(out);
    await r.group('Copy', async () => {
      for (let i = 0; i < 12; i++) r.progress(update(`r.io/app${i}`, 1));
    });
    const lines = render(out.text()).slice(1);
    expect(lines).toHaveLength(8);
    expect(lines.at(-1)).toBe('… and 5 more repositories');
    expect(lines.slice(0, 7).every((l) => /^r\.io\/app\d+: /.test(l))).toBe(true);
  });

  it('keeps each live line within the terminal width (80 when the size is unknown)', async () => {
    for (const [columns, width] of [
      [40, 39],
      [0, 79],
    ]) {
      const out = { ...stream(true), columns };
      const r = new CliReporter(out);
      await r.group('Copy', async () => r.progress(update(`r.io/${'x'.repeat(100)}`, 1)));
      const lines = render(out.chunks.join('')).slice(1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toHaveLength(width);
    }
  });

  it('progressLine gives the rate of a long copy', () => {
    expect(progressLine(update('r.io/a', 1, 3 * 1024 * 1024), 2000)).toBe(
      'r.io/a: 1/2 manifests · blobs 1 mounted, 1 copied, 0 present · 3.0 MiB at 1.5 MiB/s',
    );
  });
});

/** The lines a terminal shows after `text` (cursor-up N and clear-to-end only). */
function render(text: string): string[] {
  const lines: string[] = [];
  const ESC = String.fromCharCode(27);
  const parts = text.split(new RegExp(`(${ESC}\\[\\d+A${ESC}\\[J)`));
  for (const part of parts) {
    const up = new RegExp(`^${ESC}\\[(\\d+)A${ESC}\\[J$`).exec(part);
    if (up) lines.splice(lines.length - Number(up[1]));
    else lines.push(...part.split('\n').slice(0, -1));
  }
  return lines;
}
