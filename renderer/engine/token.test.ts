import { describe, expect, it } from 'vitest';
import { engineSocketUrl, tokenFromHash } from './token';

describe('engine token', () => {
  it('reads the token from the fragment and refuses junk', () => {
    expect(tokenFromHash('#token=0123456789abcdef')).toBe('0123456789abcdef');
    expect(tokenFromHash('#a=1&token=0123456789abcdef')).toBe('0123456789abcdef');
    expect(tokenFromHash('')).toBeNull();
    expect(tokenFromHash('#token=<script>')).toBeNull();
    expect(engineSocketUrl('127.0.0.1:4000', 'abcdef12')).toBe('ws://127.0.0.1:4000/engine?token=abcdef12');
  });
});
