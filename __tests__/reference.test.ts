import fc from 'fast-check';
import { isLoopbackRegistry, Reference, ReferenceError, apiHost } from '../src/oci/reference';

const D = `sha256:${'a'.repeat(64)}`;

describe('Reference.parse', () => {
  it.each([
    ['alpine', 'docker.io', 'library/alpine', 'latest', undefined],
    ['alpine:3.20', 'docker.io', 'library/alpine', '3.20', undefined],
    ['user/app', 'docker.io', 'user/app', 'latest', undefined],
    ['index.docker.io/user/app:v1', 'docker.io', 'user/app', 'v1', undefined],
    ['ghcr.io/org/app:v1', 'ghcr.io', 'org/app', 'v1', undefined],
    ['localhost/app', 'localhost', 'app', 'latest', undefined],
    ['localhost:5000/a/b/c:t', 'localhost:5000', 'a/b/c', 't', undefined],
    ['127.0.0.1:5000/app@' + D, '127.0.0.1:5000', 'app', undefined, D],
    ['127.0.0.1:5000/app:v1@' + D, '127.0.0.1:5000', 'app', 'v1', D],
    ['[::1]:5000/app:v1', '[::1]:5000', 'app', 'v1', undefined],
    ['registry.example.com/a__b/c-d.e:x_y.z-1', 'registry.example.com', 'a__b/c-d.e', 'x_y.z-1', undefined],
  ])('%s', (input, registry, repository, tag, digest) => {
    const r = Reference.parse(input);
    expect([r.registry, r.repository, r.tag, r.digest]).toEqual([registry, repository, tag, digest]);
  });

  it('prints the normalised form', () => {
    expect(Reference.parse('alpine').toString()).toBe('docker.io/library/alpine:latest');
    expect(Reference.parse(`ghcr.io/o/a:v@${D}`).toString()).toBe(`ghcr.io/o/a:v@${D}`);
  });

  it('uses the digest for the manifest path when there is one', () => {
    expect(Reference.parse(`ghcr.io/o/a:v@${D}`).manifestRef).toBe(D);
    expect(Reference.parse('ghcr.io/o/a:v').manifestRef).toBe('v');
  });

  it.each([
    ['', /empty/],
    ['ghcr.io/o/a:', /invalid tag/],
    ['ghcr.io/o/a:-x', /invalid tag/],
    ['ghcr.io/o/a@sha256:abc', /invalid digest/],
    ['ghcr.io/o//a', /invalid repository/],
    ['ghcr.io/o/a b', /white space/],
    ['ghcr.io/o/-a', /invalid repository/],
    ['ghcr.io/', /no repository|invalid repository/],
    ['bad_host.io/a', /invalid registry/],
    [`ghcr.io/${'a'.repeat(260)}`, /longer than 255/],
  ])('refuses %j', (input, message) => {
    expect(() => Reference.parse(input)).toThrow(message);
  });

  it('shows the lowercase spelling for uppercase repository names', () => {
    expect(() => Reference.parse('ghcr.io/MyOrg/App:v1')).toThrow('use "ghcr.io/myorg/app:v1"');
    expect(() => Reference.parse('MyUser/app')).toThrow(ReferenceError);
  });

  it('names the API host of Docker Hub', () => {
    expect(apiHost('docker.io')).toBe('registry-1.docker.io');
    expect(apiHost('ghcr.io')).toBe('ghcr.io');
  });

  it.each([
    ['localhost:5000', true],
    ['127.0.0.1', true],
    ['127.1.2.3:80', true],
    ['[::1]:5000', true],
    ['[::1]', true],
    ['ghcr.io', false],
    ['127.0.0.1.example.com', false],
  ])('isLoopbackRegistry(%s) = %s', (host, expected) => {
    expect(isLoopbackRegistry(host)).toBe(expected);
  });
});

describe('Reference properties', () => {
  const component = fc.stringMatching(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/).filter((s) => s.length > 0 && s.length < 30);
  const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
  const host = fc.constantFrom('ghcr.io', 'registry.example.com:5000', '127.0.0.1:5000', 'localhost:1');

  it('round-trips through toString', () => {
    fc.assert(
      fc.property(host, fc.array(component, { minLength: 1, maxLength: 3 }), tag, (h, parts, t) => {
        const text = `${h}/${parts.join('/')}:${t}`;
        const r = Reference.parse(text);
        expect(r.toString()).toBe(text);
        expect(Reference.parse(r.toString()).toString()).toBe(text);
      }),
    );
  });

  it('throws nothing but its own error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        try {
          Reference.parse(s);
        } catch (err) {
          expect(err).toBeInstanceOf(ReferenceError);
        }
      }),
    );
  });

  const hex = fc.stringMatching(/^[a-f0-9]{64}$/);
  const digest = hex.map((h) => `sha256:${h}`);
  const sha512 = fc.stringMatching(/^[a-f0-9]{128}$/).map((h) => `sha512:${h}`);

  it('round-trips references with digests (sha256 and sha512), with or without a tag', () => {
    fc.assert(
      fc.property(
        host,
        fc.array(component, { minLength: 1, maxLength: 3 }),
        fc.option(tag, { nil: undefined }),
        fc.oneof(digest, sha512),
        (h, parts, t, d) => {
          const text = `${h}/${parts.join('/')}${t !== undefined ? `:${t}` : ''}@${d}`;
          const r = Reference.parse(text);
          expect(r.toString()).toBe(text);
          expect([r.registry, r.repository, r.tag, r.digest]).toEqual([h, parts.join('/'), t, d]);
          expect(r.manifestRef).toBe(d);
          expect(Reference.parse(r.withDigest(r.digest as never).toString()).toString()).toBe(`${h}/${parts.join('/')}@${d}`);
        },
      ),
    );
  });

  it('normalises once: parsing the printed form gives the same reference (Docker Hub short names too)', () => {
    const hub = fc.constantFrom('', 'docker.io/', 'index.docker.io/', 'registry-1.docker.io/');
    fc.assert(
      fc.property(
        hub,
        fc.array(component, { minLength: 1, maxLength: 2 }),
        fc.option(tag, { nil: undefined }),
        fc.option(digest, { nil: undefined }),
        (prefix, parts, t, d) => {
          // A first component with "." or ":" would be a registry, not a Docker Hub namespace.
          fc.pre(prefix !== '' || parts.length === 1 || !/[.:]/.test(parts[0]));
          const text = `${prefix}${parts.join('/')}${t !== undefined ? `:${t}` : ''}${d !== undefined ? `@${d}` : ''}`;
          const once = Reference.parse(text);
          expect(once.registry).toBe('docker.io');
          expect(once.repository).toBe(parts.length === 1 ? `library/${parts[0]}` : parts.join('/'));
          expect(once.tag).toBe(t === undefined && d === undefined ? 'latest' : t);
          const twice = Reference.parse(once.toString());
          expect(twice.toString()).toBe(once.toString());
        },
      ),
    );
  });

  it('throws nothing but its own error on reference-like input', () => {
    // Strings built from the characters references are made of hit far more branches than random text.
    const piece = fc.constantFrom(
      'a',
      'Z',
      '0',
      '.',
      '_',
      '__',
      '-',
      ':',
      '/',
      '@',
      'sha256:',
      ':5000',
      'localhost',
      '[::1]',
      ' ',
      '',
      `${'f'.repeat(64)}`,
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const s = pieces.join('');
        try {
          const r = Reference.parse(s);
          // Whatever parses prints to something that parses to itself.
          expect(Reference.parse(r.toString()).toString()).toBe(r.toString());
        } catch (err) {
          expect(err).toBeInstanceOf(ReferenceError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
