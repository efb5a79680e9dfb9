/** Progress output of the CLI: a bar on a terminal, JSON lines with --json, nothing otherwise. */
import cliProgress from 'cli-progress';
import { describeStage } from '../contract/stageInfoText';
import type { PipelineEvent } from '../pipeline/run';

export interface Reporter {
  event(e: PipelineEvent, file?: string): void;
  line(obj: Record<string, unknown>): void;
  message(text: string): void;
  done(): void;
}

export function createReporter(json: boolean, stream: NodeJS.WriteStream = process.stderr): Reporter {
  if (json) {
    const write = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
    return {
      event(e, file) {
        const { ...rest } = e as Record<string, unknown>;
        delete rest.preview;
        // What the stage did in words (app/contract/stageInfoText.ts), beside its info.
        if (e.type === 'stage-end') {
          const text = describeStage(e.stage, e.info);
          if (text) rest.text = text;
        }
        write(file ? { file, ...rest } : rest);
      },
      line: write,
      message: (text) => write({ type: 'message', message: text }),
      done() {},
    };
  }
  const tty = Boolean(stream.isTTY);
  let bar: cliProgress.SingleBar | undefined;
  return {
    event(e) {
      if (e.type === 'log') stream.write(`${e.stage}: ${e.message}\n`);
      // One line of what the stage did, in the editor's words (app/contract/stageInfoText.ts).
      const said = () => {
        const text = e.type === 'stage-end' ? describeStage(e.stage, e.info) : null;
        if (text) stream.write(`  ${text.summary}\n`);
      };
      if (!tty) {
        if (e.type === 'stage-end') {
          stream.write(`${e.stage}: ${e.cached ? 'cached' : `${Math.round(e.ms)} ms`}\n`);
          said();
        }
        return;
      }
      if (e.type === 'stage-start') {
        bar = new cliProgress.SingleBar(
          {
            format: `${e.stage.padEnd(10)} [{bar}] {percentage}% {msg}`,
            hideCursor: true,
            stream,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(1, 0, { msg: '' });
      } else if (e.type === 'progress' && bar) {
        bar.setTotal(e.total);
        bar.update(e.step, { msg: e.message ?? '' });
      } else if (e.type === 'stage-end' && bar) {
        bar.update(bar.getTotal(), { msg: e.cached ? 'cached' : `${Math.round(e.ms)} ms` });
        bar.stop();
        bar = undefined;
        said();
      }
    },
    line() {},
    message: (text) => stream.write(`${text}\n`),
    done() {
      bar?.stop();
    },
  };
}
