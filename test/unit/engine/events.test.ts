import * as assert from 'node:assert/strict';
import { Emitter } from '../../../src/engine/events';

describe('Emitter', () => {
  it('delivers to every listener and stops after dispose of the subscription', () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    const subscription = emitter.event((value) => seen.push(value));
    emitter.fire(1);
    subscription.dispose();
    emitter.fire(2);
    assert.deepEqual(seen, [1]);
  });

  it('reports a throwing listener and still reaches the others', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<string>((error) => errors.push(error));
    const seen: string[] = [];
    emitter.event(() => { throw new Error('listener broke'); });
    emitter.event((value) => seen.push(value));
    emitter.fire('x');
    assert.deepEqual(seen, ['x']);
    assert.equal((errors[0] as Error).message, 'listener broke');
  });
});
