import { nextLink } from '../src/registry/link';

const base = new URL('https://r.io/v2/app/tags/list');

describe('nextLink', () => {
  it('resolves a relative next link against the page it came from', () => {
    expect(nextLink(['</v2/app/tags/list?last=b&n=2>; rel="next"'], base)?.href).toBe('https://r.io/v2/app/tags/list?last=b&n=2');
  });

  it('takes an absolute link as it is', () => {
    expect(nextLink(['<https://r.io/v2/app/tags/list?next_page=xyz>; rel=next'], base)?.href).toBe(
      'https://r.io/v2/app/tags/list?next_page=xyz',
    );
  });

  it('finds next among several links, in one header or several', () => {
    expect(nextLink(['</first>; rel="first", </n?a=1,2>; rel="next"'], base)?.pathname).toBe('/n');
    expect(nextLink(['</prev>; rel="prev"', '</n2>; rel="next"'], base)?.pathname).toBe('/n2');
    expect(nextLink(['</both>; rel="last next"'], base)?.pathname).toBe('/both');
  });

  it('is undefined without a next link', () => {
    expect(nextLink([], base)).toBeUndefined();
    expect(nextLink(['</prev>; rel="prev"'], base)).toBeUndefined();
    expect(nextLink(['garbage'], base)).toBeUndefined();
  });
});
