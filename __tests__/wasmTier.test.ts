import * as v8 from 'node:v8';
import { baselineWasmOnly, tiersUpEveryModule } from '../src/util/wasmTier';

describe('baselineWasmOnly', () => {
  it('concerns V8 before 12 only (Node 20), not Node 22 or 24', () => {
    expect(tiersUpEveryModule('11.3.244.8-node.38')).toBe(true);
    expect(tiersUpEveryModule('12.4.254.21-node.57')).toBe(false);
    expect(tiersUpEveryModule('13.6.233.17-node.53')).toBe(false);
  });

  it('leaves the flags of a later V8 as they are, and sets the flag where it is needed', () => {
    // V8's cached-data tag hashes its flags: it changes when a flag does.
    const before = v8.cachedDataVersionTag();
    expect(baselineWasmOnly('13.6.233.17-node.53')).toBe(false);
    expect(v8.cachedDataVersionTag()).toBe(before);
    // Process-wide from here: the rest of this worker's WebAssembly stays on the baseline tier.
    expect(baselineWasmOnly('11.3.244.8-node.38')).toBe(true);
    expect(v8.cachedDataVersionTag()).not.toBe(before);
  });
});
