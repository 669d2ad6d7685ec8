import { plainHttpAllowed } from '../src/transport/preconnect';

describe('plainHttpAllowed (design rule 14)', () => {
  it('allows plain HTTP for loopback and listed registries only', () => {
    const listed = new Set(['reg.internal', 'other.internal:5000']);
    expect(plainHttpAllowed('127.0.0.1:5000', new Set())).toBe(true);
    expect(plainHttpAllowed('[::1]:5000', new Set())).toBe(true);
    expect(plainHttpAllowed('reg.internal:5000', listed)).toBe(true);
    expect(plainHttpAllowed('reg.internal', listed)).toBe(true);
    expect(plainHttpAllowed('other.internal:5000', listed)).toBe(true);
    expect(plainHttpAllowed('other.internal:5001', listed)).toBe(false);
    expect(plainHttpAllowed('ghcr.io', listed)).toBe(false);
  });
});
