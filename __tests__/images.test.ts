import { InputError } from '../src/errors';
import { FloatingTags, getBatch } from '../src/inputs/images';

// The bundles load the parser with a dynamic import, which jest cannot run: the same library, required.
jest.mock('../src/inputs/yamlLoader', () => ({ loadYaml: async () => jest.requireActual('yaml') }));

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';

const YAML = `
- sources: [r.io/ci/app:sha-1-amd64, r.io/ci/app:sha-1-arm64]
  tags:
    - r.io/acme/app:1.0
    - r.io/acme/app:latest
- sources: r.io/ci/worker:sha-1-amd64, r.io/ci/worker:sha-1-arm64
  tags: r.io/acme/worker:1.0
  platforms: linux/amd64
  annotations:
    org.opencontainers.image.title: worker
  append: true
`;

describe('getBatch', () => {
  it('without images: the top-level sources and tags are the one image, as always', async () => {
    const batch = await getBatch(reader({ sources: 'r.io/a:1', tags: 'r.io/b:1, r.io/b:latest' }));
    expect(batch.images).toHaveLength(1);
    expect(batch.images[0].sources.map(String)).toEqual(['r.io/a:1']);
    expect(batch.images[0].targets.map(String)).toEqual(['r.io/b:1', 'r.io/b:latest']);
    expect(batch.floating.globs).toEqual(['latest']);
  });

  it('parses a YAML list: lists or strings, per-entry keys, top-level inputs as defaults', async () => {
    const batch = await getBatch(
      reader({ images: YAML, attestations: 'keep', platforms: 'linux/amd64,linux/arm64', 'dry-run': 'true' }),
    );
    expect(batch.images).toHaveLength(2);
    const [app, worker] = batch.images;
    expect(app.sources.map(String)).toEqual(['r.io/ci/app:sha-1-amd64', 'r.io/ci/app:sha-1-arm64']);
    expect(app.targets.map(String)).toEqual(['r.io/acme/app:1.0', 'r.io/acme/app:latest']);
    expect(app.platforms?.map((p) => `${p.os}/${p.architecture}`)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(app).toMatchObject({ attestations: 'keep', dryRun: true, append: false, annotations: {} });
    expect(worker.sources.map(String)).toEqual(['r.io/ci/worker:sha-1-amd64', 'r.io/ci/worker:sha-1-arm64']);
    expect(worker.platforms?.map((p) => p.architecture)).toEqual(['amd64']);
    expect(worker).toMatchObject({
      append: true,
      attestations: 'keep',
      annotations: { 'org.opencontainers.image.title': 'worker' },
    });
  });

  it('parses JSON (YAML holds it), with annotations as key=value lines', async () => {
    const json = JSON.stringify([
      { sources: ['r.io/a:x'], tags: ['r.io/a:1'], annotations: ['index:a=b=c'], append: 'false' },
      { sources: 'r.io/b:x', tags: 'r.io/b:1' },
    ]);
    const batch = await getBatch(reader({ images: json }));
    expect(batch.images.map((i) => i.targets.map(String))).toEqual([['r.io/a:1'], ['r.io/b:1']]);
    expect(batch.images[0].annotations).toEqual({ a: 'b=c' });
  });

  it('reads floating-tags: patterns, none, and latest by default', async () => {
    const floating = async (value: string) =>
      (await getBatch(reader({ sources: 'r.io/a:1', tags: 'r.io/b:1', 'floating-tags': value }))).floating.globs;
    expect(await floating('latest, stable, *-latest')).toEqual(['latest', 'stable', '*-latest']);
    expect(await floating('none')).toEqual([]);
    await expect(floating('r.io/b:latest')).rejects.toThrow('input "floating-tags": "r.io/b:latest" is not a tag or tag pattern');
  });

  const failure = async (values: Record<string, string>): Promise<InputError> => {
    try {
      await getBatch(reader(values));
    } catch (err) {
      if (err instanceof InputError) return err;
      throw err;
    }
    throw new Error('no error');
  };

  it.each<[string, Record<string, string>, string, string]>([
    ['not YAML', { images: '- sources: [a\n' }, 'images', 'is not valid YAML or JSON'],
    ['not a list', { images: 'sources: r.io/a:1' }, 'images', 'must be a list of entries'],
    ['an empty list', { images: '[]' }, 'images', 'lists no image'],
    ['an entry that is no map', { images: '- r.io/a:1' }, 'images', 'entry 1 is not a map'],
    [
      'an unknown key',
      { images: '- sources: r.io/a:1\n  tags: r.io/b:1\n  tag: x' },
      'images',
      'entry 1 (r.io/b:1): unknown key "tag"',
    ],
    ['a missing key', { images: '- sources: r.io/a:1\n- sources: r.io/a:2' }, 'images', 'entry 1: "tags" is required'],
    [
      'a bad reference in an entry',
      { images: '- sources: r.io/a:1\n  tags: r.io/b:1\n- sources: "r.io/A:1"\n  tags: [r.io/c:1]' },
      'images',
      'entry 2 (r.io/c:1): sources: ',
    ],
    [
      'a list of numbers',
      { images: '- sources: [1]\n  tags: r.io/b:1' },
      'images',
      'entry 1 (r.io/b:1): "sources" must be a list of strings',
    ],
    [
      'append not a boolean',
      { images: '- sources: r.io/a:1\n  tags: r.io/b:1\n  append: yes-please' },
      'images',
      '"append" must be true or false',
    ],
    [
      'a tag two entries name',
      { images: '- sources: r.io/a:1\n  tags: r.io/b:1\n- sources: r.io/a:2\n  tags: [r.io/c:1, r.io/b:1]' },
      'images',
      'entry 2 (r.io/c:1): the tag r.io/b:1 is also a tag of entry 1',
    ],
    [
      'top-level sources with images',
      { images: '- sources: r.io/a:1\n  tags: r.io/b:1', sources: 'r.io/x:1' },
      'sources',
      'input "sources": cannot be given with input "images"',
    ],
    [
      'a bad top-level default',
      { images: '- sources: r.io/a:1\n  tags: r.io/b:1', platforms: 'linux' },
      'platforms',
      'input "platforms": "linux"',
    ],
  ])('refuses %s, naming the input and the entry', async (_, values, input, text) => {
    const err = await failure(values);
    expect(err.input).toBe(input);
    expect(err.message).toContain(text);
  });
});

describe('FloatingTags', () => {
  it('matches the tag part by glob, nothing else', async () => {
    const f = new FloatingTags(['latest', '*-latest', 'v?']);
    expect(['latest', 'alpine-latest', 'v1'].map((t) => f.floats(t))).toEqual([true, true, true]);
    expect(['latest1', '1.0', 'v10', undefined].map((t) => f.floats(t))).toEqual([false, false, false, false]);
  });
});

describe('getBatch with bake-metadata', () => {
  const hex = (c: string) => `sha256:${c.repeat(64)}`;
  const target = (digest: string, name: string) => ({
    'containerimage.descriptor': { mediaType: 'application/vnd.oci.image.index.v1+json', digest, size: 856 },
    'containerimage.digest': digest,
    'image.name': name,
  });
  const files = [
    {
      path: 'meta/amd64.json',
      text: JSON.stringify({ app: target(hex('a'), 'r.io/acme/app'), tests: { 'buildx.build.ref': 'x' } }),
    },
    { path: 'meta/arm64.json', text: JSON.stringify({ app: target(hex('b'), 'r.io/acme/app') }) },
  ];
  const asked: string[][] = [];
  const readFiles = async (items: readonly string[]) => {
    asked.push([...items]);
    return files;
  };

  it('makes one image per target, tags from the rules, top-level inputs as defaults, and keeps the notices', async () => {
    const batch = await getBatch(
      reader({ 'bake-metadata': 'meta/*.json\nother.json', tags: '1.2.3, latest', platforms: 'linux/amd64' }),
      readFiles,
    );
    expect(asked.at(-1)).toEqual(['meta/*.json', 'other.json']);
    expect(batch.images).toHaveLength(1);
    expect(batch.images[0].sources.map(String)).toEqual([`r.io/acme/app@${hex('a')}`, `r.io/acme/app@${hex('b')}`]);
    expect(batch.images[0].targets.map(String)).toEqual(['r.io/acme/app:1.2.3', 'r.io/acme/app:latest']);
    expect(batch.images[0].platforms?.map((p) => p.architecture)).toEqual(['amd64']);
    expect(batch.notices).toEqual(['meta/amd64.json, target "tests": no image was pushed (no containerimage.digest); left out']);
  });

  it('refuses it beside images or sources', async () => {
    await expect(
      getBatch(reader({ 'bake-metadata': 'm.json', images: '- sources: a\n  tags: b', tags: '1' }), readFiles),
    ).rejects.toThrow('input "bake-metadata": cannot be given with input "images"');
    await expect(getBatch(reader({ 'bake-metadata': 'm.json', sources: 'r.io/a:1', tags: '1' }), readFiles)).rejects.toThrow(
      'input "sources": cannot be given with input "bake-metadata"',
    );
  });
});
