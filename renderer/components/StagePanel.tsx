/**
 * The settings panel, short by default: the fill (its engine, and LaMa's state with a Download button),
 * Auto-correct (a switch, on by default, with a one-line summary of what it did), and per correction a
 * switch with its basic controls. Everything else is under "Advanced": one card per stage with the
 * controls generated from its declaration, showing only those that apply to the current settings.
 */
import { useEffect, useState } from 'react';
import {
  AUTO_STAGE,
  advancedParams,
  autoCorrectReport,
  basicParams,
  visibleParams,
  type StageInfo,
} from '../state/params';
import { LamaStatus, showModelsPanel } from './LamaStatus';
import { ParamControl } from './ParamControl';
import { StageDescription } from './StageDescription';
import { useEditor, useEditorState } from './useEditor';

/** Plain names for the corrections in the short panel (the stage's own label otherwise). */
const PLAIN_NAMES: Record<string, string> = {
  blockmatch: 'Add missing detail',
  texture: 'Texture',
  color: 'Match colours',
};
/** One line per correction: what it does for the picture. */
const PLAIN_HELP: Record<string, string> = {
  blockmatch: 'Adds the fine detail a blurry fill lacks, copied from matching areas nearby.',
  texture: 'Re-synthesises a grass-, sand- or gravel-like texture inside the hole.',
  color: 'Matches the fill’s colours to its surroundings.',
};

export function StagePanel() {
  const infos = useEditorState((s) => s.stageInfos);
  if (infos.length === 0) {
    return (
      <section className="panel stage-panel" aria-label="Settings">
        <p className="muted">Connecting to the engine…</p>
      </section>
    );
  }
  const [fill, ...rest] = infos;
  const auto = rest.find((i) => i.name === AUTO_STAGE);
  const corrections = rest.filter((i) => i.name !== AUTO_STAGE);
  return (
    <section className="panel stage-panel" aria-label="Settings" data-testid="settings-panel">
      <FillSection info={fill} />
      <section className="panel-section" aria-label="Corrections" data-testid="corrections">
        <div className="panel-head">
          <h2>Corrections</h2>
        </div>
        {auto && <AutoCorrect info={auto} />}
        {corrections.map((info) => (
          <CorrectionRow key={info.name} info={info} />
        ))}
      </section>
      <Advanced infos={infos} />
    </section>
  );
}

function FillSection({ info }: { info: StageInfo }) {
  const stage = useEditorState((s) => s.stages.find((x) => x.name === info.name));
  if (!stage) return null;
  return (
    <section className="panel-section" aria-label="Fill" data-testid="fill-section">
      <div className="panel-head">
        <span className="correction-head">
          <StageSwitch info={info} shown="the fill" />
          <h2>Fill</h2>
        </span>
        <button
          className="link small"
          onClick={showModelsPanel}
          title="Installed models, downloads and import"
          data-testid="goto-models"
        >
          Models ↓
        </button>
      </div>
      <LamaStatus where="panel" />
      {basicParams(info).map((p) => (
        <ParamControl
          key={p.name}
          stage={info.name}
          decl={p}
          value={stage.values[p.name] ?? null}
          disabled={!stage.enabled}
          plain
        />
      ))}
    </section>
  );
}

/** A stage's on/off switch, named after the stage ("Enable Colour correction"); one per stage. */
function StageSwitch({ info, shown }: { info: StageInfo; shown: string }) {
  const editor = useEditor();
  const enabled = useEditorState((s) => s.stages.find((x) => x.name === info.name)?.enabled ?? false);
  return (
    <label className="switch" title={enabled ? `Turn ${shown} off` : `Turn ${shown} on`}>
      <input
        type="checkbox"
        checked={enabled}
        onChange={(e) => editor.runs.setStageEnabled(info.name, e.target.checked)}
        role="switch"
        aria-label={`Enable ${info.label}`}
        data-testid={`stage-toggle-${info.name}`}
      />
      <span className="knob" />
    </label>
  );
}

