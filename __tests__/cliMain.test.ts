import { EXIT, runCli } from '../src/cli/main';

function io(stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  let stdinReads = 0;
  return {
    out,
    err,
    stdinReads: () => stdinReads,
    io: {
      stdout: { write: (t: string) => void out.push(t) },
      stderr: { write: (t: string) => void err.push(t), isTTY: false },
      readStdin: async () => {
        stdinReads++;
        return stdin;
      },
    },
  };
}

describe('runCli', () => {
  it('--help and --version answer on stdout, exit 0', async () => {
    const help = io();
    expect(await runCli(['--help'], help.io)).toBe(EXIT.ok);
    expect(help.out.join('')).toMatch(/^Usage: merge-multiarch-action/);
    const version = io();
    expect(await runCli(['--version'], version.io)).toBe(EXIT.ok);
    expect(version.out.join('')).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect([...help.err, ...version.err]).toEqual([]);
  });

  it('no arguments: the usage on stderr, exit 2, as git and crane do', async () => {
    const run = io();
    expect(await runCli([], run.io)).toBe(EXIT.usage);
    expect(run.out).toEqual([]);
    expect(run.err.join('')).toMatch(/^Usage: merge-multiarch-action --source REF/);
    expect(run.err.join('')).toContain('\nExamples:\n');
  });

  it('-h is --help', async () => {
    const short = io();
    const long = io();
    expect(await runCli(['-h'], short.io)).toBe(EXIT.ok);
    expect(await runCli(['--help'], long.io)).toBe(EXIT.ok);
    expect(short.out).toEqual(long.out);
  });

  it('bad usage: exit 2, the flag named on stderr, stdout empty, stdin left unread', async () => {
    const run = io('pw');
    expect(await runCli(['--source', 'r.io/a:1', '--tag', 'r.io/b:1', '--platform', 'linux'], run.io)).toBe(EXIT.usage);
    expect(run.out).toEqual([]);
    expect(run.err.join('')).toMatch(/^error: --platform: "linux"/);
    expect(run.stdinReads()).toBe(0);
  });

  it('reads the password from stdin only with --password-stdin, as docker login does (trailing newline dropped)', async () => {
    const empty = io('\n');
    const args = ['--source', 'r.io/a:1', '--tag', 'r.io/b:1', '--username', 'u', '--password-stdin'];
    expect(await runCli(args, empty.io)).toBe(EXIT.usage);
    expect(empty.stdinReads()).toBe(1);
    expect(empty.err.join('')).toContain('stdin holds no password');
  });

  it('a merge that fails: exit 1, one error line, nothing on stdout', async () => {
    const saved = process.env.MERGE_ACTION_RETRY_ATTEMPTS;
    process.env.MERGE_ACTION_RETRY_ATTEMPTS = '1';
    try {
      // Port 9 on loopback: nothing listens (connection refused), and no other host is contacted.
      const run = io();
      expect(await runCli(['--source', '127.0.0.1:9/a:1', '--tag', '127.0.0.1:9/b:1', '--json'], run.io)).toBe(EXIT.failed);
      expect(run.out).toEqual([]);
      expect(run.err.join('')).toMatch(/^error: .*127\.0\.0\.1:9/m);
    } finally {
      if (saved === undefined) delete process.env.MERGE_ACTION_RETRY_ATTEMPTS;
      else process.env.MERGE_ACTION_RETRY_ATTEMPTS = saved;
    }
  });
});
