import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The paths vitest.config.ts lists in SLOW_TEST_FILES (read as text: scripts/ may not import the config). */
function slowTestFiles(): string[] {
  const config = readFileSync('vitest.config.ts', 'utf8');
  const list = /const SLOW_TEST_FILES = \[([^\]]*)\]/.exec(config);
  expect(list, 'vitest.config.ts declares SLOW_TEST_FILES').not.toBeNull();
  return [...list![1].replace(/\/\/.*$/gm, '').matchAll(/'([^']+)'/g)].map((m) => m[1]);
}

describe('the slow test project', () => {
  it('lists only test files that exist, once each (a moved file would otherwise slip into the everyday run)', () => {
    const files = slowTestFiles();
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => !existsSync(f) || !f.endsWith('.test.ts'))).toEqual([]);
    expect(new Set(files).size).toBe(files.length);
  });
});
