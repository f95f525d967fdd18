import {
  Alert,
  AlertActionCloseButton,
  Bullseye,
  Button,
  Card,
  CardBody,
  CardHeader,
  CardTitle,
  EmptyState,
  EmptyStateBody,
  EmptyStateHeader,
  Grid,
  GridItem,
  PageSection,
  Spinner,
  Stack,
  StackItem,
  Text,
  TextContent,
  Title,
} from "@patternfly/react-core";
import { useCallback, useMemo, useRef, useState } from "react";
import { createByokClient, type ByokClient, type TokenProvider } from "../api/byokClient";
import type { CreatedGatewayKey, StoredKey } from "../api/types";
import { AddKeyForm } from "../components/AddKeyForm";
import { ConnectToolPanel } from "../components/ConnectToolPanel";
import { CreateGatewayKeyPanel } from "../components/CreateGatewayKeyPanel";
import { DeleteKeyModal } from "../components/DeleteKeyModal";
import { ErrorAlert } from "../components/ErrorAlert";
import { GatewayKeysList } from "../components/GatewayKeysList";
import { KeysTable } from "../components/KeysTable";
import { ProvidersTable } from "../components/ProvidersTable";
import { TierNotice, byokAllowed } from "../components/TierNotice";
import { UsageSection } from "../components/UsageSection";
import { ByokClientProvider } from "../hooks/ByokClientContext";
import { useGatewayKeys, useKeys, useProviders, useStats, useUsage } from "../hooks/useByokData";
import "./apiKeysPage.css";

type Connection = { client: ByokClient } | { baseUrl: string; getToken: TokenProvider };

export type ApiKeysPageProps = Connection & {
  /**
   * The gateway's public base URL, as tools reach it (the "Connect a tool" snippets). Defaults to
   * the sidecar URL the page calls, which is the same server unless a proxy splits them.
   */
  gatewayUrl?: string;
  /** Offered when the session has expired (the console sends the user to Keycloak's login). */
  onSignIn?: () => void;
  /** Locale for dates; the browser's when absent. */
  locale?: string;
};

/**
 * The "API keys" page. It needs nothing from the Account Console: give it a client (or a
 * sidecar URL and a token source) and it can be mounted anywhere, which is how the test
 * harness renders it.
 */
export const ApiKeysPage = (props: ApiKeysPageProps) => {
  const explicitClient = "client" in props ? props.client : undefined;
  const baseUrl = "baseUrl" in props ? props.baseUrl : undefined;
  const getToken = "getToken" in props ? props.getToken : undefined;
  const client = useMemo(
    () => explicitClient ?? createByokClient({ baseUrl: baseUrl ?? "", getToken: getToken! }),
    [explicitClient, baseUrl, getToken],
  );
  return (
    <ByokClientProvider client={client}>
      <ApiKeysContent
        onSignIn={props.onSignIn}
        locale={props.locale}
        gatewayUrl={(props.gatewayUrl ?? client.baseUrl).replace(/\/+$/, "")}
      />
    </ByokClientProvider>
  );
};

type ContentProps = { onSignIn?: () => void; locale?: string; gatewayUrl: string };

