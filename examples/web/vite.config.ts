import { defaultClientConditions, defineConfig } from 'vite';
import { vopopAssets, vopopCsp } from './vopopAssets.ts';

// The workspace's source condition builds the SDK from `src`, so the example needs no `pnpm build`.
const conditions = ['@vopop/source', ...defaultClientConditions];

export default defineConfig({
  resolve: { conditions },
  plugins: [vopopAssets()],
  // The worker imports tfjs backends lazily, which needs an ES module worker.
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  preview: { headers: { 'Content-Security-Policy': vopopCsp } },
});
