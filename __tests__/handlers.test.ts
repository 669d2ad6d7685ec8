import type { Dispatcher } from 'undici';
import { forwarding } from '../src/transport/handlers';

describe('forwarding', () => {
  it('passes every callback of a dispatch handler through, and tolerates the ones it lacks', () => {
    const calls: string[] = [];
    const note =
      (name: string) =>
      (...args: unknown[]) =>
        void calls.push(`${name}:${args.length}`);
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: note('start'),
      onRequestUpgrade: note('upgrade'),
      onResponseStart: note('response'),
      onResponseData: note('data'),
      onResponseEnd: note('end'),
      onResponseError: note('error'),
    };
    const c = {} as Dispatcher.DispatchController;
    const f = forwarding(handler);
    f.onRequestStart?.(c, {});
    f.onRequestUpgrade?.(c, 101, {}, {} as never);
    f.onResponseStart?.(c, 200, {}, 'OK');
    f.onResponseData?.(c, Buffer.from('x'));
    f.onResponseEnd?.(c, {});
    f.onResponseError?.(c, new Error('x'));
    expect(calls).toEqual(['start:2', 'upgrade:4', 'response:4', 'data:2', 'end:2', 'error:2']);
    expect(() => forwarding({}).onResponseEnd?.(c, {})).not.toThrow();
  });
});
