import { routes as stockRoutes } from "@keycloak/keycloak-account-ui";
import type { RouteObject } from "react-router-dom";
import { ConsoleApiKeysPage } from "./ConsoleApiKeysPage";
import { ErrorPage } from "./ErrorPage";
import { API_KEYS_PATH } from "./nav";
import { Root } from "./Root";

export const ApiKeysRoute: RouteObject = {
  path: API_KEYS_PATH,
  element: <ConsoleApiKeysPage />,
};

/** All stock routes of @keycloak/keycloak-account-ui, plus the API keys page, below the console's base path. */
export function createRoutes(baseUrl: string): RouteObject[] {
  return [
    {
      path: decodeURIComponent(new URL(baseUrl).pathname),
      element: <Root />,
      errorElement: <ErrorPage />,
      children: [...stockRoutes, ApiKeysRoute],
    },
  ];
}
