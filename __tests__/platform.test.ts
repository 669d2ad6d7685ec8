import fc from 'fast-check';
import { formatPlatform, parsePlatform, PlatformError, platformKey, platformMatches } from '../src/oci/platform';

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
    expect(platformKey({ os: 'linux', architecture: 'arm64' })).toBe(platformKey({ os: 'linux', architecture: 'aarch64', variant: 'v8' }));
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
});
