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
} from "@patternfly/react-core";
import { useCallback, useState } from "react";
import { ByokApiError } from "../api/errors";
import type { GatewayKey } from "../api/types";
import type { Resource } from "../hooks/useResource";
import { ErrorAlert } from "./ErrorAlert";
import { GatewayKeysTable } from "./GatewayKeysTable";
import { RevokeGatewayKeyModal } from "./RevokeGatewayKeyModal";

type GatewayKeysListProps = {
  keys: Resource<GatewayKey[]>;
  /** Called after a key was revoked (or found gone), with its id. */
  onRevoked: (id: string) => void;
  /** The page already shows a load error for everything (service down, session expired). */
  hideLoadError?: boolean;
  onSignIn?: () => void;
  locale?: string;
};

/** The user's gateway keys with Revoke, which asks first. */
export const GatewayKeysList = ({ keys, onRevoked, hideLoadError, onSignIn, locale }: GatewayKeysListProps) => {
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
      onRevoked(key.id);
      reload();
    },
    [onRevoked, reload],
  );

  const loadError =
    keys.error?.kind === "not-found"
      ? // A sidecar from before gateway keys has no such route.
        new ByokApiError("not-found", "This gateway does not offer gateway keys yet.", 404)
      : keys.error;

  return (
    <Stack hasGutter data-testid="gateway-keys">
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
        {loadError && !hideLoadError && (
          <ErrorAlert
            title="Could not load your gateway keys"
            error={loadError}
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
            <EmptyStateBody>Create one for each tool or machine, so you can revoke them one by one.</EmptyStateBody>
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
