/**
 * The banner over the canvas when the engine process stopped: why, that the work is kept, and the
 * restart; once the host gave up on the engine (a crash loop), a button to start it again. Otherwise,
 * while no LaMa model is installed, the LaMa notice with its Download button (until the user downloads
 * it or chooses to work offline): the first screen says so where the user looks.
 */
import { hasInpaintModel, lamaModel } from '../state/modelControl';
import { LamaStatus } from './LamaStatus';
import { useEditor, useEditorState } from './useEditor';

const ICON = { info: '✓', warning: '⟳', error: '⚠' } as const;

export function EngineBanner() {
  const editor = useEditor();
  const banner = useEditorState((s) => s.engineStatus.banner);
  const health = useEditorState((s) => s.engineStatus.health);
  const showLama = useEditorState(
    (s) => !s.modelNoticeDismissed && !hasInpaintModel(s.models) && lamaModel(s.models) !== null,
  );
  if (!banner) {
    if (!showLama) return null;
    return (
      <div className="engine-banner lama-banner" data-testid="lama-banner">
        <LamaStatus where="banner" />
      </div>
    );
  }
  return (
    <div
      className={`engine-banner ${banner.tone}`}
      role="alert"
      data-testid="engine-banner"
      data-health={health}
    >
      <span className={`icon${health === 'restarting' ? ' spin' : ''}`} aria-hidden="true">
        {ICON[banner.tone]}
      </span>
      <span className="text">{banner.text}</span>
      {banner.action === 'restartEngine' && (
        <button
          className="small"
          onClick={() => void editor.restartEngine()}
          data-testid="engine-banner-restart"
        >
          Restart engine
        </button>
      )}
      {banner.dismissible && (
        <button
          className="small"
          onClick={() => editor.dismissEngineBanner()}
          aria-label="Close"
          data-testid="engine-banner-close"
        >
          ✕
        </button>
      )}
    </div>
  );
}
