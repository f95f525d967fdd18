import "@patternfly/react-core/dist/styles/base.css";
import "@patternfly/patternfly/patternfly-addons.css";
// The account-ui package ships its components' styles as one file outside its exports map.
import "keycloak-account-ui-styles";
import "./console.css";

import { KeycloakProvider } from "@keycloak/keycloak-account-ui";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, RouterProvider } from "react-router-dom";
import { readInjectedEnvironment, type ByokAccountEnvironment } from "./environment";
import { createI18n } from "./i18n";
import { createRoutes } from "./routes";

const environment = readInjectedEnvironment<ByokAccountEnvironment>();
const i18n = createI18n(environment);
const router = createBrowserRouter(createRoutes(environment.baseUrl));

void i18n.init().then(() => {
  createRoot(document.getElementById("app")!).render(
    <StrictMode>
      <KeycloakProvider environment={environment}>
        <RouterProvider router={router} />
      </KeycloakProvider>
    </StrictMode>,
  );
});
