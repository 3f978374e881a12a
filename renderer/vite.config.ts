import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../electron/common/security.ts';

/** Writes the same CSP that main sends as a header into the page, as a second line of defence. */
const contentSecurityPolicy = (): Plugin => ({
  name: 'keyward-csp',
  transformIndexHtml: (html) => html.replace('<!--csp-->', `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`),
});

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react(), contentSecurityPolicy()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // No inline scripts or data: module preloads: the CSP allows only files from 'self'.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
