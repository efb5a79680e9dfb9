// main/'s logic in plain Node: the IPC gate and the file allow-list (the crash-restart bridge it shares
// with the browser host is tested in app/host/engineBridge.test.ts).
import { describe, expect, it } from 'vitest';
import { FileAccess } from './fileAccess';
import { guardInvoke, isTrustedSender } from './ipcGuard';

const APP = 'file:///opt/inpaint-studio/resources/app.asar/dist/renderer/index.html';

describe('ipc gate', () => {
  it('accepts only our page as sender', () => {
    expect(isTrustedSender(APP, APP)).toBe(true);
    expect(isTrustedSender('file:///tmp/evil.html', APP)).toBe(false);
    expect(isTrustedSender('https://example.com/', APP)).toBe(false);
    expect(isTrustedSender('http://127.0.0.1:5173/x', 'http://127.0.0.1:5173/')).toBe(true);
    expect(isTrustedSender('not a url', APP)).toBe(false);
  });

  it('rejects an unexpected sender, an unknown method and a bad payload by name', () => {
    const files = new FileAccess();
    expect(() => guardInvoke('https://evil.example/', APP, 'engineInfo', {}, files)).toThrow(
      /unexpected sender/,
    );
    expect(() => guardInvoke(APP, APP, 'deleteEverything', {}, files)).toThrow(
      /Unknown method "deleteEverything"/,
    );
    expect(() => guardInvoke(APP, APP, 'run', { jobId: 1 }, files)).toThrow(/Invalid parameters for run/);
  });

  it('lets the renderer touch only files the user chose', () => {
    const files = new FileAccess();
    expect(() => guardInvoke(APP, APP, 'openImage', { path: '/home/u/photo.jpg' }, files)).toThrow(
      /was not granted/,
    );
    files.grant('/home/u/photo.jpg', 'read');
    expect(guardInvoke(APP, APP, 'openImage', { path: '/home/u/x/../photo.jpg' }, files).method).toBe(
      'openImage',
    );
    // A read grant is not a write grant.
    expect(() =>
      guardInvoke(APP, APP, 'exportImage', { resultId: 'r', path: '/home/u/photo.jpg' }, files),
    ).toThrow(/for writing was not granted/);
    files.grant('/home/u/photo-inpainted.png', 'write');
    expect(() =>
      guardInvoke(APP, APP, 'exportImage', { resultId: 'r', path: '/home/u/photo-inpainted.png' }, files),
    ).not.toThrow();
  });
});
