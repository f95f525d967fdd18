import { Button, Modal, ModalVariant } from "@patternfly/react-core";
import { useEffect } from "react";
import type { GatewayKey } from "../api/types";
import { useByokClient } from "../hooks/ByokClientContext";
import { useAction } from "../hooks/useAction";
import { ErrorAlert } from "./ErrorAlert";

type RevokeGatewayKeyModalProps = {
  /** The key to revoke; the modal is closed when undefined. */
  gatewayKey: GatewayKey | undefined;
  onClose: () => void;
  /** After the API revoked it, or said it no longer exists (404): either way it is gone. */
  onRevoked: (key: GatewayKey, alreadyGone: boolean) => void;
  onSignIn?: () => void;
};

/** Asks before revoking; the confirm button is disabled while the request is in flight. */
export const RevokeGatewayKeyModal = ({ gatewayKey, onClose, onRevoked, onSignIn }: RevokeGatewayKeyModalProps) => {
  const client = useByokClient();
  const revoke = useAction((id: string) => client.revokeGatewayKey(id));

  const close = () => {
    if (revoke.pending) {
      return;
    }
    revoke.reset();
    onClose();
  };

  const confirm = async () => {
    if (!gatewayKey) {
      return;
    }
    const response = await revoke.run(gatewayKey.id);
    if (response) {
      revoke.reset();
      onRevoked(gatewayKey, false);
    }
  };

  // A 404 means another tab or device revoked it first: nothing left to do but say so.
  const notFound = revoke.error?.kind === "not-found";
  const { reset } = revoke;
  useEffect(() => {
    if (notFound && gatewayKey) {
      reset();
      onRevoked(gatewayKey, true);
    }
  }, [notFound, gatewayKey, reset, onRevoked]);

  return (
    <Modal
      variant={ModalVariant.small}
      title={gatewayKey ? `Revoke the gateway key "${gatewayKey.name}"?` : "Revoke the gateway key?"}
      titleIconVariant="warning"
      isOpen={gatewayKey !== undefined}
      onClose={close}
      data-testid="revoke-gateway-key-modal"
      actions={[
        <Button
          key="confirm"
          variant="danger"
          onClick={() => void confirm()}
          isDisabled={revoke.pending}
          isLoading={revoke.pending}
          data-testid="confirm-revoke"
        >
          Revoke
        </Button>,
        <Button key="cancel" variant="link" onClick={close} isDisabled={revoke.pending}>
          Cancel
        </Button>,
      ]}
    >
      <p>
        Every tool that uses this key is refused from its next call on. This cannot be undone; create a new key for a
        tool that should keep working.
      </p>
      {revoke.error && !notFound && (
        <ErrorAlert
          title="The gateway key was not revoked"
          error={revoke.error}
          onRetry={() => void confirm()}
          onSignIn={onSignIn}
          data-testid="revoke-gateway-key-error"
        />
      )}
    </Modal>
  );
};
