import { describe, expect, it } from 'vitest';
import { LruCache } from './lruCache';

describe('LruCache', () => {
  it('evicts the least recently used entry when the cost bound is passed', async () => {
    const cache = new LruCache(2);
    let made = 0;
    const make = (v: string) => () => {
      made++;
      return Promise.resolve(v);
    };
    await cache.get('a', 1, make('a'));
    await cache.get('b', 1, make('b'));
    expect(await cache.get('a', 1, make('a2'))).toBe('a'); // a use: b is now the oldest
    await cache.get('c', 1, make('c'));
    expect(cache.size).toBe(2);
    expect(cache.has('b')).toBe(false);
    expect(cache.has('a')).toBe(true);
    expect(made).toBe(3);
    expect(await cache.get('b', 1, make('b2'))).toBe('b2');
  });

  it('keeps nothing costlier than its bound, and drops a failed value', async () => {
    const cache = new LruCache(10);
    expect(await cache.get('big', 11, () => Promise.resolve(1))).toBe(1);
    expect(cache.has('big')).toBe(false);
    await expect(cache.get('bad', 1, () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(cache.has('bad')).toBe(false);
  });

  it('two caches share no state', async () => {
    const one = new LruCache(4);
    const two = new LruCache(4);
    await one.get('k', 1, () => Promise.resolve('one'));
    expect(two.has('k')).toBe(false);
    expect(await two.get('k', 1, () => Promise.resolve('two'))).toBe('two');
    expect(await one.get('k', 1, () => Promise.resolve('x'))).toBe('one');
  });

  it('refuses a bound that is not positive', () => {
    expect(() => new LruCache(0)).toThrow(expect.objectContaining({ code: 'PARAM_INVALID' }));
  });
});
