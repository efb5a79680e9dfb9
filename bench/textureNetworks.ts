/**
 * Which embedded network design synthesises texture best (issue 7: "show by measurement which design
 * wins"). Free synthesis from noise of a 32 px hole in a 96 px crop of each texture fixture (the
 * surroundings as exemplar, 40 L-BFGS iterations, no border term), for:
 * - bank: the naive prototype — one bank of random 3/5/7 px filters (48 channels), no pooling;
 * - shallow: the default's first two blocks;
 * - default: DEFAULT_NETWORK (4 blocks, 3–7 px filters, blurred average pooling, pixel Gram).
 * Measured in the hole against the truth: the log-power-spectrum distance (relative to the natural
 * spread between real windows of the crop, so 1 = as close as another real patch), and the mean
 * gradient relative to the truth's (detail).
 *
 *   npx tsx bench/textureNetworks.ts
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cropImage } from '../app/image/crop';
import { loadImage } from '../app/image/load';
import { meanGradient } from '../app/image/metrics';
import { createMask, type RgbImage } from '../app/image/types';
import { Random } from '../app/graph/random';
import { DEFAULT_NETWORK, randomNetwork, type NetworkSpec } from '../app/stages/texture/randomNetwork';
import { ownSessions } from '../app/stages/texture/sessions';
import { logPowerSpectrum, spectrumDistance } from '../app/testing/spectrum';
import { synthesize } from '../app/stages/texture/synthesize';
import { FIXTURES } from './gallery/lama';

const DESIGNS: Record<string, NetworkSpec> = {
  bank: {
    name: 'bank',
    seed: 20170501,
    pool: 'avg',
    blocks: [
      {
        branches: [
          { filters: 16, kernel: 3 },
          { filters: 16, kernel: 5 },
          { filters: 16, kernel: 7 },
        ],
      },
    ],
  },
  shallow: { ...DEFAULT_NETWORK, name: 'shallow', blocks: DEFAULT_NETWORK.blocks.slice(0, 2) },
  default: DEFAULT_NETWORK,
};

const S = 96,
  H = 32,
  O = (S - H) / 2;

export async function textureNetworks(): Promise<string> {
  const sessions = ownSessions({ providers: ['cpu'] });
  const lines = [
    '| fixture | design | field (px) | spectrum / natural | detail | ms/eval |',
    '|---|---|---|---|---|---|',
  ];
  for (const name of ['brick', 'grass', 'gravel']) {
    const full = (await loadImage(path.join(FIXTURES, `${name}.png`))).image;
    for (const at of [200, 300]) {
      const truth = cropImage(full, { x: at, y: at, width: S, height: S });
      const hole = createMask(S, S);
      for (let y = O; y < O + H; y++) for (let x = O; x < O + H; x++) hole.data[y * S + x] = 1;
      const rnd = new Random(1);
      const noise: RgbImage = { width: S, height: S, data: truth.data.slice() };
      for (let i = 0; i < S * S; i++)
        if (hole.data[i]) {
          const v = 0.5 + 0.2 * rnd.normal();
          for (let c = 0; c < 3; c++) noise.data[c * S * S + i] = v;
        }
      const rect = { x: O, y: O, width: H, height: H };
      const t = logPowerSpectrum(truth, rect);
      const natural = Math.max(
        ...[
          [0, 0],
          [S - H, 0],
          [0, S - H],
          [S - H, S - H],
        ].map(([x, y]) => spectrumDistance(logPowerSpectrum(truth, { ...rect, x, y }), t)),
      );
      for (const [design, spec] of Object.entries(DESIGNS)) {
        const net = randomNetwork(spec);
        const r = await synthesize(
          {
            image: truth,
            hole,
            start: noise,
            exemplar: { image: truth, valid: Uint8Array.from(hole.data, (v) => 1 - v) },
          },
          { network: net, iterations: 40, borderWeight: 0, sessions },
        );
        const d = spectrumDistance(logPowerSpectrum(r.image, rect), t) / natural;
        const detail = meanGradient(r.image, hole) / meanGradient(truth, hole);
        lines.push(
          `| ${name} @${at} | ${design} | ${net.receptiveField} | ${d.toFixed(2)} | ${detail.toFixed(2)} | ${r.msPerEvaluation.toFixed(0)} |`,
        );
        process.stderr.write(`${lines[lines.length - 1]}\n`);
      }
    }
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href)
  process.stdout.write(`${await textureNetworks()}\n`);
