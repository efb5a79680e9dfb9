/** `inpaint-studio models list | download ID | import ID FILE | verify`. */
import { stat } from 'node:fs/promises';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { findModel, isTensorModel } from '../../native-models/manifest';
import { TRUST_UNPINNED_ENV } from '../../native-models/store';
import type { InstalledModel } from '../../native-models/store';
import { StudioError } from '../common/errors';
import type { EngineServices } from '../host/services';
import { describeFsError } from '../image/atomicWrite';
import { validateInpaintModel } from '../host/validateModel';

/**
 * The file `models import` reads must exist and be a file: said in words that name it, before the store
 * is touched (not a raw ENOENT).
 * @throws StudioError PARAM_INVALID naming the file.
 */
async function checkImportFile(file: string): Promise<void> {
  const st = await stat(file).catch((e: NodeJS.ErrnoException) => e);
  if (st instanceof Error) {
    const why = st.code === 'ENOENT' ? 'the file does not exist' : describeFsError(st, file);
    throw new StudioError('PARAM_INVALID', `Cannot import ${file}: ${why}`, { cause: st });
  }
  if (!st.isFile()) throw new StudioError('PARAM_INVALID', `Cannot import ${file}: it is not a file`);
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

const TRUST_HELP =
  'for a tensor model whose content SHA-256 the manifest does not pin (see `models list`): install it ' +
  `anyway, record its hash and check it from then on (trust on first use; or set ${TRUST_UNPINNED_ENV}=1)`;

/** How the installed model's bytes were checked, for the confirmation line. */
function checkedBy(m: InstalledModel): string {
  switch (m.trust) {
    case undefined:
      return 'SHA-256 verified';
    case 'manifest':
      return `content SHA-256 ${m.contentSha256} verified`;
    case 'source-file':
      return `source file's SHA-256 verified; content SHA-256 ${m.contentSha256} recorded`;
    case 'first-use':
      return `not verifiable: content SHA-256 ${m.contentSha256} recorded on first use and checked from now on`;
  }
}

export function modelsCommands(
  svc: () => EngineServices,
  exit: (code: number) => void,
  signal: AbortSignal,
): Command {
  const models = new Command('models').description('List, download, import and verify models.');
  /** Another process holds the model's lock: say so once on stderr, so a wait never looks like a hang. */
  const say = (message: string) => process.stderr.write(`${message}\n`);

  models
    .command('list')
    .description('List the known and installed models.')
    .option('--json', 'print JSON', false)
    .action(async (flags: { json: boolean }) => {
      const rows = await svc().store.list();
      if (flags.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else {
        process.stdout.write(`Model store: ${svc().store.dir}\n`);
        for (const r of rows) {
          const note =
            r.kind === 'tensors' && !r.installed && r.unpinned
              ? '  (content hash not pinned: `models import` the source file, or download with --trust-on-first-use)'
              : r.trust === 'first-use'
                ? '  (trusted on first use)'
                : '';
          process.stdout.write(
            `${r.installed ? '*' : ' '} ${r.id.padEnd(22)} ${mb(r.bytes).padStart(9)}  ${r.installed ? 'installed' : 'not installed'}  ${r.label ?? ''}${note}\n`,
          );
        }
      }
      exit(0);
    });

  models
    .command('download')
    .description(
      'Download a model from its pinned URL, resuming an interrupted download, and verify its SHA-256.',
    )
    .argument('<id>', 'model id (see `models list`)')
    .option(
      '--url <url>',
      'download from this URL instead (a mirror); the size and SHA-256 are still checked',
    )
    .option('--trust-on-first-use', TRUST_HELP)
    .option('--force', 'download again even when the model is installed')
    .action(async (id: string, flags: { url?: string; trustOnFirstUse?: boolean; force?: boolean }) => {
      const tty = process.stderr.isTTY;
      const bar = tty
        ? new cliProgress.SingleBar(
            { format: `${id} [{bar}] {percentage}% {value}/{total} bytes`, stream: process.stderr },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let started = false;
      const m = await svc().store.download(id, {
        signal,
        urlOverride: flags.url,
        force: flags.force,
        trustOnFirstUse: flags.trustOnFirstUse,
        onWaiting: say,
        onProgress: (p) => {
          if (!bar) return;
          if (!started) bar.start(p.total, p.received);
          started = true;
          bar.update(p.received);
        },
      });
      bar?.stop();
      process.stdout.write(`Installed ${id} at ${m.path} (${checkedBy(m)})\n`);
      exit(0);
    });

  models
    .command('import')
    .description(
      'Install a model from a local file (checked against the manifest, or as a custom model of a known ' +
        'convention). For vgg19-conv: a safetensors file (the full timm/torchvision vgg19 file or one ' +
        'holding just the convolutions), whose tensors are checked and extracted.',
    )
    .argument('<id>', 'model id: a manifest id, or a new id for a custom model')
    .argument('<file>', 'the .onnx (or, for a tensor model, .safetensors) file (left untouched)')
    .option(
      '--convention <name>',
      'convention hint for custom models (lama-fixed-rgb, lama-fixed-bgr, lama-dynamic-4ch, migan)',
    )
    .option('--trust-on-first-use', TRUST_HELP)
    .action(async (id: string, file: string, flags: { convention?: string; trustOnFirstUse?: boolean }) => {
      await checkImportFile(file);
      const entry = findModel(id, svc().store.manifest);
      if (entry && isTensorModel(entry)) {
        const m = await svc().store.importFile(id, file, {
          signal,
          trustOnFirstUse: flags.trustOnFirstUse,
          onWaiting: say,
        });
        process.stdout.write(`Installed ${id} at ${m.path} (${checkedBy(m)})\n`);
        exit(0);
        return;
      }
      let convention: string | undefined;
      const m = await svc().store.importFile(id, file, {
        signal,
        onWaiting: say,
        convention: flags.convention,
        validate: async (p) => {
          convention = await validateInpaintModel(p, flags.convention);
          return convention;
        },
      });
      process.stdout.write(`Installed ${id} at ${m.path} (${convention ?? 'verified'})\n`);
      exit(0);
    });

  models
    .command('verify')
    .description(
      'Re-hash every installed model against the manifest (tensor models: each tensor against the pinned or recorded content SHA-256).',
    )
    .action(async () => {
      const results = await svc().store.verify();
      let bad = 0;
      for (const r of results) {
        process.stdout.write(`${r.status.padEnd(9)} ${r.id}${r.message ? `  ${r.message}` : ''}\n`);
        if (r.status !== 'ok') bad++;
      }
      if (results.length === 0) process.stdout.write('No models are installed.\n');
      exit(bad ? 3 : 0);
    });
  return models;
}
