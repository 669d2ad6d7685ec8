import { parseAnnotations } from '../src/inputs/annotations';
import { InputError } from '../src/errors';

describe('parseAnnotations', () => {
  it('takes plain and index: lines, sorted; skips other levels', () => {
    const parsed = parseAnnotations(
      [
        'org.opencontainers.image.title=app',
        'index:org.opencontainers.image.description=A, B and C=D',
        'manifest:org.opencontainers.image.title=app',
        'manifest-descriptor:org.opencontainers.image.title=app',
        'index-descriptor:foo=bar',
        'index[linux/amd64]:foo=bar',
        '',
      ].join('\n'),
    );
    expect(parsed.index).toEqual({
      'org.opencontainers.image.description': 'A, B and C=D',
      'org.opencontainers.image.title': 'app',
    });
    expect(Object.keys(parsed.index)).toEqual(['org.opencontainers.image.description', 'org.opencontainers.image.title']);
    expect(parsed.skipped).toHaveLength(4);
  });

  it('allows an empty value', () => {
    expect(parseAnnotations('a=').index).toEqual({ a: '' });
  });

  it.each([
    ['novalue', /not key=value/],
    ['=x', /empty key/],
    ['index:=x', /empty key/],
    ['bad key=x', /characters/],
    ['a=1\na=2', /twice/],
  ])('refuses %j', (line, message) => {
    expect(() => parseAnnotations(line)).toThrow(InputError);
    expect(() => parseAnnotations(line)).toThrow(message);
  });
});
