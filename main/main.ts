/**
 * Electron main: one window, the app menu (with Open Recent), native dialogs, and the engine in a
 * utility process. Thin wiring: the logic (IPC gate, file allow-list, recent files, images to open,
 * crash-restart) lives in main/logic and app/host and is tested in plain Node; the renderer acts on the
 * menu and on opened and dropped files (renderer/state/fileControl.ts). Security per Electron's checklist:
 * context isolation, sandbox, no node integration, a strict CSP (header and <meta>), no remote content and
 * file:// only inside the app's folder (main/logic/webGuards.ts), every permission denied, navigation and
 * new windows denied, external links only from an allow-list, every IPC message validated, and the
 * packaging fuses of electron-builder.yml.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BrowserWindow, Menu, app, dialog, ipcMain, session, shell, utilityProcess } from 'electron';
import { asStudioError } from '../app/common/errors';
import { CONTENT_SECURITY_POLICY } from '../app/contract/security';
import { IPC, SHELL_METHODS, type EventName, type EventPayload } from '../app/contract/schemas';
import { EngineBridge, type EngineChild } from '../app/host/engineBridge';
import { appMenuTemplate } from './logic/appMenu';
import { FileAccess } from './logic/fileAccess';
import { guardInvoke, isTrustedSender } from './logic/ipcGuard';
import { IMAGE_EXTENSIONS, PendingOpens, imagePathsInArgv } from './logic/openFiles';
import { RecentFiles, jsonRecentStore, recentLabel } from './logic/recentFiles';
import {
  denyAllPermissions,
  isAllowedExternalUrl,
  isAllowedRequestUrl,
  saveDialogDefaultPath,
} from './logic/webGuards';

const here = __dirname;
const INDEX = path.join(here, '..', 'renderer', 'index.html');
const APP_URL = `file://${INDEX.split(path.sep).join('/')}`;
const files = new FileAccess();
let win: BrowserWindow | undefined;
let recent: RecentFiles | undefined;
/** The folder of the last save dialog (the page proposes a file name only, never a folder). */
let saveFolder: string | undefined;

function emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
  win?.webContents.send(IPC.event, name, payload);
}

/** Images main opens in the page (Open Recent, the system's open-file, the command line): granted, sent. */
const pending = new PendingOpens((p) => {
  files.grant(p, 'read');
  emit('onOpenFile', { path: p });
});
// macOS: a file opened with the app (Finder, the Dock's recent documents); may come before `ready`.
app.on('open-file', (event, p) => {
  event.preventDefault();
  pending.open(p);
});

/** An image opened: first in Open Recent (and the system's recent documents). */
function opened(p: string): void {
  app.addRecentDocument(p);
  if (recent?.add(p)) menu();
}

/** An image that failed to open and is gone: out of Open Recent. */
function openFailed(p: string): void {
  if (!existsSync(p) && recent?.remove(p)) menu();
}

function forkEngine(): EngineChild {
  const child = utilityProcess.fork(path.join(here, 'engine.cjs'), [], {
    serviceName: 'Inpaint Studio engine',
    env: {
      ...process.env,
      INPAINT_STUDIO_MODELS:
        process.env.INPAINT_STUDIO_MODELS ?? path.join(app.getPath('userData'), 'models'),
      INPAINT_STUDIO_SESSION_DIR: path.join(app.getPath('userData'), 'session'),
    },
  });
  return {
    postMessage: (m) => child.postMessage(m),
    on: ((event: 'message' | 'exit', listener: (v: unknown) => void) => {
      if (event === 'message') child.on('message', listener);
      // Electron reports the exit code only (a signal shows as a code).
      else child.on('exit', (code: number) => listener(code));
    }) as EngineChild['on'],
    kill: () => child.kill(),
  };
}

async function shellMethod(method: keyof typeof SHELL_METHODS, raw: unknown): Promise<unknown> {
  const params = SHELL_METHODS[method].params.parse(raw) as Record<string, string>;
  if (method === 'showOpenDialog') {
    const filters =
      params.kind === 'model'
        ? [{ name: 'ONNX model', extensions: ['onnx'] }]
        : [{ name: 'Images', extensions: [...IMAGE_EXTENSIONS] }];
    const r = await dialog.showOpenDialog(win!, { properties: ['openFile'], filters });
    const p = r.canceled ? null : r.filePaths[0];
    if (p) files.grant(p, 'read');
    return { path: p };
  }
  saveFolder ??= app.getPath('pictures');
  const r = await dialog.showSaveDialog(win!, {
    defaultPath: saveDialogDefaultPath(params.suggestedName, saveFolder),
  });
  const p = r.canceled || !r.filePath ? null : r.filePath;
  if (p) {
    files.grant(p, 'write');
    saveFolder = path.dirname(p);
  }
  return { path: p };
}