const ApiKeysContent = ({ onSignIn, locale, gatewayUrl }: ContentProps) => {
  const providers = useProviders();
  const keys = useKeys();
  const stats = useStats();
  const gatewayKeys = useGatewayKeys();
  const usage = useUsage();
  // The one copy of a new gateway key's secret: in memory while shown, gone on "I have copied it".
  const [createdKey, setCreatedKey] = useState<CreatedGatewayKey>();
  const forgetCreatedKey = useCallback(() => setCreatedKey(undefined), []);
  const [chosenProvider, setChosenProvider] = useState("");
  const [deleting, setDeleting] = useState<StoredKey>();
  const [notice, setNotice] = useState<string>();
  const formRef = useRef<HTMLDivElement>(null);

  const refreshAll = () => {
    providers.reload();
    keys.reload();
    stats.reload();
  };

  // Until the tier is known the form stays hidden, so a free user never sees it flash by.
  const canAdd = stats.data !== undefined && byokAllowed(stats.data);
  const storedKeys = keys.data ?? [];

  // One alert for whatever failed to load: when the sidecar is down or the session is gone,
  // all three loads fail for the same reason and one message with one Retry says it.
  const loadErrors = [stats.error, keys.error, providers.error].filter((e) => e !== undefined);
  const loadError = loadErrors.find((e) => e.kind === "session-expired") ?? loadErrors[0];
  const retryLoads = () => {
    if (stats.error) stats.reload();
    if (keys.error) keys.reload();
    if (providers.error) providers.reload();
    if (gatewayKeys.error) gatewayKeys.reload();
    if (usage.error) usage.reload();
  };

  const chooseProvider = (providerId: string) => {
    setChosenProvider(providerId);
    formRef.current?.scrollIntoView?.({ behavior: "smooth", block: "start" });
    formRef.current?.querySelector<HTMLSelectElement>("#byok-provider")?.focus();
  };

  return (
    <>
      <PageSection variant="light">
        <TextContent>
          <Title headingLevel="h1">API keys</Title>
          <Text>
            Store your own keys for LLM providers. Clients that sign in with your account then use your key through the
            gateway. Keys are stored encrypted and are never shown again; only a short preview is.
          </Text>
        </TextContent>
      </PageSection>

      <PageSection variant="light" data-testid="api-keys-page">
        <Stack hasGutter>
          {notice && (
            <StackItem>
              <Alert
                isInline
                variant="success"
                title={notice}
                actionClose={<AlertActionCloseButton onClose={() => setNotice(undefined)} />}
                data-testid="page-notice"
              />
            </StackItem>
          )}

          {loadError && (
            <StackItem>
              <ErrorAlert
                title="Could not load your API keys"
                error={loadError}
                onRetry={retryLoads}
                onSignIn={onSignIn}
                data-testid="load-error"
              />
            </StackItem>
          )}

          {stats.data ? (
            <StackItem>
              <TierNotice stats={stats.data} hasStoredKeys={storedKeys.length > 0} />
            </StackItem>
          ) : (
            !stats.error && (
              <StackItem>
                <Spinner size="md" aria-label="Loading your plan" />
              </StackItem>
            )
          )}

          <StackItem>
            <Card isFlat>
              <CardTitle component="h2">Your keys</CardTitle>
              <CardBody>
                {keys.data === undefined && !keys.error && (
                  <Bullseye>
                    <Spinner aria-label="Loading your API keys" />
                  </Bullseye>
                )}
                {keys.data !== undefined && storedKeys.length === 0 && (
                  <EmptyState variant="xs" data-testid="no-keys">
                    <EmptyStateHeader titleText="No keys stored" headingLevel="h3" />
                    <EmptyStateBody>
                      {canAdd ? "Add a key below to use your own provider account." : "You have no stored keys."}
                    </EmptyStateBody>
                  </EmptyState>
                )}
                {storedKeys.length > 0 && (
                  <KeysTable
                    keys={storedKeys}
                    onDelete={setDeleting}
                    onTested={() => {
                      keys.reload();
                      stats.reload();
                    }}
                    onSignIn={onSignIn}
                    locale={locale}
                  />
                )}
              </CardBody>
            </Card>
          </StackItem>

          {canAdd && (
            <StackItem>
              <div ref={formRef}>
                <Card isFlat>
                  <CardTitle component="h2">Add or replace a key</CardTitle>
                  <CardBody>
                    {providers.data ? (
                      <AddKeyForm
                        providers={providers.data}
                        providerId={chosenProvider}
                        onProviderChange={setChosenProvider}
                        onAdded={() => {
                          setNotice(undefined);
                          refreshAll();
                        }}
                        onSignIn={onSignIn}
                      />
                    ) : (
                      !providers.error && <Spinner size="md" aria-label="Loading the providers" />
                    )}
                  </CardBody>
                </Card>
              </div>
            </StackItem>
          )}

          <StackItem>
            <Grid hasGutter>
              <GridItem xl={5}>
                <Card isFlat isFullHeight>
                  <CardTitle component="h2">Create a gateway key</CardTitle>
                  <CardBody>
                    <CreateGatewayKeyPanel
                      created={createdKey}
                      onCreated={(created) => {
                        setCreatedKey(created);
                        gatewayKeys.reload();
                      }}
                      onForget={forgetCreatedKey}
                      onSignIn={onSignIn}
                      locale={locale}
                    />
                  </CardBody>
                </Card>
              </GridItem>
              <GridItem xl={7}>
                <Card isFlat isFullHeight>
                  <CardTitle component="h2">Connect a tool</CardTitle>
                  <CardBody>
                    {providers.data ? (
                      <ConnectToolPanel
                        gatewayUrl={gatewayUrl}
                        providers={providers.data}
                        byokAllowed={stats.data === undefined || byokAllowed(stats.data)}
                        apiKey={createdKey?.token}
                        apiKeyName={createdKey?.name}
                      />
                    ) : (
                      !providers.error && <Spinner size="md" aria-label="Loading the providers" />
                    )}
                  </CardBody>
                </Card>
              </GridItem>
            </Grid>
          </StackItem>

          <StackItem>
            <Card isFlat>
              <CardTitle component="h2">Your gateway keys</CardTitle>
              <CardBody>
                <GatewayKeysList
                  keys={gatewayKeys}
                  onRevoked={(id) => {
                    // A revoked key must not stay on screen or in the snippets.
                    if (createdKey?.id === id) forgetCreatedKey();
                  }}
                  // When the whole service fails the alert above already says so, with Retry.
                  hideLoadError={loadError !== undefined}
                  onSignIn={onSignIn}
                  locale={locale}
                />
              </CardBody>
            </Card>
          </StackItem>

          <StackItem>
            <Card isFlat>
              <CardHeader
                actions={{
                  actions: (
                    <Button
                      variant="secondary"
                      onClick={usage.reload}
                      isDisabled={usage.loading}
                      data-testid="usage-refresh"
                    >
                      Refresh
                    </Button>
                  ),
                  hasNoOffset: true,
                }}
              >
                <CardTitle component="h2">Usage</CardTitle>
              </CardHeader>
              <CardBody>
                <UsageSection
                  usage={usage}
                  providers={providers.data}
                  hideLoadError={loadError !== undefined}
                  onSignIn={onSignIn}
                  locale={locale}
                />
              </CardBody>
            </Card>
          </StackItem>

          <StackItem>
            <Card isFlat>
              <CardTitle component="h2">Providers</CardTitle>
              <CardBody>
                {providers.data ? (
                  <ProvidersTable providers={providers.data} onChoose={canAdd ? chooseProvider : undefined} />
                ) : (
                  !providers.error && <Spinner size="md" aria-label="Loading the providers" />
                )}
              </CardBody>
            </Card>
          </StackItem>
        </Stack>
      </PageSection>

      <DeleteKeyModal
        storedKey={deleting}
        onClose={() => setDeleting(undefined)}
        onDeleted={(_response, key) => {
          setDeleting(undefined);
          setNotice(`Your ${key.provider_name || key.provider} key was deleted.`);
          refreshAll();
        }}
        onSignIn={onSignIn}
      />
    </>
  );
};
