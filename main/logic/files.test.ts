// main/'s Open Recent list and the images it asks the page to open, in plain Node.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PendingOpens, imagePathsInArgv, isImagePath } from './openFiles';
import { RecentFiles, jsonRecentStore, recentLabel } from './recentFiles';

describe('recent files', () => {
  it('keeps the opened images most recent first, once each, at most ten, across launches', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'recent-'));
    const file = path.join(dir, 'sub', 'recent-files.json');
    const r = new RecentFiles(jsonRecentStore(file));
    expect(r.list()).toEqual([]);
    expect(r.add('/p/a.jpg')).toBe(true);
    r.add('/p/b.png');
    expect(r.add('/p/x/../a.jpg')).toBe(true);
    expect(r.add('/p/a.jpg')).toBe(false);
    expect(r.list()).toEqual(['/p/a.jpg', '/p/b.png']);
    for (let i = 0; i < 12; i++) r.add(`/p/${i}.png`);
    expect(r.list()).toHaveLength(10);
    expect(r.list()[0]).toBe('/p/11.png');
    // A new launch reads them back.
    expect(new RecentFiles(jsonRecentStore(file)).list()).toEqual(r.list());
    expect(r.remove('/p/11.png')).toBe(true);
    expect(r.remove('/p/11.png')).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8'))[0]).toBe('/p/10.png');
    r.clear();
    expect(new RecentFiles(jsonRecentStore(file)).list()).toEqual([]);
  });

  it('reads a damaged or foreign file as an empty list, keeping only paths', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'recent-'));
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{not json');
    expect(new RecentFiles(jsonRecentStore(bad)).list()).toEqual([]);
    const odd = path.join(dir, 'odd.json');
    writeFileSync(odd, JSON.stringify(['/a.png', 3, null, '', '/a.png', { p: 1 }]));
    expect(new RecentFiles(jsonRecentStore(odd)).list()).toEqual(['/a.png']);
    expect(recentLabel('/home/u/photo.jpg')).toBe('photo.jpg — /home/u');
  });
});

describe('images to open', () => {
  it('waits for the page to load, and delivers only the latest image', () => {
    const sent: string[] = [];
    const p = new PendingOpens((f) => sent.push(f));
    p.open('/a.png');
    p.open('/b.png');
    expect(sent).toEqual([]);
    p.pageLoaded();
    expect(sent).toEqual(['/b.png']);
    p.open('/c.png');
    expect(sent).toEqual(['/b.png', '/c.png']);
    // A reload: hold until it has loaded again.
    p.pageLoading();
    p.open('/d.png');
    expect(sent).toHaveLength(2);
    p.pageLoaded();
    expect(sent.at(-1)).toBe('/d.png');
    p.pageLoaded();
    expect(sent).toHaveLength(3);
  });

  it('finds the image files on a command line, skipping options and the app folder', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'argv-'));
    writeFileSync(path.join(dir, 'photo.JPG'), 'x');
    writeFileSync(path.join(dir, 'notes.txt'), 'x');
    const argv = ['/usr/bin/electron', '.', '--no-sandbox', 'photo.JPG', 'notes.txt', 'missing.png'];
    expect(imagePathsInArgv(argv, dir)).toEqual([path.join(dir, 'photo.JPG')]);
    expect(isImagePath('/x/scan.tiff')).toBe(true);
    expect(isImagePath('/x/model.onnx')).toBe(false);
  });
});
