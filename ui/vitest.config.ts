import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Unit tests of the UI's pure modules and stores, run in Node. Solid must
// resolve to its browser build: its server build has no reactivity, which the
// quote-store tests depend on.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  ssr: { resolve: { conditions: ["browser", "development"] } },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
