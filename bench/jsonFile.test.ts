import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeJsonSync } from './jsonFile';

let dir = '';
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('writeJsonSync', () => {
  it('writes pretty JSON into a new folder, replaces the old file and leaves no temporary file', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-json-'));
    const file = path.join(dir, 'results', 'x.json');
    expect(writeJsonSync(file, { a: 1 })).toBe(file);
    writeJsonSync(file, { b: [1, 2] });
    expect(fs.readFileSync(file, 'utf8')).toBe('{\n  "b": [\n    1,\n    2\n  ]\n}\n');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['x.json']);
  });

  it('applies a replacer (non-finite numbers as strings)', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-json-'));
    const file = path.join(dir, 'y.json');
    writeJsonSync(file, { v: Infinity }, (_k, v) =>
      typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
    );
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ v: 'Infinity' });
  });
});
