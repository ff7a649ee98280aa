import { IdleBackoff } from './idle-backoff.js';

describe('IdleBackoff', () => {
  it('doubles the pause while polls find nothing, up to the maximum, and returns to the minimum after work', () => {
    const b = new IdleBackoff(500);
    expect([false, false, false, false, false].map((w) => b.next(w))).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(b.next(true)).toBe(500);
    expect(b.next(false)).toBe(1000);
  });

  it('never waits less than the minimum, even when it is above the default maximum', () => {
    const b = new IdleBackoff(8000);
    expect(b.next(false)).toBe(8000);
    expect(b.next(true)).toBe(8000);
  });
});
