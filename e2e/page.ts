/** Small helpers the end-to-end specs share: the editor's state read from the page, and pixels on it. */
import type { Page } from '@playwright/test';
import { fitTransform, toView } from '../renderer/canvas/viewport';
import { SCENE } from './fixtures/scene';

export interface RunSnapshot {
  status: string;
  jobId: string | null;
  resultId: string | null;
  stages: { name: string; state: string; info?: Record<string, unknown> }[];
}

/** The editor's state that the specs check (the editor is plain TypeScript; see renderer/main.tsx). */
export interface EditorView {
  run: RunSnapshot;
  imageId: string | null;
  maskArea: number;
  engineHealth: string;
  models: { id: string; installed: boolean; state: string }[];
}

export function editorView(page: Page): Promise<EditorView> {
  return page.evaluate(() => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const editor = (window as unknown as { inpaintStudio: { editor: any } }).inpaintStudio.editor;
    const s = editor.getSnapshot();
    return {
      run: s.run,
      imageId: s.doc?.imageId ?? null,
      maskArea: editor.mask?.mask.area() ?? 0,
      engineHealth: s.engineStatus.health,
      models: s.models.map((m: { id: string; installed: boolean; state: string }) => ({
        id: m.id,
        installed: m.installed,
        state: m.state,
      })),
    };
  });
}

/** Waits for a run other than `previousJob` to reach `status`. */
export async function waitForRun(
  page: Page,
  previousJob: string | null,
  status = 'done',
): Promise<EditorView> {
  await page.waitForFunction(
    ([prev, want]) => {
      const s = (
        window as unknown as {
          inpaintStudio: { editor: { getSnapshot(): { run: { jobId: string | null; status: string } } } };
        }
      ).inpaintStudio.editor.getSnapshot();
      return s.run.jobId !== prev && s.run.status === want;
    },
    [previousJob, status] as const,
    { timeout: 60_000 },
  );
  return editorView(page);
}

/** Page coordinates of a pixel of the test scene, with the view fitted (the toolbar's Fit). */
export async function sceneToPage(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const box = (await page.getByTestId('canvas-host').boundingBox())!;
  const t = fitTransform(SCENE.width, SCENE.height, Math.floor(box.width), Math.floor(box.height));
  const v = toView(t, x, y);
  return { x: box.x + v.x, y: box.y + v.y };
}

/** Paints a vertical stroke with the mouse over the scene's column x from y0 to y1 (one gesture). */
export async function paintStroke(page: Page, x: number, y0: number, y1: number): Promise<void> {
  const start = await sceneToPage(page, x, y0);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  for (let y = y0; y <= y1; y += 6) {
    const p = await sceneToPage(page, x + (y % 12 ? 3 : -3), y);
    await page.mouse.move(p.x, p.y);
  }
  await page.mouse.up();
}
