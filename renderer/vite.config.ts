// The renderer build: `npx vite build --config renderer/vite.config.ts`, run from the repository root
// (as npm scripts are), writes dist/renderer, which the browser host (app/host/webMain.ts) and Electron
// serve. Relative asset paths, and no inline scripts (the CSP allows none); the CSP is also written into
// index.html as a <meta> (scripts/cspMeta.ts).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { cspMetaPlugin } from '../scripts/cspMeta';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), cspMetaPlugin()],
  build: {
    // RENDERER_OUT (relative to the repository root) lets parallel test runs build side by side.
    outDir: process.env.RENDERER_OUT ? `../${process.env.RENDERER_OUT}` : '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    // Vite's default size warning (500 kB) stands: the bundle is about 390 kB since the canvas dropped
    // fabric and the contract uses zod/mini (issue 16 §6). A warning here means a heavy import crept in.
  },
});
