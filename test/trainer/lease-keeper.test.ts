import { afterEach, describe, expect, it } from 'vitest';
import { LeaseKeeper } from '../../src/trainer/lease-keeper.js';
import type { Lease } from '../../src/transport/trial-queue.js';
import { trainConfig } from '../helpers/fixtures.js';

function lease(onWorking: () => void): Lease {
  return {
    trial: { trialId: 't', sweepId: 's', study: 's', config: trainConfig(), attempt: 1, dataset: { name: 'fashion-mnist', checksum: 'c' }, backend: 'cpu' },
    working: onWorking,
    ack: async () => undefined,
    release: async () => undefined,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('LeaseKeeper', () => {
  let keeper: LeaseKeeper;
  afterEach(() => keeper.stop());

  it('renews every held lease on one timer until it is let go, and keeps renewing the others when one throws', async () => {
    keeper = new LeaseKeeper(20);
    let a = 0;
    let b = 0;
    const releaseA = keeper.hold(lease(() => void (a += 1)));
    keeper.hold(
      lease(() => {
        b += 1;
        throw new Error('disconnected');
      }),
    );
    await sleep(110);
    expect(a).toBeGreaterThanOrEqual(3);
    expect(b).toBeGreaterThanOrEqual(3);
    releaseA();
    const [aThen, bThen] = [a, b];
    await sleep(80);
    expect(a).toBe(aThen);
    expect(b).toBeGreaterThan(bThen);
    expect(keeper.size).toBe(1);
  });

  it('runs no timer while it holds nothing', async () => {
    keeper = new LeaseKeeper(10);
    let renewals = 0;
    keeper.hold(lease(() => void (renewals += 1)))();
    await sleep(50);
    expect(renewals).toBe(0);
    expect(keeper.size).toBe(0);
  });
});
