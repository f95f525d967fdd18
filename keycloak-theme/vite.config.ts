import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The Account Console bundle. Keycloak serves it from the theme's resources/ folder and
 * index.ftl loads it through `.vite/manifest.json` (entryScript, entryStyles, entryImports),
 * so there is no index.html and exactly one entry chunk.
 */
export default defineConfig({
  plugins: [react()],
  // Relative, so the bundle works under any /resources/<version>/account/byok/ path.
  base: "./",
  resolve: {
    alias: {
      "keycloak-account-ui-styles": here("./node_modules/@keycloak/keycloak-account-ui/lib/keycloak-account-ui.css"),
    },
  },
  build: {
    target: "es2022",
    outDir: "build/account-resources",
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      input: here("./src/console/main.tsx"),
    },
  },
});
