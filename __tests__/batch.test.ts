import { imageLabel, tagRounds } from '../src/flow/batch';
import { getBatch } from '../src/inputs/images';

// The bundles load the parser with a dynamic import, which jest cannot run: the same library, required.
jest.mock('../src/inputs/yamlLoader', () => ({ loadYaml: async () => jest.requireActual('yaml') }));

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('tagRounds (design rule 21)', () => {
  const images = `
- sources: r.io/ci/app:a
  tags: [r.io/acme/app:1.0, r.io/acme/app:latest, r.io/mirror/app:latest, r.io/mirror/app:1.0]
- sources: r.io/ci/worker:a
  tags: r.io/acme/worker:1.0-alpine, r.io/acme/worker:alpine-latest
- sources: r.io/ci/tool:a
  tags: r.io/acme/tool:latest
- sources: r.io/ci/agent:a
  tags: r.io/acme/agent:1.0, r.io/acme/agent:latest
  append: true
- sources: r.io/ci/probe:a
  tags: r.io/acme/probe:1.0
  append: true
`;
  const rounds = async (floating: string) => {
    const batch = await getBatch(reader({ images, 'floating-tags': floating }));
    return tagRounds(batch.images, batch.floating).map((r) => ({ first: r.first.map(String), last: r.last.map(String) }));
  };

  it('writes floating tags last, every other tag first; an append image writes its tags in one loop', async () => {
    expect(await rounds('')).toEqual([
      { first: ['r.io/acme/app:1.0', 'r.io/mirror/app:1.0'], last: ['r.io/acme/app:latest', 'r.io/mirror/app:latest'] },
      { first: ['r.io/acme/worker:1.0-alpine', 'r.io/acme/worker:alpine-latest'], last: [] },
      { first: [], last: ['r.io/acme/tool:latest'] },
      { first: [], last: ['r.io/acme/agent:1.0', 'r.io/acme/agent:latest'] },
      { first: ['r.io/acme/probe:1.0'], last: [] },
    ]);
  });

  it('follows floating-tags: patterns, or none', async () => {
    expect((await rounds('*latest'))[1]).toEqual({
      first: ['r.io/acme/worker:1.0-alpine'],
      last: ['r.io/acme/worker:alpine-latest'],
    });
    expect((await rounds('none')).map((r) => r.last)).toEqual([[], [], [], [], []]);
    expect((await rounds('none'))[3].first).toEqual(['r.io/acme/agent:1.0', 'r.io/acme/agent:latest']);
  });

  it('names an image by its entry number and first tag', async () => {
    const batch = await getBatch(reader({ images }));
    expect(batch.images.map(imageLabel).slice(0, 2)).toEqual([
      'entry 1 (r.io/acme/app:1.0)',
      'entry 2 (r.io/acme/worker:1.0-alpine)',
    ]);
  });
});
