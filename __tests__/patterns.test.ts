import { ContentError } from '../src/errors';
import { Reference } from '../src/oci/reference';
import { TagPattern } from '../src/oci/tagPattern';
import { RegistryClient, RegistryError } from '../src/registry/client';
import { expandPattern, expandSources } from '../src/resolve/patterns';
import type { ClientFor } from '../src/resolve/resolve';

/** A client whose only call here, listTags, answers from a table (the listing itself is tested against Distribution). */
function clients(tags: Record<string, string[] | 'missing'>): { clientFor: ClientFor; listed: string[] } {
  const listed: string[] = [];
  const clientFor: ClientFor = async (registry) =>
    Object.assign(Object.create(RegistryClient.prototype) as RegistryClient, {
      listTags: async (repository: string) => {
        listed.push(`${registry}/${repository}`);
        const t = tags[`${registry}/${repository}`];
        if (t === undefined || t === 'missing')
          throw new RegistryError('GET tags', 404, 'NAME_UNKNOWN', 'repository name not known');
        return t;
      },
    });
  return { clientFor, listed };
}

const target = Reference.parse('r.io/app:1.0');

describe('expandPattern', () => {
  it('keeps the matching tags in sorted order, whatever order the registry lists', async () => {
    const { clientFor } = clients({ 'r.io/app-build': ['9-arm64', 'x-amd64', '9-amd64', '10-amd64', '9-amd64'] });
    const refs = await expandPattern(clientFor, TagPattern.parse('r.io/app-build:9-*'), [target]);
    expect(refs.map(String)).toEqual(['r.io/app-build:9-amd64', 'r.io/app-build:9-arm64']);
  });

  it('never matches a target tag', async () => {
    const { clientFor } = clients({ 'r.io/app': ['1.0', '1.0-amd64', '1.0-arm64'] });
    const refs = await expandPattern(clientFor, TagPattern.parse('r.io/app:1.0*'), [target]);
    expect(refs.map((r) => r.tag)).toEqual(['1.0-amd64', '1.0-arm64']);
  });

  it('never matches referrers tags (sha256-<hex>) or cosign attachment tags (design rule 16)', async () => {
    const hex = 'ab'.repeat(32);
    const { clientFor } = clients({
      'r.io/app-build': ['1', `sha256-${hex}`, `sha256-${hex}.sig`, `sha256-${hex}.att`, `sha256-${hex}.sbom`, 'sha256-short'],
    });
    const refs = await expandPattern(clientFor, TagPattern.parse('r.io/app-build:*'), [target]);
    expect(refs.map((r) => r.tag)).toEqual(['1', 'sha256-short']);
    const only = expandPattern(clientFor, TagPattern.parse(`r.io/app-build:sha256-${hex}*`), [target]);
    await expect(only).rejects.toThrow('matches no tag of r.io/app-build; tags there include 1, sha256-short');
  });

  it('fails naming the pattern and a few tags that exist when nothing matches', async () => {
    const { clientFor } = clients({ 'r.io/app-build': ['a', 'b', 'c', 'd', 'e', 'f', 'g'] });
    const run = expandPattern(clientFor, TagPattern.parse('r.io/app-build:9-*'), [target]);
    await expect(run).rejects.toThrow(ContentError);
    await expect(run).rejects.toThrow(
      'source pattern "r.io/app-build:9-*" matches no tag of r.io/app-build; tags there include a, b, c, d, e (7 in all)',
    );
  });

  it('says so when the repository has no tags, or does not exist', async () => {
    const { clientFor } = clients({ 'r.io/empty': [], 'r.io/gone': 'missing' });
    await expect(expandPattern(clientFor, TagPattern.parse('r.io/empty:*'), [target])).rejects.toThrow(/has no other tags/);
    await expect(expandPattern(clientFor, TagPattern.parse('r.io/gone:*'), [target])).rejects.toThrow(
      /source pattern "r.io\/gone:\*": repository r.io\/gone was not found/,
    );
  });
});

describe('expandSources', () => {
  it('keeps the input order, expands each pattern in place, and uses a tag reached twice once', async () => {
    const { clientFor, listed } = clients({ 'r.io/b': ['1-arm64', '1-amd64'], 'r.io/c': ['v1', 'v2'] });
    const sources = [
      Reference.parse('r.io/a:x'),
      TagPattern.parse('r.io/b:1-*'),
      Reference.parse('r.io/b:1-amd64'),
      TagPattern.parse('r.io/c:v?'),
    ];
    const { references, expansions } = await expandSources(clientFor, sources, [target]);
    expect(references.map(String)).toEqual(['r.io/a:x', 'r.io/b:1-amd64', 'r.io/b:1-arm64', 'r.io/c:v1', 'r.io/c:v2']);
    expect(expansions.map((e) => [e.pattern.toString(), e.matches.map(String)])).toEqual([
      ['r.io/b:1-*', ['r.io/b:1-amd64', 'r.io/b:1-arm64']],
      ['r.io/c:v?', ['r.io/c:v1', 'r.io/c:v2']],
    ]);
    expect(listed.sort()).toEqual(['r.io/b', 'r.io/c']);
  });

  it('lists nothing when no source is a pattern', async () => {
    const { clientFor, listed } = clients({});
    const { references } = await expandSources(clientFor, [Reference.parse('r.io/a:x')], [target]);
    expect(references.map(String)).toEqual(['r.io/a:x']);
    expect(listed).toEqual([]);
  });
});

describe('expandPattern on a registry that answers 401 for a repository it does not find', () => {
  it('says the repository may not exist, or not be readable', async () => {
    const clientFor: ClientFor = async () =>
      Object.assign(Object.create(RegistryClient.prototype) as RegistryClient, {
        listTags: async () => {
          throw new RegistryError('GET tags q.io/acme/nope', 401, 'UNAUTHORIZED', 'access denied');
        },
      });
    await expect(expandPattern(clientFor, TagPattern.parse('q.io/acme/nope:*'), [target])).rejects.toThrow(
      /source pattern "q.io\/acme\/nope:\*": cannot list the tags of q.io\/acme\/nope \(.*401.*\); the repository may not exist/,
    );
  });
});
