/** `inpaint-studio models list | download ID | import ID FILE | verify`. */
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { EngineServices } from '../host/services';
import { validateInpaintModel } from '../host/validateModel';

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

export function modelsCommands(
  svc: () => EngineServices,
  exit: (code: number) => void,
  signal: AbortSignal,
): Command {
  const models = new Command('models').description('List, download, import and verify models.');

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
          process.stdout.write(
            `${r.installed ? '*' : ' '} ${r.id.padEnd(22)} ${mb(r.bytes).padStart(9)}  ${r.installed ? 'installed' : 'not installed'}  ${r.label ?? ''}\n`,
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
    .action(async (id: string, flags: { url?: string }) => {
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
        onProgress: (p) => {
          if (!bar) return;
          if (!started) bar.start(p.total, p.received);
          started = true;
          bar.update(p.received);
        },
      });
      bar?.stop();
      process.stdout.write(`Installed ${id} at ${m.path} (SHA-256 verified)\n`);
      exit(0);
    });

  models
    .command('import')
    .description(
      'Install a model from a local file (checked against the manifest, or as a custom model of a known convention).',
    )
    .argument('<id>', 'model id: a manifest id, or a new id for a custom model')
    .argument('<file>', 'the .onnx file (left untouched)')
    .option(
      '--convention <name>',
      'convention hint for custom models (lama-fixed-rgb, lama-fixed-bgr, lama-dynamic-4ch, migan)',
    )
    .action(async (id: string, file: string, flags: { convention?: string }) => {
      let convention: string | undefined;
      const m = await svc().store.importFile(id, file, {
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
    .description('Re-hash every installed model against its recorded SHA-256.')
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
