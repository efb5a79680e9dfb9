/**
 * Test helper (storeLock.test.ts): a separate process that downloads one model into a store. Argument:
 * JSON `{dir, manifest, id}`. It reports `ready` on stdout, starts when a line arrives on stdin (so that
 * two such processes start together), and ends with one line of JSON: the installed model's path and
 * SHA-256, or the error's code and message (exit status 1).
 */
import { createInterface } from 'node:readline';
import type { ModelEntry } from '../../native-models/manifest';
import { ModelStore } from '../../native-models/store';

const { dir, manifest, id } = JSON.parse(process.argv[2]!) as {
  dir: string;
  manifest: ModelEntry[];
  id: string;
};
const store = new ModelStore({ dir, manifest });
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
lines.once('line', () => {
  lines.close();
  store
    .download(id, { onWaiting: (m) => process.stdout.write(`waiting: ${m}\n`) })
    .then((m) => {
      process.stdout.write(`${JSON.stringify({ ok: true, path: m.path, sha256: m.sha256 })}\n`);
    })
    .catch((e: unknown) => {
      const err = e as { code?: string; message?: string };
      process.stdout.write(`${JSON.stringify({ ok: false, code: err.code, message: err.message })}\n`);
      process.exitCode = 1;
    });
});