function menu(): void {
  const template = appMenuTemplate({
    send: (command) => emit('onMenu', { command }),
    recent: (recent?.list() ?? []).map((p) => ({ label: recentLabel(p), open: () => pending.open(p) })),
    clearRecent: () => {
      recent?.clear();
      app.clearRecentDocuments();
      menu();
    },
    platform: process.platform,
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/** The window, the engine and the page's rules, once Electron is ready. */
function start(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
  // No remote content at all, and file:// only inside the app's own folder.
  const appDir = path.dirname(INDEX);
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRequestUrl(details.url, appDir) });
  });
  denyAllPermissions(session.defaultSession);
  const bridge = new EngineBridge({ fork: forkEngine, emit });
  ipcMain.handle(IPC.invoke, async (event, method: string, params: unknown) => {
    const sender = event.senderFrame?.url ?? '';
    try {
      if (method in SHELL_METHODS) {
        if (!isTrustedSender(sender, APP_URL))
          throw new Error(`Refused a message from an unexpected sender: ${sender}`);
        return { ok: true, result: await shellMethod(method as keyof typeof SHELL_METHODS, params) };
      }
      const g = guardInvoke(sender, APP_URL, method, params, files);
      const file = g.method === 'openImage' ? (g.params as { path: string }).path : null;
      try {
        const result = await bridge.request(g.method, g.params as Record<string, unknown>);
        if (file) opened(file);
        return { ok: true, result };
      } catch (e) {
        if (file) openFailed(file);
        throw e;
      }
    } catch (e) {
      // Errors cross as {code, message} (an Error's own properties do not survive the bridge).
      return { ok: false, error: asStudioError(e, 'PARAM_INVALID').toWire() };
    }
  });
  ipcMain.on(IPC.drop, (event, p: unknown) => {
    if (typeof p !== 'string' || !isTrustedSender(event.senderFrame?.url ?? '', APP_URL)) return;
    files.grant(p, 'read');
    emit('onFileDropped', { path: p });
  });
  recent = new RecentFiles(jsonRecentStore(path.join(app.getPath('userData'), 'recent-files.json')));
  menu();
  const launched = imagePathsInArgv(process.argv).at(-1);
  if (launched) pending.open(launched);
  win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Inpaint Studio',
    webPreferences: {
      preload: path.join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  // The page's beforeunload holds back a reload or close while work is not exported; Electron shows no
  // question of its own (it would just stay), so main asks, and leaving goes on when the user says so.
  win.webContents.on('will-prevent-unload', (e) => {
    const choice = dialog.showMessageBoxSync(win!, {
      type: 'question',
      buttons: ['Discard changes', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      title: 'Discard your changes?',
      message: 'The image has changes that are not exported.',
      detail: 'Leaving now discards them.',
    });
    if (choice === 0) e.preventDefault();
  });
  win.webContents.on('did-start-loading', () => pending.pageLoading());
  // The page listens now: tell it the engine's state (it may have crashed, or been given up on, before
  // the page loaded), then hand it the image waiting to open.
  win.webContents.on('did-finish-load', () => {
    emit('onEngineState', bridge.engineState());
    pending.pageLoaded();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  // A missing or broken renderer build would leave a blank window: say so and quit.
  win.loadFile(INDEX).catch((e: unknown) => {
    dialog.showErrorBox(
      'Inpaint Studio could not open its window',
      `${INDEX} could not be loaded (${e instanceof Error ? e.message : String(e)}). Run \`npm run build\` first.`,
    );
    app.exit(1);
  });
  app.on('before-quit', () => bridge.dispose());
}

app.enableSandbox();
// A start that fails (the engine cannot be spawned, a folder cannot be made) says why and quits, rather
// than leaving a process with no window and the error in a log nobody sees.
app
  .whenReady()
  .then(start)
  .catch((e: unknown) => {
    dialog.showErrorBox('Inpaint Studio could not start', e instanceof Error ? e.message : String(e));
    app.exit(1);
  });
app.on('window-all-closed', () => app.quit());
