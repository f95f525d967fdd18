import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  test: {
    environment: "jsdom",
    include: ["test/**/*.test.{ts,tsx}"],
    setupFiles: ["test/setup.ts"],
    css: false,
    restoreMocks: true,
    server: {
      deps: {
        // ui-shared imports PatternFly style modules without file extensions, and those import
        // .css files: only Vite's pipeline (with css: false) resolves and stubs them.
        inline: ["@keycloak/keycloak-ui-shared", "@patternfly/react-styles"],
      },
    },
  },
});
