import { mergeScopes, parseChallenges, scopesCover } from '../src/registry/challenge';

describe('parseChallenges', () => {
  it('reads a Bearer challenge with a scope holding commas', () => {
    expect(
      parseChallenges(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:samalba/my-app:pull,push',
        },
      },
    ]);
  });

  it('reads Basic, unquoted values, escapes and several challenges', () => {
    expect(parseChallenges('Basic realm="basic-realm"')).toEqual([{ scheme: 'basic', params: { realm: 'basic-realm' } }]);
    expect(parseChallenges('Newauth realm="x", Bearer realm=https://a/t, error="in\\"valid"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://a/t', error: 'in"valid' } },
    ]);
  });

  it('returns nothing for garbage', () => {
    expect(parseChallenges('')).toEqual([]);
    expect(parseChallenges('=,,=')).toEqual([]);
  });
});

describe('scopes', () => {
  it('merges actions per repository', () => {
    expect(mergeScopes(['repository:a:pull', 'repository:b:pull', 'repository:a:push,pull'])).toEqual([
      'repository:a:pull,push',
      'repository:b:pull',
    ]);
  });

  it('knows when a token covers a request', () => {
    expect(scopesCover(['repository:a:pull,push', 'repository:b:pull'], ['repository:a:push', 'repository:b:pull'])).toBe(true);
    expect(scopesCover(['repository:a:pull'], ['repository:a:push'])).toBe(false);
    expect(scopesCover(['repository:a:pull'], ['repository:c:pull'])).toBe(false);
  });
});
