// Layering rules of DESIGN.md, enforced: a forbidden import fails `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const uiLibs = ['electron', 'react', 'react-dom', 'fabric', 'react/*'];
const restrict = (group, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group, message }] }],
});

// renderer/: from app/ only app/contract and app/common; fabric only in renderer/canvas; the editor
// state (renderer/state) is plain TypeScript without React, the DOM adapter or fabric (DESIGN rule 6).
const rendererBase = [
  '**/app/**',
  '!**/app/contract',
  '!**/app/contract/**',
  '!**/app/common',
  '!**/app/common/**',
  '**/native-models/**',
  '**/main/**',
  'onnxruntime-node',
  'sharp',
  'electron',
  'node:*',
];
const rendererMessage =
  'renderer/ imports from app/ only app/contract and app/common; fabric only in renderer/canvas.';
function rendererRules() {
  return [
    {
      files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
      ignores: ['renderer/canvas/**', 'renderer/state/**'],
      rules: restrict([...rendererBase, 'fabric'], rendererMessage),
    },
    {
      files: ['renderer/canvas/**/*.ts', 'renderer/canvas/**/*.tsx'],
      rules: restrict(rendererBase, rendererMessage),
    },
    {
      files: ['renderer/state/**/*.ts'],
      rules: restrict(
        [...rendererBase, 'fabric', 'react', 'react-dom', 'react/*', '**/components/**', '**/canvas/**'],
        'renderer/state is plain TypeScript: no React, fabric or DOM adapters (DESIGN rule 6).',
      ),
    },
  ];
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'docs/**', 'bench/results/**', '.cache/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: uiLibs
            .filter((n) => !n.includes('*'))
            .map((name) => ({
              name,
              message: 'app/ is the engine: it knows nothing of Electron, React or fabric.',
            })),
          patterns: [
            {
              group: ['**/main/**', '**/renderer/**', 'react/*'],
              message: 'app/ must not import main/ or renderer/.',
            },
            {
              group: ['onnxruntime-node', 'onnxruntime-*'],
              message: 'Only app/ort imports onnxruntime-node.',
            },
            { group: ['sharp'], message: 'Only app/image imports sharp.' },
          ],
        },
      ],
    },
  },
  {
    files: ['app/ort/**/*.ts'],
    rules: restrict(
      [['**/main/**', '**/renderer/**'], ['electron', 'react', 'fabric'], ['sharp']].flat(),
      'app/ort may import onnxruntime-node only.',
    ),
  },
  {
    files: ['app/image/**/*.ts'],
    rules: restrict(
      ['**/main/**', '**/renderer/**', 'electron', 'react', 'fabric', 'onnxruntime-node', 'onnxruntime-*'],
      'app/image may import sharp only.',
    ),
  },
  {
    files: ['native-models/**/*.ts', 'bench/**/*.ts'],
    rules: restrict(
      [
        '**/main/**',
        '**/renderer/**',
        'electron',
        'react',
        'fabric',
        'onnxruntime-node',
        'onnxruntime-*',
        'sharp',
      ],
      'Outside app/ort and app/image, use the engine modules instead of onnxruntime-node or sharp.',
    ),
  },
  ...rendererRules(),
);
