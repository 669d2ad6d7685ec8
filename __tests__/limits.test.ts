import { limitFor, RegistryLimits } from '../src/transport/limits';

/** Starts `count` tasks on `registry` that stay open until released; reports how many ran at once. */
async function peak(limits: RegistryLimits, registry: string, count: number): Promise<number> {
  let active = 0;
  let highest = 0;
  let finished = 0;
  const gates: Array<() => void> = [];
  const tasks = Array.from({ length: count }, () =>
    limits.run(registry, async () => {
      active++;
      highest = Math.max(highest, active);
      await new Promise<void>((resolve) => gates.push(resolve));
      active--;
      finished++;
    }),
  );
  // Let every task that may start, start; then release them, wave after wave, until all are done.
  while (finished < count) {
    await new Promise((resolve) => setImmediate(resolve));
    gates.splice(0).forEach((release) => release());
  }
  await Promise.all(tasks);
  return highest;
}

describe('limitFor', () => {
  it('allows many streams on HTTP/2 and fewer connections on HTTP/1.1', () => {
    expect(limitFor('h2')).toBe(80);
    expect(limitFor('http/1.1')).toBe(32);
  });
});

describe('RegistryLimits', () => {
  it('sizes each registry by the protocol it speaks', async () => {
    const limits = new RegistryLimits(async (registry) => (registry === 'h2.test' ? 'h2' : 'http/1.1'));
    expect(await peak(limits, 'h2.test', 150)).toBe(80);
    expect(await peak(limits, 'h1.test', 50)).toBe(32);
  });

  it('keeps registries apart', async () => {
    const limits = new RegistryLimits();
    const [a, b] = await Promise.all([peak(limits, 'a.test', 40), peak(limits, 'b.test', 40)]);
    expect([a, b]).toEqual([32, 32]);
  });

  it('asks for the protocol once per registry', async () => {
    const asked: string[] = [];
    const limits = new RegistryLimits(async (registry) => {
      asked.push(registry);
      return 'h2';
    });
    await Promise.all([
      limits.run('a.test', async () => 1),
      limits.run('a.test', async () => 2),
      limits.run('b.test', async () => 3),
    ]);
    expect(asked).toEqual(['a.test', 'b.test']);
  });
});
