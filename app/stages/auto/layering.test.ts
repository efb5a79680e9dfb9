/**
 * Auto composes the corrections without importing them (design note 14; issue 16's layering): no file of
 * app/stages/auto, its tests and test helpers included, imports a sibling stage. The corrections come in
 * through app/stages/registry.ts; shared pieces (CIEDE2000, the test fills) live in app/image.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = path.resolve('app/stages/auto');
const SIBLING = /^\.\.\/(lama|blockmatch|texture|color)(\/|$)/;

describe('auto stage layering', () => {
  it('no file of app/stages/auto imports a sibling stage', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(3);
    const offenders: string[] = [];
    for (const f of files) {
      const src = readFileSync(path.join(DIR, f), 'utf8');
      for (const m of src.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g))
        if (SIBLING.test(m[1])) offenders.push(`${f} imports ${m[1]}`);
    }
    expect(offenders).toEqual([]);
  });
});
