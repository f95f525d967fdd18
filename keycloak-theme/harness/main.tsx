import "@patternfly/react-core/dist/styles/base.css";
import "@patternfly/patternfly/patternfly-addons.css";

import {
  Alert,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadMain,
  Page,
  PageSection,
  Text,
  TextContent,
} from "@patternfly/react-core";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ApiKeysPage } from "../src/pages/ApiKeysPage";
import { readHarnessConfig } from "./harnessConfig";

const config = readHarnessConfig(window.location.search);

const header = (
  <Masthead>
    <MastheadMain>
      <MastheadBrand component="span">BYOK test harness</MastheadBrand>
    </MastheadMain>
    <MastheadContent>
      {config.ok && <span data-testid="harness-api">{config.apiUrl}</span>}
    </MastheadContent>
  </Masthead>
);

createRoot(document.getElementById("app")!).render(
  <StrictMode>
    <Page header={header}>
      {config.ok ? (
        <ApiKeysPage
          baseUrl={config.apiUrl}
          gatewayUrl={config.gatewayUrl}
          getToken={config.getToken}
          onSignIn={() => window.location.reload()}
        />
      ) : (
        <PageSection variant="light">
          <Alert isInline variant="info" title="Nothing to show yet" data-testid="harness-usage">
            <TextContent>
              <Text>{config.problem}</Text>
              <Text>
                This page renders only the API keys page of the Account Console theme, for browser tests against a
                running sidecar.
              </Text>
            </TextContent>
          </Alert>
        </PageSection>
      )}
    </Page>
  </StrictMode>,
);
