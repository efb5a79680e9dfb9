import { describe, expect, it } from 'vitest';
import { cli } from './cli';

describe('cli (test helper)', () => {
  it('captures what a command writes and its exit code, then gives stdout and stderr back', async () => {
    const write = process.stdout.write;
    const writeErr = process.stderr.write;
    const help = await cli('stages', '--help');
    expect(help.code).toBe(0);
    expect(help.out + help.err).toMatch(/Usage:/);
    const bad = await cli('no-such-command');
    expect(bad.code).not.toBe(0);
    expect(bad.err).not.toBe('');
    expect(process.stdout.write).toBe(write);
    expect(process.stderr.write).toBe(writeErr);
  });
});
