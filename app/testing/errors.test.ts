import { describe, expect, it } from 'vitest';
import { StudioError } from '../common/errors';
import { codeOf, errorOf, expectCode } from './errors';

const studio = () => new StudioError('PARAM_INVALID', 'bad radius');

describe('expectCode', () => {
  it('returns the thrown StudioError when its code matches', () => {
    const e = expectCode(() => {
      throw studio();
    }, 'PARAM_INVALID');
    expect(e.message).toBe('bad radius');
  });

  it('fails when nothing is thrown, the code differs, or the error is not a StudioError', () => {
    expect(() => expectCode(() => 1, 'PARAM_INVALID')).toThrow(/nothing was thrown/);
    expect(() =>
      expectCode(() => {
        throw studio();
      }, 'MASK_SIZE'),
    ).toThrow(/MASK_SIZE/);
    expect(() =>
      expectCode(() => {
        throw new Error('plain');
      }),
    ).toThrow(/StudioError/);
  });

  it('refuses a function that returns a promise (use errorOf)', () => {
    expect(() => expectCode(() => Promise.reject(studio()).catch(() => undefined))).toThrow(/errorOf/);
  });
});

describe('errorOf and codeOf', () => {
  it('return the rejection and its code', async () => {
    expect((await errorOf(Promise.reject(studio()), 'PARAM_INVALID')).message).toBe('bad radius');
    expect(await codeOf(Promise.reject(studio()))).toBe('PARAM_INVALID');
  });

  it('fail on a resolution, another code, or an error that is not a StudioError', async () => {
    await expect(errorOf(Promise.resolve(1))).rejects.toThrow(/expected a rejection/);
    await expect(errorOf(Promise.reject(studio()), 'MASK_SIZE')).rejects.toThrow(/MASK_SIZE/);
    await expect(codeOf(Promise.reject(new Error('plain')))).rejects.toThrow(/StudioError/);
  });
});
