import {
  Alert,
  AlertActionCloseButton,
  Bullseye,
  EmptyState,
  EmptyStateBody,
  EmptyStateHeader,
  Spinner,
  Stack,
  StackItem,
  Text,
  TextContent,
} from "@patternfly/react-core";
import { useCallback, useState } from "react";
import { ByokApiError } from "../api/errors";
import type { CreatedGatewayKey, GatewayKey } from "../api/types";
import type { Resource } from "../hooks/useResource";
import { CreateGatewayKeyForm } from "./CreateGatewayKeyForm";
import { ErrorAlert } from "./ErrorAlert";
import { GatewayKeysTable } from "./GatewayKeysTable";
import { NewGatewayKey } from "./NewGatewayKey";
import { RevokeGatewayKeyModal } from "./RevokeGatewayKeyModal";

type GatewayKeysPanelProps = {
  keys: Resource<GatewayKey[]>;
  /** The key just created, shown once; undefined once the user closed it (or never created one). */
  created: CreatedGatewayKey | undefined;
  onCreated: (created: CreatedGatewayKey) => void;
  onForget: () => void;
  /** The page already shows a load error for everything (service down, session expired). */
  hideLoadError?: boolean;
  onSignIn?: () => void;
  locale?: string;
};

/** Create, list and revoke gateway keys: the long-lived API keys for tools (DESIGN.md section 10). */
export const GatewayKeysPanel = ({
  keys,
  created,
  onCreated,
  onForget,
  hideLoadError,
  onSignIn,
  locale,
}: GatewayKeysPanelProps) => {
  const [revoking, setRevoking] = useState<GatewayKey>();
  const [notice, setNotice] = useState<string>();
  const list = keys.data ?? [];
  const { reload } = keys;

  const revoked = useCallback(
    (key: GatewayKey, alreadyGone: boolean) => {
      setRevoking(undefined);
      setNotice(
        alreadyGone
          ? `The gateway key "${key.name}" no longer exists; it was revoked elsewhere.`
          : `The gateway key "${key.name}" was revoked. Tools that use it are refused from now on.`,
      );
      if (created?.id === key.id) {
        onForget();
      }
      reload();
    },
    [created, onForget, reload],
  );

  return (
    <Stack hasGutter data-testid="gateway-keys">
      <StackItem>
        <TextContent>
          <Text>
            A gateway key is a long-lived API key for tools that cannot sign in (IDE assistants, CLIs, scripts). It works
            only for calls through the gateway, never for this page or your stored provider keys.
          </Text>
        </TextContent>
      </StackItem>

      {created && (
        <StackItem>
          <NewGatewayKey created={created} onDone={onForget} locale={locale} />
        </StackItem>
      )}

      {notice && (
        <StackItem>
          <Alert
            isInline
            variant="success"
            title={notice}
            actionClose={<AlertActionCloseButton onClose={() => setNotice(undefined)} />}
            data-testid="gateway-key-notice"
          />
        </StackItem>
      )}

      <StackItem>
        <CreateGatewayKeyForm
          onCreated={(key) => {
            setNotice(undefined);
            onCreated(key);
            reload();
          }}
          onSignIn={onSignIn}
        />
      </StackItem>

      <StackItem>
        {keys.error && !hideLoadError && (
          <ErrorAlert
            title="Could not load your gateway keys"
            error={
              keys.error.kind === "not-found"
                ? // A sidecar from before gateway keys has no such route.
                  new ByokApiError("not-found", "This gateway does not offer gateway keys yet.", 404)
                : keys.error
            }
            onRetry={reload}
            onSignIn={onSignIn}
            data-testid="gateway-keys-error"
          />
        )}
        {keys.data === undefined && !keys.error && (
          <Bullseye>
            <Spinner size="lg" aria-label="Loading your gateway keys" />
          </Bullseye>
        )}
        {keys.data !== undefined && list.length === 0 && (
          <EmptyState variant="xs" data-testid="no-gateway-keys">
            <EmptyStateHeader titleText="No gateway keys" headingLevel="h3" />
            <EmptyStateBody>Create one above for each tool or machine, so you can revoke them one by one.</EmptyStateBody>
          </EmptyState>
        )}
        {list.length > 0 && <GatewayKeysTable keys={list} onRevoke={setRevoking} locale={locale} />}
      </StackItem>

      <RevokeGatewayKeyModal
        gatewayKey={revoking}
        onClose={() => setRevoking(undefined)}
        onRevoked={revoked}
        onSignIn={onSignIn}
      />
    </Stack>
  );
};
