// The layer map of DESIGN.md rule 1 as an allow-list (issue 16 §1), in the manner of VS Code's
// code-import-patterns: every file belongs to a layer, each layer lists what it may import (our layers and
// npm packages), and a file that no layer covers is itself an error, so a new folder must say where it sits.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the folder above this one. */
const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

const NODE = ['node:*'];
/** Packages every test file (`*.test.ts`, `test*.ts` fixtures) may import besides its layer's. */
const TEST_PACKAGES = ['vitest', 'fast-check'];

/** The engine's layers, bottom up (the order documents the map; each layer lists its imports itself). */
const ENGINE_BELOW_STAGES = ['common', 'image', 'ort', 'graph', 'models', 'stage-types'];

/**
 * Each layer: `files` (path prefixes from the repository root; a prefix ending in `/` is a folder, else a
 * file without its extension; the longest match wins), `allow` (the layers it may import; its own is
 * always allowed) and `packages` (npm packages; `x/*` allows subpaths, `node:*` Node's built-ins).
 * `app/stages/<name>/` is one layer per stage ('stage'): a stage imports its own files, never a sibling's.
 */
export const LAYERS = [
  // app/ — the engine.
  { name: 'common', files: ['app/common/'], allow: [], packages: NODE },
  // The renderer bundles the contract: zod's small functional build only (issue 16 §6).
  { name: 'contract', files: ['app/contract/'], allow: ['common'], packages: ['zod/mini'] },
  { name: 'image', files: ['app/image/'], allow: ['common'], packages: [...NODE, 'sharp'] },
  {
    name: 'ort',
    files: ['app/ort/'],
    allow: ['common'],
    packages: [...NODE, 'onnxruntime-node', 'onnx-proto'],
  },
  { name: 'graph', files: ['app/graph/'], allow: ['common', 'ort'], packages: [...NODE, 'onnx-proto'] },
  {
    name: 'models',
    files: ['native-models/'],
    allow: ['common', 'image', 'ort', 'graph'],
    packages: [...NODE, 'env-paths', 'zod', 'onnx-proto'],
  },
  // What a stage is (StageDef, StageContext, StageInput): the stages' contract with the pipeline.
  {
    name: 'stage-types',
    files: ['app/pipeline/types'],
    allow: ['common', 'image', 'ort', 'graph', 'models'],
    packages: [],
  },
  { name: 'stage', files: ['app/stages/*/'], allow: ENGINE_BELOW_STAGES, packages: NODE },
  {
    name: 'stage-registry',
    files: ['app/stages/'],
    allow: [...ENGINE_BELOW_STAGES, 'contract', 'stage'],
    packages: [],
  },
  {
    name: 'pipeline',
    files: ['app/pipeline/'],
    allow: [...ENGINE_BELOW_STAGES, 'contract', 'stage', 'stage-registry'],
    packages: NODE,
  },
  {
    name: 'host',
    files: ['app/host/'],
    allow: [...ENGINE_BELOW_STAGES, 'contract', 'stage', 'stage-registry', 'pipeline'],
    packages: [...NODE, 'ws', 'commander', 'zod'],
  },
  {
    name: 'cli',
    files: ['app/cli/'],
    allow: [...ENGINE_BELOW_STAGES, 'contract', 'stage', 'stage-registry', 'pipeline', 'host'],
    packages: [...NODE, 'commander', 'cli-progress'],
  },
  // End layers: nothing of production imports them.
  {
    name: 'testing',
    files: ['app/testing/'],
    allow: [...ENGINE_BELOW_STAGES, 'contract', 'stage', 'stage-registry', 'pipeline', 'host', 'cli'],
    // sharp builds the metadata fixtures' JPEGs; production still reaches it only through app/image.
    packages: [...NODE, ...TEST_PACKAGES, 'sharp'],
  },
  {
    name: 'bench',
    files: ['bench/'],
    allow: [
      ...ENGINE_BELOW_STAGES,
      'contract',
      'stage',
      'stage-registry',
      'pipeline',
      'host',
      'cli',
      'testing',
    ],
    // sharp composes the gallery strips (bench/strip.ts); onnx-proto reads the LaMa stand-in's graph.
    packages: [...NODE, 'sharp', 'onnx-proto'],
  },
  // The Electron main process: thin wiring around app/host.
  {
    name: 'main',
    files: ['main/'],
    allow: ['common', 'contract', 'host', 'models'],
    packages: [...NODE, 'electron'],
  },
  // The editor: from app/ only app/contract and app/common; renderer/state is plain TypeScript (no React or
  // DOM adapters, DESIGN rule 6); renderer/canvas draws with the browser's Canvas 2D, no drawing package
  // (docs/design-notes.md, "The canvas is plain Canvas 2D").
  { name: 'renderer-engine', files: ['renderer/engine/'], allow: ['common', 'contract'], packages: [] },
  {
    name: 'renderer-state',
    files: ['renderer/state/'],
    allow: ['common', 'contract', 'renderer-engine'],
    packages: [],
  },
  {
    name: 'renderer-canvas',
    files: ['renderer/canvas/'],
    allow: ['common', 'contract', 'renderer-state'],
    packages: [],
  },
  {
    name: 'renderer-components',
    files: ['renderer/components/'],
    allow: ['common', 'contract', 'renderer-engine', 'renderer-state', 'renderer-canvas'],
    packages: ['react', 'react/*', 'react-dom', 'react-dom/*'],
  },
  {
    name: 'renderer',
    files: ['renderer/'],
    allow: [
      'common',
      'contract',
      'renderer-engine',
      'renderer-state',
      'renderer-canvas',
      'renderer-components',
    ],
    packages: ['react', 'react/*', 'react-dom', 'react-dom/*'],
  },
  // Build and tooling.
  { name: 'scripts', files: ['scripts/'], allow: ['common', 'contract'], packages: [...NODE, 'esbuild'] },
  {
    name: 'renderer-build',
    files: ['renderer/vite.config'],
    allow: ['scripts'],
    packages: [...NODE, 'vite', '@vitejs/plugin-react'],
  },
  { name: 'bin', files: ['bin/'], allow: ['cli'], packages: [...NODE, 'tsx', 'tsx/*'] },
  {
    name: 'e2e',
    files: ['e2e/'],
    allow: [
      ...ENGINE_BELOW_STAGES,
      'contract',
      'stage',
      'stage-registry',
      'pipeline',
      'host',
      'testing',
      'renderer-engine',
      'renderer-state',
      'renderer-canvas',
    ],
    packages: [...NODE, '@playwright/test', 'sharp'],
  },
  {
    name: 'config',
    files: ['eslint.config', 'vitest.config', 'eslint-rules/'],
    allow: ['config'],
    packages: [...NODE, 'eslint', '@eslint/js', 'typescript-eslint', 'vitest', 'vitest/*'],
  },
];

