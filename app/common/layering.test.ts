// The layer map of DESIGN.md (eslint-rules/layers.js) is an allow-list; this proves it refuses what it must
// and lets through what each layer may import.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Only the layer rule is checked here, on probe files that do not exist: lint them untyped (the typed rules
// would ask the TypeScript project for each probe, slowly, and fail to find it).
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: false } } },
  ruleFilter: ({ ruleId }) => ruleId === 'local/layers',
});

async function errors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'local/layers').map((m) => m.message);
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
      /Only app\/ort imports onnxruntime-node/,
    ],
    [
      'renderer/a.ts',
      "import { Pipeline } from '../app/pipeline/run';\nexport const a = Pipeline;\n",
      /layer renderer\) may not import '..\/app\/pipeline\/run'/,
    ],
    [
      'native-models/a.ts',
      "import sharp from 'sharp';\nexport const a = sharp;\n",
      /Only app\/image imports sharp/,
    ],
    // The canvas draws with Canvas 2D: no drawing package, in renderer/canvas or anywhere.
    [
      'renderer/canvas/a.ts',
      "import { Canvas } from 'fabric';\nexport const a = Canvas;\n",
      /layer renderer-canvas\) may not import the package 'fabric'/,
    ],
    [
      'renderer/state/a.ts',
      "import { useState } from 'react';\nexport const a = useState;\n",
      /layer renderer-state\) may not import the package 'react'/,
    ],
    [
      'renderer/state/a.ts',
      "import { x } from '../canvas/canvasAdapter';\nexport const a = x;\n",
      /layer renderer-state\) may not import/,
    ],
    // The probes of issue 16 §1, which the old deny-list let through.
    [
      'app/common/a.ts',
      "import { x } from '../stages/lama/stage';\nexport const a = x;\n",
      /common may import nothing of ours/,
    ],
    [
      'app/stages/texture/a.ts',
      "import { x } from '../lama/embeddedFill/pushPull';\nexport const a = x;\n",
      /a stage never imports a sibling stage/,
    ],
    [
      'app/stages/color/a.ts',
      "import { x } from '../../host/services';\nexport const a = x;\n",
      /layer stage "color"\) may not import '..\/..\/host\/services' \(layer host\)/,
    ],
    [
      'native-models/a.ts',
      "import type { X } from '../app/stages/lama/conventions/types';\nexport type A = X;\n",
      /layer models\) may not import .* \(layer stage "lama"\)/,
    ],
    [
      'native-models/a.ts',
      "import type { X } from '../app/pipeline/run';\nexport type A = X;\n",
      /layer models\) may not import .* \(layer pipeline\)/,
    ],
    [
      'main/a.ts',
      "import { x } from '../renderer/state/editor';\nexport const a = x;\n",
      /layer main\) may not import .* \(layer renderer-state\)/,
    ],
    ['main/a.ts', "import sharp from 'sharp';\nexport const a = sharp;\n", /Only app\/image imports sharp/],
    ['newfolder/a.ts', 'export const a = 1;\n', /newfolder\/a\.ts is in no layer/],
    [
      'app/graph/a.ts',
      "import { x } from '../../native-models/generated/index';\nexport const a = x;\n",
      /layer graph\) may not import .* \(layer models\)/,
    ],
    [
      'app/pipeline/a.ts',
      "import { x } from '../testing/fixtures';\nexport const a = x;\n",
      /production code: it may not import/,
    ],
    [
      'app/stages/lama/a.ts',
      "import { x } from './testImages';\nexport const a = x;\n",
      /production code: it may not import the test file/,
    ],
    [
      'app/pipeline/a.ts',
      "import { x } from '../../bench/run';\nexport const a = x;\n",
      /layer pipeline\) may not import .* \(layer bench\)/,
    ],
    [
      'app/image/a.ts',
      "import { x } from '../newlayer/b';\nexport const a = x;\n",
      /which no layer in eslint-rules\/layers\.js covers/,
    ],
    // The renderer bundles the contract: zod's full build would come with it (issue 16 §6).
    [
      'app/contract/a.ts',
      "import { z } from 'zod';\nexport const a = z.string();\n",
      /layer contract\) may not import the package 'zod'/,
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
    ['renderer/canvas/a.ts', "import { View } from './viewport';\nexport const a = View;\n"],
    ['app/stages/lama/a.ts', "import { x } from './conventions/types';\nexport const a = x;\n"],
    [
      'app/stages/texture/a.ts',
      "import { x } from '../../graph/builder';\nimport type { S } from '../../pipeline/types';\nexport const a: S = x;\n",
    ],
    ['app/graph/a.ts', "import { GraphBuilder } from './onnxBuilder';\nexport const a = GraphBuilder;\n"],
    [
      'native-models/a.ts',
      "import type { ConventionId } from './conventionId';\nexport type A = ConventionId;\n",
    ],
    ['app/pipeline/a.ts', "import { STAGES } from '../stages/registry';\nexport const a = STAGES;\n"],
    ['app/stages/x/a.test.ts', "import { x } from '../../testing/fixtures';\nexport const a = x;\n"],
    ['main/a.ts', "import { x } from '../app/host/services';\nexport const a = x;\n"],
    ['app/contract/a.ts', "import { z } from 'zod/mini';\nexport const a = z.string();\n"],
    // bench is an end layer: its measures may share app/testing's with the tests.
    ['bench/a.ts', "import { x } from '../app/testing/spectrum';\nexport const a = x;\n"],
  ])('allows the permitted import in %s', async (file, code) => {
    expect(await errors(file, code)).toEqual([]);
  });
});
