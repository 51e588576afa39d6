import { describe, expect, it } from 'vitest';
import { orchestratorConsumer, trialIdOfSubject, trialSubject, token, untoken } from '../../src/transport/nats-names.js';

describe('ids on NATS subjects', () => {
  it('leaves plain ids alone and escapes what would split or widen a subject, reversibly', () => {
    expect(trialSubject('ch6-1', 'a1b2c3')).toBe('sweep.trials.ch6-1.a1b2c3');
    expect(token('my.sweep *>')).toBe('my=2esweep=20=2a=3e');
    for (const id of ['ch6-1', 'my.sweep *>', 'a=b', 'ünï.code', 'x_y-z']) expect(untoken(token(id))).toBe(id);
    expect(trialIdOfSubject(trialSubject('s.1', 'trial.9'))).toBe('trial.9');
    expect(orchestratorConsumer('s.1')).toBe('orchestrator-s=2e1');
  });

  it('never gives two ids the same token', () => {
    const ids = ['a.b', 'a=2eb', 'a_b', 'a-b', 'a b', 'a=20b'];
    expect(new Set(ids.map(token)).size).toBe(ids.length);
  });
});
