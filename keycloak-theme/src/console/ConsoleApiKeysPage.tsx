import { useEnvironment } from "@keycloak/keycloak-account-ui";
import { Alert, PageSection } from "@patternfly/react-core";
import { useCallback } from "react";
import type { TokenProvider } from "../api/byokClient";
import { ApiKeysPage } from "../pages/ApiKeysPage";
import { resolveSidecarUrl, type ByokAccountEnvironment } from "./environment";

/** Minimum remaining lifetime (seconds) of the token sent to the sidecar. */
const MIN_TOKEN_VALIDITY = 30;

/** The API keys page inside the Account Console: the console's own token, the theme's sidecar URL. */
export const ConsoleApiKeysPage = () => {
  const { environment, keycloak } = useEnvironment<ByokAccountEnvironment>();
  const baseUrl = resolveSidecarUrl(environment.byokApiUrl);
  // Tools may reach the gateway at another address than the browser does (a proxy in front of
  // Keycloak); without its own setting it is the API's.
  const gatewayUrl = resolveSidecarUrl(environment.byokGatewayUrl) ?? baseUrl;

  const getToken = useCallback<TokenProvider>(
    async (options) => {
      // -1 forces a refresh: the API has just rejected the current token.
      await keycloak.updateToken(options?.forceRefresh ? -1 : MIN_TOKEN_VALIDITY);
      if (!keycloak.token) {
        throw new Error("Not signed in.");
      }
      return keycloak.token;
    },
    [keycloak],
  );
  const signIn = useCallback(() => void keycloak.login(), [keycloak]);

  if (!baseUrl) {
    return (
      <PageSection variant="light">
        <Alert isInline variant="danger" title="The API keys page is not configured" data-testid="config-error">
          The address of the API keys service is missing or invalid. An administrator sets it with the theme property
          byokApiUrl or the BYOK_API_URL environment variable of Keycloak.
        </Alert>
      </PageSection>
    );
  }
  return (
    <ApiKeysPage
      baseUrl={baseUrl}
      gatewayUrl={gatewayUrl}
      getToken={getToken}
      onSignIn={signIn}
      locale={environment.locale}
    />
  );
};
