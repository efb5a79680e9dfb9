/** One card per stage: enable toggle, description, and the controls generated from its declaration. */
import { useState } from 'react';
import { ParamControl } from './ParamControl';
import { useEditor, useEditorState } from './useEditor';

export function StagePanel() {
  const infos = useEditorState((s) => s.stageInfos);
  const stages = useEditorState((s) => s.stages);
  const autoRerun = useEditorState((s) => s.autoRerun);
  const editor = useEditor();
  return (
    <section className="panel stage-panel" aria-label="Stages">
      <div className="panel-head">
        <h2>Stages</h2>
        <label className="check small" title="After a run, moving a slider re-runs from that stage on">
          <input
            type="checkbox"
            checked={autoRerun}
            onChange={(e) => editor.setAutoRerun(e.target.checked)}
            data-testid="auto-rerun"
          />
          Live re-run
        </label>
      </div>
      {infos.length === 0 && <p className="muted">Connecting to the engine…</p>}
      {infos.map((info) => {
        const s = stages.find((x) => x.name === info.name);
        return s ? <StageCard key={info.name} name={info.name} /> : null;
      })}
    </section>
  );
}

function StageCard({ name }: { name: string }) {
  const editor = useEditor();
  const info = useEditorState((s) => s.stageInfos.find((i) => i.name === name)!);
  const stage = useEditorState((s) => s.stages.find((x) => x.name === name)!);
  const [open, setOpen] = useState(stage.enabled);
  return (
    <div className={`stage-card${stage.enabled ? ' enabled' : ''}`} data-testid={`stage-${name}`}>
      <div className="stage-head">
        <label className="switch" title={stage.enabled ? 'Disable this stage' : 'Enable this stage'}>
          <input
            type="checkbox"
            checked={stage.enabled}
            onChange={(e) => {
              editor.setStageEnabled(name, e.target.checked);
              if (e.target.checked) setOpen(true);
            }}
            role="switch"
            aria-label={`Enable ${info.label}`}
            data-testid={`stage-toggle-${name}`}
          />
          <span className="knob" />
        </label>
        <button className="stage-title" onClick={() => setOpen(!open)} aria-expanded={open}>
          <strong>{info.label}</strong>
          <span className="chevron">{open ? '▾' : '▸'}</span>
        </button>
      </div>
      {open && (
        <div className="stage-body">
          <p className="muted">{info.description}</p>
          {info.params.map((p) => (
            <ParamControl
              key={p.name}
              stage={name}
              decl={p}
              value={stage.values[p.name] ?? null}
              disabled={!stage.enabled}
            />
          ))}
        </div>
      )}
    </div>
  );
}
