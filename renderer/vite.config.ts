// The renderer build: `npx vite build --config renderer/vite.config.ts`, run from the repository root
// (as npm scripts are), writes dist/renderer, which the browser host (app/host/webMain.ts) and Electron
// serve. Relative asset paths, and no inline scripts (the CSP allows none).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
});
