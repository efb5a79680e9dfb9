import { describe, expect, it } from 'vitest';
import { StudioError, exitCodeFor, fromWire, asStudioError } from './errors';

describe('StudioError', () => {
  it('crosses a boundary as {code, message} and is rebuilt with its code', () => {
    const e = new StudioError('MASK_SIZE', 'The mask is 1x1 but the image is 2x2');
    const back = fromWire(JSON.parse(JSON.stringify(e.toWire())));
    expect(back).toBeInstanceOf(StudioError);
    expect(back.code).toBe('MASK_SIZE');
    expect(back.message).toBe(e.message);
  });
  it('rebuilds an unknown code as INTERNAL', () => {
    expect(fromWire({ code: 'NOPE' as never, message: 'x' }).code).toBe('INTERNAL');
  });
  it('maps codes to the documented exit codes', () => {
    expect(exitCodeFor('PARAM_INVALID')).toBe(2);
    expect(exitCodeFor('MASK_SIZE')).toBe(2);
    expect(exitCodeFor('MODEL_MISSING')).toBe(3);
    expect(exitCodeFor('INFERENCE')).toBe(1);
  });
  it('turns an AbortError into CANCELLED', () => {
    const abort = new DOMException('aborted', 'AbortError');
    expect(asStudioError(abort).code).toBe('CANCELLED');
  });
});
