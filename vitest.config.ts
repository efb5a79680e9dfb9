import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';

const ALL = [
  'app/**/*.test.ts',
  'main/**/*.test.ts',
  'native-models/**/*.test.ts',
  'bench/**/*.test.ts',
  'renderer/**/*.test.ts',
  'scripts/**/*.test.ts',
];

/**
 * The slow integration files: each takes 15 to 60 s of one core, and together they were about 80% of the
 * suite's test time. `npm run test:unit` leaves them out; `npm run test:slow` runs only them; `npm test`
 * and CI run both. A file goes here only when it is slow as a whole; a new slow case in an everyday file
 * belongs in one of these (or in a new file listed here).
 */
const SLOW_TEST_FILES = [
  // VGG19-sized networks: its features, Winograd and gradient checks, and the stage with its weights.
  'app/stages/texture/vgg19.test.ts',
  'app/stages/texture/networks.test.ts',
  // Texture quality on the scikit-image textures: the optimisation on real holes, detail, seams.
  'app/pipeline/stages/textureDoNoHarm.test.ts',
  'app/stages/texture/quality.test.ts',
  'app/pipeline/stages/blockmatchDetail.test.ts',
  'app/image/detailTransfer.test.ts',
  'app/pipeline/stages/auto.test.ts',
  'app/stages/texture/structure.test.ts',
  'app/stages/blockmatch/textureGate.test.ts',
  'app/pipeline/stages/blockmatchDetailSeams.test.ts',
  // The embedded fill's region choice on real photos (deep holes, chelsea's eye).
  'app/stages/lama/embeddedFill/regionChoice.test.ts',
  // 4000x3000 images: the LaMa stage's regions and batches; the CLI's neighbourhood runs (8 and 16 bit).
  'app/host/stages/lama.test.ts',
  'app/cli/runNeighbourhoods.test.ts',
  // A 575 MB tensor file served over HTTP Range requests and imported.
  'native-models/tensorModel.test.ts',
  // Child processes: the model store's lock across processes; the engine's bundle built and started.
  'native-models/storeLock.test.ts',
  'main/engineProcess.test.ts',
];

/** Every *.test.ts under the folders of ALL (node_modules left out). */
function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : testFiles(path);
    return e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * The everyday files share one module graph per worker (isolate: false), which saves importing the engine
 * again for every file: about 40% of the everyday run's time. A file that replaces a module (vi.mock,
 * vi.doMock) needs a graph of its own, so those run isolated in `unit-mocks`; they are found here, by
 * their text, so a new one needs no list.
 */
const MOCKING_TEST_FILES = ALL.map((glob) => glob.split('/')[0])
  .flatMap(testFiles)
  .filter((f) => /\bvi\.(mock|doMock)\(/.test(readFileSync(f, 'utf8')));

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ALL,
          exclude: [...configDefaults.exclude, ...SLOW_TEST_FILES, ...MOCKING_TEST_FILES],
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'unit-mocks',
          include: MOCKING_TEST_FILES,
          exclude: [...configDefaults.exclude, ...SLOW_TEST_FILES],
        },
      },
      { extends: true, test: { name: 'slow', include: SLOW_TEST_FILES } },
    ],
  },
});
