import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The standalone test harness: only the API keys page, outside Keycloak. */
export default defineConfig({
  plugins: [react()],
  root: here("./harness"),
  base: "./",
  build: {
    target: "es2022",
    outDir: here("./dist-harness"),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
  },
  preview: {
    port: 4174,
    strictPort: true,
  },
});
