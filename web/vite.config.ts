/**
 * @module
 * Builds the portal from `web/` into `dist/web` (scripts/build.sh): hashed
 * file names under `assets/`, no inline scripts (the server's CSP allows
 * same-origin scripts only), no source maps shipped.
 */
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  plugins: [react()],
  build: {
    outDir: "../dist/web",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
