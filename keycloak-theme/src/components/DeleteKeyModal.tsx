import { Button, Modal, ModalVariant } from "@patternfly/react-core";
import type { DeleteKeyResponse, StoredKey } from "../api/types";
import { useByokClient } from "../hooks/ByokClientContext";
import { useAction } from "../hooks/useAction";
import { ErrorAlert } from "./ErrorAlert";

type DeleteKeyModalProps = {
  /** The key to delete; the modal is closed when undefined. */
  storedKey: StoredKey | undefined;
  onClose: () => void;
  onDeleted: (response: DeleteKeyResponse, key: StoredKey) => void;
  onSignIn?: () => void;
};

/** Asks before deleting; the confirm button is disabled while the request is in flight. */
export const DeleteKeyModal = ({ storedKey, onClose, onDeleted, onSignIn }: DeleteKeyModalProps) => {
  const client = useByokClient();
  const remove = useAction((provider: string) => client.deleteKey(provider));
  const name = storedKey ? storedKey.provider_name || storedKey.provider : "";

  const close = () => {
    if (remove.pending) {
      return;
    }
    remove.reset();
    onClose();
  };

  const confirm = async () => {
    if (!storedKey) {
      return;
    }
    const response = await remove.run(storedKey.provider);
    if (response) {
      remove.reset();
      onDeleted(response, storedKey);
    }
  };

  return (
    <Modal
      variant={ModalVariant.small}
      title={`Delete the ${name} key?`}
      titleIconVariant="warning"
      isOpen={storedKey !== undefined}
      onClose={close}
      data-testid="delete-key-modal"
      actions={[
        <Button
          key="confirm"
          variant="danger"
          onClick={() => void confirm()}
          isDisabled={remove.pending}
          isLoading={remove.pending}
          data-testid="confirm-delete"
        >
          Delete
        </Button>,
        <Button key="cancel" variant="link" onClick={close} isDisabled={remove.pending}>
          Cancel
        </Button>,
      ]}
    >
      <p>
        The gateway stops using your {name} key at once. Requests to {name} then use the operator&apos;s key where one
        is offered, or fail. You can add a key again at any time.
      </p>
      {remove.error && (
        <ErrorAlert
          title="The key was not deleted"
          error={remove.error}
          onRetry={() => void confirm()}
          onSignIn={onSignIn}
          data-testid="delete-key-error"
        />
      )}
    </Modal>
  );
};