/**
 * Test files whose imports cross the map, each allowed exactly what is named here ('layer', or
 * 'stage:<name>' for a sibling stage, or a package). A test that drives a stage through the pipeline
 * lives in app/pipeline/stages/, through the host in app/host/stages/; fixtures live in app/testing.
 * Do not add to this list: put the file where its imports are allowed.
 */
export const EXCEPTIONS = {
  // The layering test runs ESLint itself.
  'app/common/layering.test.ts': ['eslint'],
  // app/ort's own session tests load the generated test networks of the models layer above it. Moved up,
  // they would leave ort's tests (and session.runFallback's mock of onnxruntime-node, a package the
  // models layer may not import) outside app/ort.
  'app/ort/session.test.ts': ['models'],
  'app/ort/session.fallback.test.ts': ['models'],
  'app/ort/session.runFallback.test.ts': ['models'],
};

/** Friendlier words for the packages whose home is one layer. */
const PACKAGE_HOMES = {
  sharp: 'Only app/image imports sharp.',
  'onnxruntime-node': 'Only app/ort imports onnxruntime-node.',
  electron: 'app/ is the engine: it knows nothing of Electron or React; only main/ imports electron.',
  react: 'app/ is the engine: it knows nothing of Electron or React; React lives in renderer/.',
};

const EXTENSION = /\.(?:d\.ts|tsx?|mts|cts|jsx?|mjs|cjs)$/;

/** The layer of a repository-relative path (without extension), or null. */
export function layerOf(rel) {
  let best = null;
  let bestLength = -1;
  for (const layer of LAYERS) {
    for (const pattern of layer.files) {
      const match = matchPrefix(rel, pattern);
      if (match !== null && pattern.length > bestLength) {
        best = { layer, instance: match };
        bestLength = pattern.length;
      }
    }
  }
  return best;
}

