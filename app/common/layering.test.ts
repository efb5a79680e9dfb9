// The layering rules of DESIGN.md are ESLint rules; this proves they refuse what they must.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function errors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering rules', () => {
  it.each([
    [
      'app/stages/x/a.ts',
      "import sharp from 'sharp';\nexport const a = sharp;\n",
      /Only app\/image imports sharp/,
    ],
    [
      'app/pipeline/a.ts',
      "import * as ort from 'onnxruntime-node';\nexport const a = ort;\n",
      /Only app\/ort imports onnxruntime-node/,
    ],
    [
      'app/host/a.ts',
      "import { app } from 'electron';\nexport const a = app;\n",
      /knows nothing of Electron/,
    ],
    [
      'app/image/a.ts',
      "import * as ort from 'onnxruntime-node';\nexport const a = ort;\n",
      /app\/image may import sharp only/,
    ],
    [
      'renderer/a.ts',
      "import { Pipeline } from '../app/pipeline/run';\nexport const a = Pipeline;\n",
      /renderer\/ imports from app\/ only/,
    ],
    ['native-models/a.ts', "import sharp from 'sharp';\nexport const a = sharp;\n", /use the engine modules/],
    [
      'renderer/components/a.ts',
      "import { Canvas } from 'fabric';\nexport const a = Canvas;\n",
      /fabric only in renderer\/canvas/,
    ],
    [
      'renderer/state/a.ts',
      "import { useState } from 'react';\nexport const a = useState;\n",
      /renderer\/state is plain TypeScript/,
    ],
  ])('refuses a forbidden import in %s', async (file, code, message) => {
    const found = await errors(file, code);
    expect(found.join('\n')).toMatch(message);
  });

  it.each([
    ['app/image/a.ts', "import sharp from 'sharp';\nexport const a = sharp;\n"],
    ['app/ort/a.ts', "import * as ort from 'onnxruntime-node';\nexport const a = ort;\n"],
    [
      'renderer/a.ts',
      "import type { StudioError } from '../app/common/errors';\nexport type A = StudioError;\n",
    ],
  ])('allows the permitted import in %s', async (file, code) => {
    expect(await errors(file, code)).toEqual([]);
  });
});
