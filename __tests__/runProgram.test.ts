/** The action and the command line run credential helpers each their own way, under one contract. */
import { execProgram } from '../src/action/program';
import { spawnProgram } from '../src/cli/program';
import type { RunProgram } from '../src/util/program';

describe.each<[string, RunProgram]>([
  ['the action (@actions/exec)', execProgram],
  ['the command line (child_process)', spawnProgram],
])('RunProgram of %s', (_name, run) => {
  let written = '';
  let spy: jest.SpyInstance;
  beforeEach(() => {
    written = '';
    spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written += chunk.toString();
      return true;
    });
  });
  afterEach(() => spy.mockRestore());

  it('feeds stdin and collects stdout, stderr and the exit code, echoing nothing', async () => {
    const result = await run('sh', ['-c', 'read x; echo "got $x"; echo oops >&2; exit 3'], Buffer.from('secret-value\n'));
    expect(result).toEqual({ exitCode: 3, stdout: 'got secret-value\n', stderr: 'oops\n' });
    expect(written).not.toContain('secret-value');
  });

  it('rejects when the program does not exist', async () => {
    await expect(run('docker-credential-does-not-exist-here', ['get'], Buffer.from('x'))).rejects.toThrow(
      /docker-credential-does-not-exist-here/,
    );
  });
});