/** `app/stages/*\/` matches `app/stages/lama/x` with instance 'lama'; plain prefixes give instance ''. */
function matchPrefix(rel, pattern) {
  if (pattern.includes('*')) {
    const [head, tail] = pattern.split('*');
    if (!rel.startsWith(head)) return null;
    const rest = rel.slice(head.length);
    const slash = rest.indexOf('/');
    if (slash <= 0 || !rest.slice(slash).startsWith(tail)) return null;
    return rest.slice(0, slash);
  }
  if (pattern.endsWith('/')) return rel.startsWith(pattern) ? '' : null;
  return rel === pattern ? '' : null;
}

function isTestFile(rel) {
  const base = rel.split('/').pop();
  return /\.(test|spec|testing)$/.test(base) || /^test[A-Z]/.test(base);
}

function packageName(spec) {
  if (spec.startsWith('node:')) return spec;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function packageAllowed(spec, patterns) {
  return patterns.some((p) => {
    if (p === 'node:*') return spec.startsWith('node:');
    if (p.endsWith('/*')) return spec.startsWith(p.slice(0, -1));
    return p === spec;
  });
}

function describe(layer, instance) {
  return instance ? `${layer.name} "${instance}"` : layer.name;
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Every file sits in a layer of DESIGN.md and imports only what that layer allows.' },
    schema: [],
  },
  create(context) {
    const root = ROOT;
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    if (file.startsWith('..')) return {};
    const rel = file.replace(EXTENSION, '');
    const own = layerOf(rel);
    const test = isTestFile(rel);
    const exceptions = EXCEPTIONS[file] ?? [];

    function check(node, spec) {
      if (typeof spec !== 'string' || !own) return;
      const { layer, instance } = own;
      if (!spec.startsWith('.')) {
        const allowed = [...layer.packages, ...(test ? TEST_PACKAGES : []), ...exceptions];
        if (packageAllowed(spec, allowed)) return;
        const home = PACKAGE_HOMES[packageName(spec)] ?? '';
        context.report({
          node,
          message:
            `${file} (layer ${describe(layer, instance)}) may not import the package '${spec}'. ${home}`.trim(),
        });
        return;
      }
      const target = path
        .relative(root, path.resolve(path.dirname(context.filename), spec))
        .split(path.sep)
        .join('/')
        .replace(EXTENSION, '');
      const to = layerOf(target);
      if (!to) {
        context.report({
          node,
          message: `${file} imports '${spec}', which no layer in eslint-rules/layers.js covers.`,
        });
        return;
      }
      if (to.layer === layer && to.instance === instance) {
        if (!test && isTestFile(target)) {
          context.report({
            node,
            message: `${file} is production code: it may not import the test file '${spec}'.`,
          });
        }
        return;
      }
      // An end layer that lists 'testing' (bench, e2e) may use its fixtures and measures; production may not.
      const intoTesting = to.layer.name === 'testing' && !layer.allow.includes('testing');
      if (!test && (intoTesting || isTestFile(target))) {
        context.report({
          node,
          message: `${file} is production code: it may not import '${spec}' (tests and testing are end layers).`,
        });
        return;
      }
      if (test && to.layer.name === 'testing') return;
      const sibling = to.layer === layer && to.instance !== instance;
      if (!sibling && (layer.allow.includes(to.layer.name) || exceptions.includes(to.layer.name))) return;
      if (sibling && exceptions.includes(`${to.layer.name}:${to.instance}`)) return;
      const why = sibling
        ? 'a stage never imports a sibling stage; move what both need down a layer'
        : `${layer.name} may import ${layer.allow.length ? layer.allow.join(', ') : 'nothing of ours'}`;
      context.report({
        node,
        message: `${file} (layer ${describe(layer, instance)}) may not import '${spec}' (layer ${describe(to.layer, to.instance)}): ${why}.`,
      });
    }

    const source = (node) => check(node, node.source?.value);
    return {
      Program(node) {
        if (!own) {
          context.report({
            node,
            message: `${file} is in no layer: declare its folder and what it may import in eslint-rules/layers.js.`,
          });
        }
      },
      ImportDeclaration: source,
      ExportNamedDeclaration: source,
      ExportAllDeclaration: source,
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node, node.source.value);
      },
      TSImportType(node) {
        const arg = node.argument;
        const literal = arg?.type === 'TSLiteralType' ? arg.literal : arg;
        if (literal?.type === 'Literal') check(node, literal.value);
      },
    };
  },
};

export default { rules: { layers: layersRule } };
