import { EARLY_CONNECTIONS_PER_HOST, earlyPlan, plainHttpAllowed, warmConnections } from '../src/transport/preconnect';

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

describe('the early connections of a registry (design rule 13)', () => {
  const at = (registry: string, repository: string) => ({ registry, repository });
  const run = {
    sources: [at('reg.example', 'app'), at('reg.example', 'app'), at('127.0.0.1:5000', 'x')],
    targets: [at('reg.example', 'app')],
  };

  it("are the first burst's reads, one per source and target on the registry, at most six", () => {
    expect(warmConnections('reg.example', run)).toBe(3);
    expect(warmConnections('127.0.0.1:5000', run)).toBe(1);
    const many = { sources: Array.from({ length: 9 }, (_, i) => at('reg.example', `s${i}`)), targets: [] };
    expect(warmConnections('reg.example', many)).toBe(EARLY_CONNECTIONS_PER_HOST);
    expect(EARLY_CONNECTIONS_PER_HOST).toBe(6);
  });

  it('open beside the handshake the rest of the burst over TLS, and where plain HTTP may be spoken the whole burst over it too', () => {
    expect(earlyPlan('reg.example', run, false)).toEqual({ spare: 2, plain: 0 });
    expect(earlyPlan('reg.example', run, true)).toEqual({ spare: 2, plain: 3 });
    expect(earlyPlan('127.0.0.1:5000', run, true)).toEqual({ spare: 0, plain: 1 });
  });
});
