// The Electron window's guards in plain Node, and the packaging fuses read from electron-builder.yml.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  EXTERNAL_LINKS,
  denyAllPermissions,
  isAllowedExternalUrl,
  isAllowedRequestUrl,
  saveDialogDefaultPath,
  type PermissionSession,
} from './webGuards';

const APP_DIR = path.resolve('/opt/inpaint-studio/resources/app.asar/dist/renderer');
const inApp = (rel: string) => pathToFileURL(path.join(APP_DIR, rel)).href;

describe('file:// requests', () => {
  it("are allowed inside the app's folder only", () => {
    expect(isAllowedRequestUrl(inApp('index.html'), APP_DIR)).toBe(true);
    expect(isAllowedRequestUrl(inApp('assets/index-abc.js'), APP_DIR)).toBe(true);
    expect(isAllowedRequestUrl(pathToFileURL('/etc/passwd').href, APP_DIR)).toBe(false);
    expect(isAllowedRequestUrl(pathToFileURL(`${APP_DIR}-evil/x.js`).href, APP_DIR)).toBe(false);
    expect(isAllowedRequestUrl(`${pathToFileURL(APP_DIR).href}/../../secret.txt`, APP_DIR)).toBe(false);
    expect(isAllowedRequestUrl(`${pathToFileURL(APP_DIR).href}/%2e%2e/%2e%2e/x`, APP_DIR)).toBe(false);
    expect(isAllowedRequestUrl(`${pathToFileURL(APP_DIR).href}/a%2f..%2f..%2fx`, APP_DIR)).toBe(false);
    expect(isAllowedRequestUrl('file://remote-host/share/x.js', APP_DIR)).toBe(false);
  });

  it('refuse remote content and allow devtools, data and blob', () => {
    expect(isAllowedRequestUrl('https://example.com/x.js', APP_DIR)).toBe(false);
    expect(isAllowedRequestUrl('http://127.0.0.1:8080/', APP_DIR)).toBe(false);
    expect(isAllowedRequestUrl('data:image/png;base64,AAAA', APP_DIR)).toBe(true);
    expect(isAllowedRequestUrl('blob:file:///abc', APP_DIR)).toBe(true);
    expect(isAllowedRequestUrl('devtools://devtools/bundled/x.html', APP_DIR)).toBe(true);
  });
});

describe('external links', () => {
  it('open only https pages of the allow-list', () => {
    expect(EXTERNAL_LINKS.length).toBeGreaterThan(0);
    const home = EXTERNAL_LINKS[0];
    expect(isAllowedExternalUrl(home)).toBe(true);
    expect(isAllowedExternalUrl(`${home}/blob/main/README.md`)).toBe(true);
    expect(isAllowedExternalUrl('https://evil.example/')).toBe(false);
    expect(isAllowedExternalUrl(`${home}-evil`)).toBe(false);
    expect(isAllowedExternalUrl(home.replace('https:', 'http:'))).toBe(false);
    expect(isAllowedExternalUrl(`https://user:pw@${new URL(home).host}${new URL(home).pathname}`)).toBe(
      false,
    );
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternalUrl('smb://host/share')).toBe(false);
    expect(isAllowedExternalUrl('not a url')).toBe(false);
  });
});

describe('save dialog', () => {
  it("keeps main's folder whatever name the page proposes", () => {
    const folder = path.resolve('/home/u/Pictures');
    expect(saveDialogDefaultPath('photo-inpainted.png', folder)).toBe(
      path.join(folder, 'photo-inpainted.png'),
    );
    expect(saveDialogDefaultPath('/home/u/.bashrc', folder)).toBe(path.join(folder, '.bashrc'));
    expect(saveDialogDefaultPath('..\\..\\Windows\\win.ini', folder)).toBe(path.join(folder, 'win.ini'));
    expect(saveDialogDefaultPath('../..', folder)).toBe(path.join(folder, 'result.png'));
    expect(saveDialogDefaultPath('a\0b.png', folder)).toBe(path.join(folder, 'a_b.png'));
  });
});

describe('permissions', () => {
  it('are all denied', () => {
    let request: Parameters<PermissionSession['setPermissionRequestHandler']>[0] | undefined;
    let check: Parameters<PermissionSession['setPermissionCheckHandler']>[0] | undefined;
    denyAllPermissions({
      setPermissionRequestHandler: (h) => (request = h),
      setPermissionCheckHandler: (h) => (check = h),
    });
    for (const p of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal']) {
      let granted: boolean | undefined;
      request!(null, p, (g) => (granted = g));
      expect(granted).toBe(false);
      expect(check!(null, p)).toBe(false);
    }
  });
});

describe('packaging fuses', () => {
  it('turn off Node entry points and load only the integrity-checked asar', () => {
    const yml = readFileSync('electron-builder.yml', 'utf8');
    const block = /^electronFuses:\n((?: {2}\S.*\n)+)/m.exec(yml)?.[1] ?? '';
    const fuses = Object.fromEntries(
      block.split('\n').flatMap((l) => {
        const m = /^ {2}(\w+): (true|false)\b/.exec(l);
        return m ? [[m[1], m[2] === 'true']] : [];
      }),
    );
    expect(fuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
    expect(yml).not.toMatch(/^asar: false/m);
  });
});
