import { ReferenceError } from '../src/oci/reference';
import { isPattern, looksLikePattern, TagPattern } from '../src/oci/tagPattern';

describe('TagPattern', () => {
  it('parses a glob in the tag and normalises the repository like a reference', () => {
    const p = TagPattern.parse('ghcr.io/acme/app-build:1234-*');
    expect([p.registry, p.repository, p.glob, p.name]).toEqual(['ghcr.io', 'acme/app-build', '1234-*', 'ghcr.io/acme/app-build']);
    expect(TagPattern.parse('app:*').name).toBe('docker.io/library/app');
    expect(TagPattern.parse('localhost:5000/app:v?').toString()).toBe('localhost:5000/app:v?');
  });

  it.each([
    ['1234-*', '1234-amd64', true],
    ['1234-*', '1234-', true],
    ['1234-*', '12345-amd64', false],
    ['1234-*', 'x1234-amd64', false],
    ['v1.?', 'v1.2', true],
    ['v1.?', 'v1x2', false],
    ['v1.?', 'v1.22', false],
    ['*-arm64', 'build-arm64', true],
    ['*-arm64', 'build-arm64-old', false],
    ['*', 'anything', true],
  ])('%s matches %s: %s', (glob, tag, expected) => {
    expect(TagPattern.parse(`r.io/app:${glob}`).matches(tag)).toBe(expected);
  });

  it('gives the reference of a matching tag', () => {
    expect(TagPattern.parse('r.io/a/b:x-*').at('x-1').toString()).toBe('r.io/a/b:x-1');
  });

  it.each([
    ['r.io/app-*:1', /only in the tag/],
    ['r.io/*/app:1-*', /only in the tag/],
    ['r.io/app*', /only in the tag/],
    [`r.io/app:1-*@sha256:${'a'.repeat(64)}`, /cannot carry a digest/],
    ['r.io/app:-*', /invalid tag pattern/],
    ['r.io/app:a/b*', /only in the tag|invalid/],
    ['r.io/App:*', /lowercase/],
  ])('refuses %s', (input, message) => {
    expect(() => TagPattern.parse(input)).toThrow(ReferenceError);
    expect(() => TagPattern.parse(input)).toThrow(message);
  });

  it('tells patterns from references', () => {
    expect(looksLikePattern('r.io/app:1-*')).toBe(true);
    expect(looksLikePattern('r.io/app:1')).toBe(false);
    expect(isPattern(TagPattern.parse('r.io/app:?'))).toBe(true);
  });
});
