/**
 * The execution providers as the editor shows them (pure functions): the Models panel lists those the
 * engine found available, and the status bar says which device the last run used — from the engine's
 * own report (engineInfo), never a fixed list.
 */
import { stageInfo } from '../../app/common/stageInfo';
import type { EditorState, EngineInfo } from './editorState';

const LABELS: Record<string, string> = { cuda: 'CUDA', dml: 'DirectML', coreml: 'CoreML', cpu: 'CPU' };

/** "cuda" → "CUDA", "dml" → "DirectML"; an unknown name in capitals. */
export function providerLabel(name: string): string {
  return LABELS[name] ?? name.toUpperCase();
}

/** "CPU" or "CUDA, CPU": the providers the engine can use here, in the order it tries them. */
export function availableProviders(engine: EngineInfo | null): string {
  if (!engine) return '—';
  return engine.providers.length ? engine.providers.map(providerLabel).join(', ') : 'none';
}

/** One line per provider the engine cannot use, with the session layer's reason (a tooltip). */
export function unavailableProviders(engine: EngineInfo | null): string {
  return (engine?.providerDetails ?? [])
    .filter((d) => d.status === 'unavailable')
    .map((d) => `${providerLabel(d.name)}: ${d.reason ?? 'unavailable'}`)
    .join('\n');
}

/**
 * The status bar's device: the provider the last run's model used (its stage report, else the engine's
 * lastProvider); "CPU" for a run without a model (the embedded fill runs in the engine's own code);
 * before any run, the provider a run would try first.
 */
export function deviceLabel(s: Pick<EditorState, 'run' | 'engine'>): string {
  const used = stageInfo(s.run.stages, 'lama')?.provider;
  if (used) return providerLabel(used);
  if (s.run.status === 'done') return 'CPU';
  if (s.engine?.lastProvider) return providerLabel(s.engine.lastProvider);
  const first = s.engine?.providers[0];
  return first ? providerLabel(first) : '—';
}
