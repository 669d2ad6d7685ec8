import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readBakeMetadata } from '../src/inputs/bakeFiles';

// The bundles load the matcher with a dynamic import, which jest cannot run: the same library, required.
const glob = async (pattern: string, cwd: string): Promise<string[]> =>
  (jest.requireActual('tinyglobby') as typeof import('tinyglobby')).glob(pattern, {
    cwd,
    onlyFiles: true,
    expandDirectories: false,
  });

describe('readBakeMetadata', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bake-files-'));
    await fs.mkdir(path.join(dir, 'meta'));
    for (const name of ['linux-arm64.json', 'linux-amd64.json'])
      await fs.writeFile(path.join(dir, 'meta', name), `{"${name}":1}`);
    await fs.writeFile(path.join(dir, 'one.json'), '{}');
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads paths and globs relative to the working directory, each file once, globs sorted', async () => {
    const files = await readBakeMetadata(['meta/*.json', 'one.json', 'meta/linux-amd64.json'], dir, glob);
    expect(files.map((f) => f.path)).toEqual(['meta/linux-amd64.json', 'meta/linux-arm64.json', 'one.json']);
    expect(files[0].text).toBe('{"linux-amd64.json":1}');
    const absolute = await readBakeMetadata([path.join(dir, 'one.json')], '/', glob);
    expect(absolute.map((f) => f.text)).toEqual(['{}']);
  });

  it('names a glob that matches nothing and a file it cannot read', async () => {
    await expect(readBakeMetadata(['nothing/*.json'], dir, glob)).rejects.toThrow(
      `input "bake-metadata": "nothing/*.json" matches no file (in ${dir})`,
    );
    await expect(readBakeMetadata(['missing.json'], dir, glob)).rejects.toThrow(
      'input "bake-metadata": cannot read "missing.json" (ENOENT)',
    );
  });
});
