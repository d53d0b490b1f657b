import { afterEach, describe, expect, it, vi } from 'vitest';
import { RepeatLimiter } from '../../src/log/repeat-limiter.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('repeat limiter', () => {
  it('lets the first event through', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 10_000 });
    const limiter = new RepeatLimiter(1000);

    expect(limiter.take()).toBe(0);
  });

  it('holds events within the interval', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 10_000 });
    const limiter = new RepeatLimiter(1000);
    limiter.take();
    vi.setSystemTime(10_999);

    expect(limiter.take()).toBeUndefined();
    expect(limiter.take()).toBeUndefined();
  });

  it('reports the held count after', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 10_000 });
    const limiter = new RepeatLimiter(1000);
    limiter.take();
    limiter.take();
    limiter.take();
    vi.setSystemTime(11_000);

    expect(limiter.take()).toBe(2);
    expect(limiter.take()).toBeUndefined();
  });
});
