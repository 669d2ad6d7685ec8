import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../src/errors';
import { type BakeMetadataFile, bakeTagRules, imagesFromBakeMetadata } from '../src/inputs/bake';

/**
 * The fixtures are what `docker buildx bake --push --metadata-file` writes for one platform job
 * of a monorepo (targets app, migrations, worker and a cacheonly `tests`), each image target
 * pushed by digest (`type=image,push-by-digest=true,name-canonical=true,push=true`) under
 * name-only tags: buildx's encoding (commands/bake.go: a map of target → decoded exporter
 * response, indented by two, keys sorted; `containerimage.descriptor` kept raw, in BuildKit's
 * field order), with BuildKit's default provenance (so each digest is an index) and the
 * `buildx.build.warnings` list BUILDX_METADATA_WARNINGS adds. `migrations` is built for
 * linux/amd64 only.
 */
const fixture = (name: string): BakeMetadataFile => ({
  path: `bake-meta/${name}`,
  text: readFileSync(join(__dirname, '..', '__fixtures__', 'bake', name), 'utf8'),
});
const AMD64 = fixture('metadata-linux-amd64.json');
const ARM64 = fixture('metadata-linux-arm64.json');
const digestOf = (file: BakeMetadataFile, target: string) =>
  (JSON.parse(file.text) as Record<string, Record<string, string>>)[target]['containerimage.digest'];

const hex = (c: string) => `sha256:${c.repeat(64)}`;
const file = (path: string, json: unknown): BakeMetadataFile => ({ path, text: JSON.stringify(json, null, 2) });
const target = (digest: string, name: string) => ({
  'buildx.build.ref': 'builder/builder0/x',
  'containerimage.descriptor': { mediaType: 'application/vnd.oci.image.index.v1+json', digest, size: 856 },
  'containerimage.digest': digest,
  'image.name': name,
});

/** The error `run` throws, for its input and message. */
function failure(run: () => unknown): InputError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('imagesFromBakeMetadata: with a merge job (one file per platform job)', () => {
  it('gives one image per target, with that target digest from every file, tag names in every repository', () => {
    const notices: string[] = [];
    const images = imagesFromBakeMetadata([ARM64, AMD64], { tags: ['1.2.3', 'latest'], notice: (m) => notices.push(m) });
    expect(images).toEqual([
      {
        target: 'app',
        // Read from GHCR, not Hub: both hold it, and Hub counts manifest GETs.
        sources: [`ghcr.io/acme/app@${digestOf(AMD64, 'app')}`, `ghcr.io/acme/app@${digestOf(ARM64, 'app')}`],
        // Tags outside Hub first: an append reads its base from the first.
        tags: ['ghcr.io/acme/app:1.2.3', 'ghcr.io/acme/app:latest', 'docker.io/acme/app:1.2.3', 'docker.io/acme/app:latest'],
      },
      {
        target: 'migrations',
        sources: [`ghcr.io/acme/migrations@${digestOf(AMD64, 'migrations')}`],
        tags: ['ghcr.io/acme/migrations:1.2.3', 'ghcr.io/acme/migrations:latest'],
      },
      {
        target: 'worker',
        sources: [`ghcr.io/acme/worker@${digestOf(AMD64, 'worker')}`, `ghcr.io/acme/worker@${digestOf(ARM64, 'worker')}`],
        tags: [
          'ghcr.io/acme/worker:1.2.3',
          'ghcr.io/acme/worker:latest',
          'docker.io/acme/worker:1.2.3',
          'docker.io/acme/worker:latest',
        ],
      },
    ]);
    // The cacheonly target pushed nothing: said, not merged.
    expect(notices).toEqual([
      'bake-meta/metadata-linux-amd64.json, target "tests": no image was pushed (no containerimage.digest); left out',
      'bake-meta/metadata-linux-arm64.json, target "tests": no image was pushed (no containerimage.digest); left out',
    ]);
  });

  it('reads the files in path order, so the index is the same however they were listed', () => {
    const one = imagesFromBakeMetadata([AMD64, ARM64], { tags: ['1'] });
    const other = imagesFromBakeMetadata([ARM64, AMD64], { tags: ['1'] });
    expect(other).toEqual(one);
    expect(one[0].sources[0]).toContain(digestOf(AMD64, 'app'));
  });

  it('takes docker/metadata-action references for the targets pushed to their repository', () => {
    const images = imagesFromBakeMetadata([AMD64, ARM64], {
      tags: ['acme/app:1.2.3', 'ghcr.io/acme/app:1.2.3', 'docker.io/acme/worker:1.2.3', 'ghcr.io/acme/migrations:1.2.3'],
    });
    expect(images.map((i) => [i.target, i.tags])).toEqual([
      ['app', ['ghcr.io/acme/app:1.2.3', 'docker.io/acme/app:1.2.3']],
      ['migrations', ['ghcr.io/acme/migrations:1.2.3']],
      ['worker', ['docker.io/acme/worker:1.2.3']],
    ]);
  });

  it('gives a target its own tags with its name in front, in any repository', () => {
    const images = imagesFromBakeMetadata([AMD64, ARM64], {
      tags: ['1.2.3', 'migrations=ghcr.io/acme/tools:migrations-1.2.3', 'worker=edge'],
    });
    expect(images.find((i) => i.target === 'migrations')?.tags).toEqual([
      'ghcr.io/acme/migrations:1.2.3',
      'ghcr.io/acme/tools:migrations-1.2.3',
    ]);
    expect(images.find((i) => i.target === 'worker')?.tags).toEqual([
      'ghcr.io/acme/worker:1.2.3',
      'ghcr.io/acme/worker:edge',
      'docker.io/acme/worker:1.2.3',
      'docker.io/acme/worker:edge',
    ]);
    expect(images.find((i) => i.target === 'app')?.tags).not.toContain('docker.io/acme/app:edge');
  });

  it('reads a digest only once when two files hold the same build (an artifact downloaded twice)', () => {
    const copy = { ...AMD64, path: 'again/metadata-linux-amd64.json' };
    const images = imagesFromBakeMetadata([AMD64, copy], { tags: ['1'] });
    expect(images.find((i) => i.target === 'app')?.sources).toEqual([`ghcr.io/acme/app@${digestOf(AMD64, 'app')}`]);
  });

  it('reads from Docker Hub when a target was pushed there only', () => {
    const images = imagesFromBakeMetadata([file('m.json', { app: target(hex('a'), 'acme/app') })], { tags: ['1'] });
    expect(images).toEqual([{ target: 'app', sources: [`docker.io/acme/app@${hex('a')}`], tags: ['docker.io/acme/app:1'] }]);
  });

  it('takes the repository of a tagged image.name (a push by tag) the same way', () => {
    const meta = file('m.json', { app: target(hex('a'), 'ghcr.io/acme/app:build-42-amd64') });
    expect(imagesFromBakeMetadata([meta], { tags: ['1'] })[0]).toMatchObject({
      sources: [`ghcr.io/acme/app@${hex('a')}`],
      tags: ['ghcr.io/acme/app:1'],
    });
  });
});