function AutoCorrect({ info }: { info: StageInfo }) {
  const stage = useEditorState((s) => s.stages.find((x) => x.name === info.name));
  const run = useEditorState((s) => s.run);
  if (!stage) return null;
  const report = autoCorrectReport(run);
  const perHole = report?.holes.map((h, i) => `Hole ${i + 1}: ${h.reason}`).join('\n');
  return (
    <div className={`correction auto${stage.enabled ? ' enabled' : ''}`} data-testid="auto-correct">
      <div className="correction-head">
        <StageSwitch info={info} shown="Auto-correct" />
        <strong>Auto-correct</strong>
      </div>
      <p className="summary" title={perHole || undefined} data-testid="auto-summary">
        {!stage.enabled
          ? 'Off: the fill is left as it is.'
          : report
            ? report.summary
            : 'After the fill, per hole: keeps the correction that fits the surroundings best, or none.'}
      </p>
      {stage.enabled &&
        basicParams(info).map((p) => (
          <ParamControl key={p.name} stage={info.name} decl={p} value={stage.values[p.name] ?? null} plain />
        ))}
    </div>
  );
}

function CorrectionRow({ info }: { info: StageInfo }) {
  const stage = useEditorState((s) => s.stages.find((x) => x.name === info.name));
  if (!stage) return null;
  const label = PLAIN_NAMES[info.name] ?? info.label;
  const shown = visibleParams(info, stage.values, basicParams(info)).slice(0, 2);
  return (
    <div
      className={`correction${stage.enabled ? ' enabled' : ''}`}
      data-testid={`correction-${info.name}`}
      title={PLAIN_HELP[info.name] ?? undefined}
    >
      <div className="correction-head">
        <StageSwitch info={info} shown={label} />
        <strong>{label}</strong>
      </div>
      {stage.enabled &&
        shown.map((p) => (
          <ParamControl key={p.name} stage={info.name} decl={p} value={stage.values[p.name] ?? null} plain />
        ))}
    </div>
  );
}

function Advanced({ infos }: { infos: StageInfo[] }) {
  const editor = useEditor();
  const autoRerun = useEditorState((s) => s.autoRerun);
  const [open, setOpen] = useState(false);
  return (
    <section className={`panel-section advanced${open ? ' open' : ''}`} aria-label="Advanced">
      <button
        className="advanced-toggle"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        data-testid="advanced-toggle"
      >
        <span className="chevron">{open ? '▾' : '▸'}</span> Advanced
        <span className="muted small"> every setting, per stage</span>
      </button>
      {open && (
        <div className="advanced-body" data-testid="advanced">
          <label className="check small" title="After a run, moving a slider re-runs from that stage on">
            <input
              type="checkbox"
              checked={autoRerun}
              onChange={(e) => editor.runs.setAutoRerun(e.target.checked)}
              data-testid="auto-rerun"
            />
            Live re-run
          </label>
          {infos.map((info) => (
            <StageCard key={info.name} info={info} />
          ))}
        </div>
      )}
    </section>
  );
}

/** A stage's every other setting (its switch is in the short panel above). */
function StageCard({ info }: { info: StageInfo }) {
  const stage = useEditorState((s) => s.stages.find((x) => x.name === info.name));
  const enabled = stage?.enabled ?? false;
  const [open, setOpen] = useState(enabled);
  // Turning a stage on (in the short panel) opens its card here.
  useEffect(() => {
    if (enabled) setOpen(true);
  }, [enabled]);
  if (!stage) return null;
  const params = visibleParams(info, stage.values, advancedParams(info));
  const hidden = advancedParams(info).length - params.length;
  return (
    <div className={`stage-card${stage.enabled ? ' enabled' : ''}`} data-testid={`stage-${info.name}`}>
      <div className="stage-head">
        <button className="stage-title" onClick={() => setOpen(!open)} aria-expanded={open}>
          <strong>{info.label}</strong>
          <span className="muted small">{stage.enabled ? 'on' : 'off'}</span>
          <span className="chevron">{open ? '▾' : '▸'}</span>
        </button>
      </div>
      {open && (
        <div className="stage-body">
          <StageDescription text={info.description} name={info.name} label={info.label} />
          {params.length === 0 && <p className="muted small">No further settings.</p>}
          {params.map((p) => (
            <ParamControl
              key={p.name}
              stage={info.name}
              decl={p}
              value={stage.values[p.name] ?? null}
              disabled={!stage.enabled}
            />
          ))}
          {hidden > 0 && (
            <p className="muted small" data-testid={`stage-${info.name}-hidden`}>
              {hidden} {hidden === 1 ? 'setting applies' : 'settings apply'} only with other choices above.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
