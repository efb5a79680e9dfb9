// Runs the CLI in-process for tests (issue 16 §5): one copy, imported by every CLI test.
import { vi } from 'vitest';
import { main } from '../cli/main';

/** Runs `inpaint-studio <args>` through the CLI's main, capturing stdout and stderr; restores both after. */
export async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '',
    err = '';
  const o = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    return { code: await main(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