describe('imagesFromBakeMetadata: without a merge job (each platform job appends)', () => {
  it("gives each target one source, that job's platform, to append under the final tags", () => {
    const images = imagesFromBakeMetadata([ARM64], { tags: ['1.2.3'] });
    expect(images.map((i) => [i.target, i.sources])).toEqual([
      ['app', [`ghcr.io/acme/app@${digestOf(ARM64, 'app')}`]],
      ['worker', [`ghcr.io/acme/worker@${digestOf(ARM64, 'worker')}`]],
    ]);
    // The same tags as the amd64 job's, so both jobs' appends meet in one index per image.
    const amd64 = imagesFromBakeMetadata([AMD64], { tags: ['1.2.3'] });
    expect(amd64.find((i) => i.target === 'app')?.tags).toEqual(images[0].tags);
  });
});

describe('imagesFromBakeMetadata: bad files fail naming the file, the target and what was expected', () => {
  it('lists every problem of every file at once', () => {
    const err = failure(() =>
      imagesFromBakeMetadata(
        [
          { path: 'a.json', text: '{"app": ' },
          file('b.json', [1]),
          file('c.json', { 'containerimage.digest': hex('a'), 'image.name': 'acme/app' }),
          file('d.json', { app: { ...target(hex('a'), 'acme/app'), 'containerimage.digest': undefined } }),
          file('e.json', { app: target('sha256:abc', 'acme/app') }),
          file('f.json', { app: { ...target(hex('a'), 'acme/app'), 'image.name': undefined } }),
          file('g.json', { app: target(hex('a'), 'acme/App') }),
          file('h.json', { app: { ...target(hex('a'), 'acme/app'), 'containerimage.descriptor': { digest: hex('b') } } }),
          file('i.json', { app: 'sha256:x' }),
        ],
        { tags: ['1'] },
      ),
    );
    expect(err.input).toBe('bake-metadata');
    const lines = err.detail.split('\n- ').slice(1);
    expect(lines).toEqual([
      expect.stringMatching(/^a\.json is not JSON \(.+\); expected the file docker buildx bake --metadata-file writes/),
      expect.stringMatching(/^b\.json is not a JSON object; expected/),
      expect.stringMatching(/^c\.json holds one docker buildx build's metadata \(containerimage\.digest at the top\)/),
      'd.json, target "app": has no containerimage.digest: was its image pushed (an image output, push=true)?',
      'e.json, target "app": containerimage.digest "sha256:abc" is not a digest (sha256:<64 hex>)',
      expect.stringMatching(
        /^f\.json, target "app": has no image\.name, so nothing says which repository sha256:a+ was pushed to/,
      ),
      expect.stringMatching(/^g\.json, target "app": image\.name holds "acme\/App": .*must be lowercase/),
      `h.json, target "app": containerimage.descriptor names "${hex('b')}" but containerimage.digest ${hex('a')}`,
      'i.json, target "app": expected an object of build results, found "sha256:x"',
    ]);
  });

  it('takes the same names in another order as the same repositories', () => {
    const images = imagesFromBakeMetadata(
      [
        file('a.json', { app: target(hex('a'), 'ghcr.io/acme/app,acme/app') }),
        file('b.json', { app: target(hex('b'), 'acme/app,ghcr.io/acme/app') }),
      ],
      { tags: ['1'] },
    );
    expect(images[0].sources).toEqual([`ghcr.io/acme/app@${hex('a')}`, `ghcr.io/acme/app@${hex('b')}`]);
  });

  it('refuses a target pushed to other repositories in another file', () => {
    const err = failure(() =>
      imagesFromBakeMetadata(
        [file('a.json', { app: target(hex('a'), 'acme/app') }), file('b.json', { app: target(hex('b'), 'acme/app2') })],
        { tags: ['1'] },
      ),
    );
    expect(err.detail).toBe(
      'target "app" was pushed to docker.io/acme/app2 in b.json but to docker.io/acme/app in a.json: every file must name a target\'s repositories alike',
    );
  });

  it('refuses files that pushed no image, and no files at all', () => {
    expect(
      failure(() => imagesFromBakeMetadata([file('a.json', { tests: { 'buildx.build.ref': 'x' } })], { tags: ['1'] })).detail,
    ).toBe('no target in a.json pushed an image (none has containerimage.digest)');
    expect(failure(() => imagesFromBakeMetadata([], { tags: ['1'] })).message).toBe(
      'input "bake-metadata": no metadata file was given',
    );
  });
});

describe('imagesFromBakeMetadata: tags that do not fit the targets fail naming the input "tags"', () => {
  it('refuses a tag two targets would write, a target with no tag, and rules that apply nowhere', () => {
    const app = file('a.json', {
      app: target(hex('a'), 'acme/app'),
      'app-debug': target(hex('b'), 'acme/app'),
      db: target(hex('c'), 'acme/db'),
    });
    const err = failure(() => imagesFromBakeMetadata([app], { tags: ['acme/app:1', 'nope=2', 'acme/other:1'] }));
    expect(err.input).toBe('tags');
    expect(err.detail.split('\n- ').slice(1)).toEqual([
      '"nope=2" is for target "nope", which no metadata file holds (app → docker.io/acme/app; app-debug → docker.io/acme/app; db → docker.io/acme/db)',
      expect.stringMatching(
        /^"acme\/other:1": no bake target was pushed to docker\.io\/acme\/other .*prefix the tag with its name \(<target>=acme\/other:1\)$/,
      ),
      'docker.io/acme/app:1 would be written for target "app" and for target "app-debug": give each target its own tags with its name in front (app-debug=<tag>)',
      'no tag is for target "db" (pushed to docker.io/acme/db): give a tag name, a reference in its repository, or db=<tag>',
    ]);
    // What the errors suggest works.
    const fixed = imagesFromBakeMetadata([app], { tags: ['app=1', 'app-debug=1-debug', 'db=1'] });
    expect(fixed.map((i) => i.tags)).toEqual([['docker.io/acme/app:1'], ['docker.io/acme/app:1-debug'], ['docker.io/acme/db:1']]);
  });
});

describe('bakeTagRules', () => {
  it('reads tag names, references and target prefixes', () => {
    const rules = bakeTagRules([' 1.2.3 ', 'latest', 'user/app:1', 'app=edge', 'app=ghcr.io/o/app:1', '']);
    expect(rules.map((r) => [r.target, r.reference?.toString(), r.tag])).toEqual([
      [undefined, undefined, '1.2.3'],
      [undefined, undefined, 'latest'],
      [undefined, 'docker.io/user/app:1', '1'],
      ['app', undefined, 'edge'],
      ['app', 'ghcr.io/o/app:1', '1'],
    ]);
  });

  it('refuses what is neither, references without a tag, and no tags at all', () => {
    const err = failure(() => bakeTagRules(['-x', 'user/app', `user/app@${hex('a')}`, 'User/App:1']));
    expect(err.input).toBe('tags');
    expect(err.detail.split('\n- ').slice(1)).toEqual([
      '"-x": "-x" is neither a tag name (letters, digits, "_", "." or "-") nor a reference',
      '"user/app" names no tag: write the tag the image gets (docker.io/user/app:1.2.3)',
      `"user/app@${hex('a')}" names no tag: write the tag the image gets (docker.io/user/app:1.2.3)`,
      expect.stringMatching(/^"User\/App:1": .*must be lowercase/),
    ]);
    expect(failure(() => bakeTagRules([' ', ''])).detail).toMatch(/^bake images need tags/);
  });
});
