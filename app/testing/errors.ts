// Assertions on StudioError shared by the tests (issue 16 §5): one copy, imported by every test.
import { expect } from 'vitest';
import { StudioError } from '../common/errors';

function checked(e: unknown, code: string | undefined): StudioError {
  expect(e).toBeInstanceOf(StudioError);
  if (code !== undefined) expect((e as StudioError).code).toBe(code);
  return e as StudioError;
}

/** Runs f, which must throw a StudioError (with `code` when given); returns that error for more checks. */
export function expectCode(f: () => unknown, code?: string): StudioError {
  let result: unknown;
  try {
    result = f();
  } catch (e) {
    return checked(e, code);
  }
  if (result instanceof Promise) throw new Error('expectCode: f returned a promise; use errorOf');
  throw new Error(`expected a StudioError${code === undefined ? '' : ` ${code}`}, but nothing was thrown`);
}

/** Awaits p, which must reject with a StudioError (with `code` when given); returns that error. */
export async function errorOf(p: Promise<unknown>, code?: string): Promise<StudioError> {
  try {
    await p;
  } catch (e) {
    return checked(e, code);
  }
  throw new Error(`expected a rejection with a StudioError${code === undefined ? '' : ` ${code}`}`);
}

/** Awaits p, which must reject with a StudioError; returns its code. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  return (await errorOf(p)).code;
}
