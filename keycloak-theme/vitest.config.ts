import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  test: {
    environment: "jsdom",
    include: ["test/**/*.test.{ts,tsx}"],
    setupFiles: ["test/setup.ts"],
    css: false,
    // Page flows type into forms with user-event: on a shared 2-core machine one can take
    // longer than Vitest's default 5 s without anything being wrong.
    testTimeout: 30_000,
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
