import { describe, expect, it } from 'vitest';
import { RecentSignatures } from '../../src/pipeline/recent-signatures.js';

const SIGNATURE = new Uint8Array(64).fill(7);

describe('recent signatures', () => {
  it('returns a stored signature', () => {
    const recent = new RecentSignatures(2, 1000);
    recent.set('a', SIGNATURE, 0);

    expect(recent.get('a', 999)).toBe(SIGNATURE);
  });

  it('forgets after the lifetime', () => {
    const recent = new RecentSignatures(2, 1000);
    recent.set('a', SIGNATURE, 0);

    expect(recent.get('a', 1000)).toBeUndefined();
    expect(recent.size).toBe(0);
  });

  it('evicts the least recently used', () => {
    const recent = new RecentSignatures(2, 1000);
    recent.set('a', SIGNATURE, 0);
    recent.set('b', SIGNATURE, 0);
    recent.get('a', 1);
    recent.set('c', SIGNATURE, 2);

    expect(recent.get('a', 3)).toBe(SIGNATURE);
    expect(recent.get('b', 3)).toBeUndefined();
    expect(recent.get('c', 3)).toBe(SIGNATURE);
  });

  it('stores nothing with size 0', () => {
    const recent = new RecentSignatures(0, 1000);
    recent.set('a', SIGNATURE, 0);

    expect(recent.get('a', 1)).toBeUndefined();
  });
});
