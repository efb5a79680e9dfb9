/**
 * The `inpaint-studio` command. Exit codes: 0 success; 2 bad input (the message names the file or
 * parameter and the problem); 3 missing or corrupted model; 1 anything else.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { asStudioError, exitCodeFor } from '../common/errors';
import { createEngineServices, type EngineServices } from '../host/services';
import { PROVIDER_ORDER, type ProviderName } from '../ort/types';
import { STAGES, DEFAULT_STAGE_LIST } from '../stages/registry';
import { modelsCommands } from './modelsCommand';
import { runCommand } from './runCommand';
import { describeParam } from './stageFlags';

const intArg = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(
      `Expected an integer between ${min} and ${max} for ${name} but received ${JSON.stringify(v)}`,
    );
  }
  return n;
};

const collect = (v: string, prev: string[]) => [...prev, v];

function colorProfileArg(v: string): 'keep' | 'srgb' {
  if (v !== 'keep' && v !== 'srgb') {
    throw new InvalidArgumentError(
      `Expected keep or srgb for --color-profile but received ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function providersArg(v: string): ProviderName[] {
  const list = v.split(',').map((s) => s.trim()) as ProviderName[];
  for (const p of list) {
    if (!PROVIDER_ORDER.includes(p))
      throw new InvalidArgumentError(
        `Expected providers from ${PROVIDER_ORDER.join(', ')} but received ${JSON.stringify(p)}`,
      );
  }
  return list;
}

export function buildProgram(exit: (code: number) => void): Command {
  let services: EngineServices | undefined;
  const program = new Command('inpaint-studio')
    .description('Inpaint Studio engine: fill holes in photographs with LaMa and correct the result.')
    .option(
      '--models-dir <dir>',
      'model store folder (default: $INPAINT_STUDIO_MODELS or the user data folder)',
    )
    .option('--threads <n>', 'ONNX Runtime intra-op threads (0 = all cores)', intArg('--threads', 0, 256), 0)
    .addOption(
      new Option(
        '--providers <list>',
        `execution providers to try, in order (default ${PROVIDER_ORDER.join(',')})`,
      ).argParser(providersArg),
    )
    .showHelpAfterError()
    .exitOverride();
  const svc = () => {
    const o = program.opts<{ modelsDir?: string; threads: number; providers?: ProviderName[] }>();
    services ??= createEngineServices({ modelsDir: o.modelsDir, threads: o.threads, providers: o.providers });
    return services;
  };
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());

  program
    .command('run')
    .description('Fill the masked part of an image (or of every image in a folder) and write the result.')
    .requiredOption('--image <path>', 'input image (PNG, JPEG, WebP, TIFF) or a folder of images')
    .requiredOption(
      '--mask <path>',
      'mask image (white or opaque = fill), or a folder of masks paired by file name',
    )
    .requiredOption('--out <path>', 'output file (format from its extension), or a folder for batch runs')
    .option(
      '--sample-mask <path>',
      "sampling area, the image's size: white = the fill and the corrections may sample there, black = they may not (as Content-Aware Fill's); default anywhere outside the hole",
    )
    .option(
      '--stages <list>',
      `comma-separated stages to run (available: ${STAGES.map((s) => s.name).join(', ')}); they run in the chain's order: the fill, corrections that replace content, colour, corrections that add detail, auto`,
      DEFAULT_STAGE_LIST.join(','),
    )
    .option(
      '--set <stage.param=value>',
      'set a stage parameter (repeatable); see `inpaint-studio stages`',
      collect,
      [],
    )
    .option(
      '--model <id>',
      'inpainting model id (see `models list`; generated-* ids are built-in test networks)',
    )
    .option('--seed <n>', 'random seed', intArg('--seed', 0, 2 ** 31 - 1), 0)
    .option('--quality <n>', 'JPEG/WebP quality 1..100', intArg('--quality', 1, 100))
    .option(
      '--color-profile <mode>',
      "keep: the input's colour values and ICC profile; srgb: convert them to sRGB",
      colorProfileArg,
      'keep',
    )
    .option('--strip-location', 'leave out location data (EXIF GPS, XMP GPS properties)', false)
    .option('--json', 'print JSON lines of progress and a final summary', false)
    .action(async (flags) => exit(await runCommand(flags, svc(), ac.signal)));

  program
    .command('stages')
    .description('List the stages and their parameters with ranges and defaults.')
    .option('--json', 'print the declarations as JSON', false)
    .action((flags: { json: boolean }) => {
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify(
            STAGES.map((s) => ({
              name: s.name,
              label: s.label,
              description: s.description,
              params: s.params.params,
            })),
            null,
            2,
          )}\n`,
        );
      } else {
        for (const s of STAGES) {
          process.stdout.write(`${s.name} — ${s.label}\n  ${s.description}\n`);
          for (const p of s.params.params) process.stdout.write(`${describeParam(s.name, p)}\n`);
        }
      }
      exit(0);
    });

  program.addCommand(modelsCommands(svc, exit, ac.signal));
  // Commands built apart from `program` do not inherit its settings: apply them to the whole tree.
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const c of all(program)) c.exitOverride().showHelpAfterError();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    const ce = e as { code?: string; exitCode?: number };
    if (typeof ce.code === 'string' && ce.code.startsWith('commander.')) {
      if (
        ce.code === 'commander.helpDisplayed' ||
        ce.code === 'commander.version' ||
        ce.code === 'commander.help'
      )
        return 0;
      return 2;
    }
    const err = asStudioError(e);
    process.stderr.write(`error: ${err.message}\n`);
    return err.code === 'CANCELLED' ? 130 : exitCodeFor(err.code);
  }
}
