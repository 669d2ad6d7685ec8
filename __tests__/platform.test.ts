import fc from 'fast-check';
import {
  formatPlatform,
  normalizePlatform,
  parsePlatform,
  PlatformError,
  platformKey,
  platformMatches,
} from '../src/oci/platform';

describe('platforms', () => {
  it('parses os/arch[/variant]', () => {
    expect(parsePlatform('linux/arm64/v8')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(parsePlatform(' linux/amd64 ')).toEqual({ os: 'linux', architecture: 'amd64' });
  });

  it.each(['linux', 'linux/', '/amd64', 'linux/amd64/v8/x', 'Linux/AMD64', 'linux amd64'])('refuses %j', (s) => {
    expect(() => parsePlatform(s)).toThrow(PlatformError);
  });

  it.each([
    ['linux/arm64', 'linux/arm64/v8', true],
    ['linux/arm', 'linux/arm/v7', true],
    ['linux/arm', 'linux/arm/v6', false],
    ['linux/amd64', 'linux/amd64', true],
    ['linux/amd64', 'linux/arm64', false],
    ['linux/arm/v7', 'linux/arm', true],
  ])('%s matches %s: %s', (a, b, expected) => {
    expect(platformMatches(parsePlatform(a), parsePlatform(b))).toBe(expected);
  });

  it('keys equal platforms alike, including os.version', () => {
    expect(platformKey({ os: 'linux', architecture: 'arm64' })).toBe(
      platformKey({ os: 'linux', architecture: 'aarch64', variant: 'v8' }),
    );
    expect(platformKey({ os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.1' })).not.toBe(
      platformKey({ os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.1' }),
    );
  });

  it('round-trips and throws only its own error', () => {
    const part = fc.stringMatching(/^[a-z0-9_.-]{1,10}$/);
    fc.assert(
      fc.property(part, part, fc.option(part, { nil: undefined }), (os, arch, variant) => {
        const text = [os, arch, variant].filter((x) => x !== undefined).join('/');
        expect(formatPlatform(parsePlatform(text))).toBe(text);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        try {
          parsePlatform(s);
        } catch (err) {
          expect(err).toBeInstanceOf(PlatformError);
        }
      }),
    );
  });

  it('throws nothing but its own error on platform-like input, and what parses round-trips', () => {
    const piece = fc.constantFrom(
      'linux',
      'windows',
      'amd64',
      'arm64',
      'arm',
      'v8',
      'v7',
      '/',
      '//',
      'A',
      '.',
      '_',
      '-',
      ' ',
      '',
      'é',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const s = pieces.join('');
        try {
          const p = parsePlatform(s);
          expect(formatPlatform(p)).toBe(s.trim());
          expect(parsePlatform(formatPlatform(p))).toEqual(p);
        } catch (err) {
          expect(err).toBeInstanceOf(PlatformError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('normalises idempotently, and a platform always matches its normal form', () => {
    const arch = fc.constantFrom(
      'amd64',
      'x86_64',
      'x86-64',
      'arm64',
      'aarch64',
      'arm',
      'armhf',
      'armel',
      'i386',
      '386',
      's390x',
    );
    const variant = fc.option(fc.constantFrom('v5', 'v6', 'v7', 'v8', '7', '8', 'v1'), { nil: undefined });
    fc.assert(
      fc.property(fc.constantFrom('linux', 'windows'), arch, variant, (os, architecture, v) => {
        const p = v === undefined ? { os, architecture } : { os, architecture, variant: v };
        const n = normalizePlatform(p);
        expect(normalizePlatform(n)).toEqual(n);
        expect(platformKey(n)).toBe(platformKey(p));
        expect(platformMatches(p, n)).toBe(true);
      }),
    );
  });
});
