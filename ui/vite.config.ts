import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

// The UI lives in ui/ while package.json sits at the repo root (beside the
// Tauri config), so root and outDir are pinned to this folder.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [solid()],
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The CSP forbids inline code and data: URLs, so nothing may be inlined.
    assetsInlineLimit: 0,
  },
});
