import { defaultClientConditions, defineConfig } from 'vite';
import { vopopAssets } from '@vopop/web-adapter/vite';

// The workspace's source condition builds the SDK from `src` for the page. The config itself
// is loaded by Node, which takes the published entry (`dist/`): what an app outside this repo gets.
const conditions = ['@vopop/source', ...defaultClientConditions];

export default defineConfig({
  resolve: { conditions },
  // Serves and emits the models and tfjs wasm under /vopop/, and sends the CSP from `vite preview`.
  plugins: [vopopAssets()],
  // The worker imports tfjs backends lazily, which needs an ES module worker.
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
