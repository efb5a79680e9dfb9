import { describe, expect, it } from 'vitest';
import { classifyHoles, holeComponents } from './stationarity';
import { fixture, hasPhoto, squareMask } from '../testing/fillMetrics';
import { createMask } from './types';

describe('holeComponents', () => {
  it('splits the mask into 8-connected holes with their boxes and sizes', () => {
    const m = createMask(10, 6);
    m.data[0] = m.data[11] = 1; // diagonal neighbours: one hole
    for (let x = 5; x < 8; x++) m.data[3 * 10 + x] = 1;
    const { components, labels } = holeComponents(m);
    expect(components.map((c) => [c.box, c.pixels])).toEqual([
      [{ x: 0, y: 0, width: 2, height: 2 }, 2],
      [{ x: 5, y: 3, width: 3, height: 1 }, 3],
    ]);
    expect(labels[11]).toBe(1);
    expect(labels[35]).toBe(2);
    expect(labels[1]).toBe(0);
  });
});

describe('classifyHoles', () => {
  const textures: [string, number, number, number][] = [
    ['brick.png', 224, 224, 64],
    ['brick.png', 100, 300, 40],
    ['grass.png', 192, 192, 128],
    ['grass.png', 50, 50, 96],
    ['gravel.png', 224, 224, 64],
    ['gravel.png', 350, 100, 32],
  ];
  it.each(textures)('a hole on %s at (%i, %i), side %i, is texture', async (file, x, y, side) => {
    const image = await fixture(file);
    const [c] = classifyHoles(image, squareMask(image.width, image.height, x, y, side));
    expect(c.kind, c.reason).toBe('texture');
    expect(c.basis).toBe('alike');
    expect(c.box).toEqual({ x, y, width: side, height: side });
  });

  const objects: [string, number, number, number][] = [
    ['astronaut.png', 190, 90, 60], // the face
    ['astronaut.png', 280, 330, 48], // badge on the suit's edge
    ['chelsea.png', 140, 85, 60], // an eye
    ['chelsea.png', 225, 200, 60], // the nose
  ];
  it.each(objects)('a hole on %s at (%i, %i), side %i, is object', async (file, x, y, side) => {
    if (!hasPhoto(file)) return; // the shared photographs are not in the repository
    const image = await fixture(file, true);
    const [c] = classifyHoles(image, squareMask(image.width, image.height, x, y, side));
    expect(c.kind, c.reason).toBe('object');
    expect(c.basis).not.toBe('alike');
  });

  it('classifies each hole of a mask on its own surroundings', async () => {
    if (!hasPhoto('chelsea.png')) return;
    // Two holes side by side on one canvas: grass on the left, the cat's eye on the right.
    const grass = await fixture('grass.png');
    const cat = await fixture('chelsea.png', true);
    const W = 900,
      H = 300;
    const data = new Float32Array(3 * W * H);
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++)
          data[c * W * H + y * W + x] =
            x < 449
              ? grass.data[c * grass.width * grass.height + y * grass.width + x]
              : cat.data[c * cat.width * cat.height + y * cat.width + x - 449];
    const mask = squareMask(W, H, 150, 100, 64);
    for (let y = 85; y < 145; y++) for (let x = 449 + 140; x < 449 + 200; x++) mask.data[y * W + x] = 1;
    // Raster order of their first pixels: the eye's hole starts higher.
    const holes = classifyHoles({ width: W, height: H, data }, mask);
    expect(holes.map((c) => [c.box.x, c.kind])).toEqual([
      [449 + 140, 'object'],
      [150, 'texture'],
    ]);
  });
});
