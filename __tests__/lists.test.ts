import { firstDuplicate, splitLines, splitList } from '../src/inputs/lists';

describe('lists', () => {
  it('splits on newlines and commas, ignoring blanks', () => {
    expect(splitList('a, b\n\n c,,\r\nd ')).toEqual(['a', 'b', 'c', 'd']);
    expect(splitList('  ')).toEqual([]);
  });

  it('splits lines only when asked', () => {
    expect(splitLines('a=1,2\n b=3 \n')).toEqual(['a=1,2', 'b=3']);
  });

  it('finds the first duplicate', () => {
    expect(firstDuplicate(['a', 'B', 'b'], (s) => s.toLowerCase())).toEqual(['B', 'b']);
    expect(firstDuplicate(['a', 'b'], (s) => s)).toBeUndefined();
  });
});
