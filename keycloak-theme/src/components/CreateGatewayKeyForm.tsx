import {
  ActionGroup,
  Button,
  Form,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  TextInput,
} from "@patternfly/react-core";
import { useState, type FormEvent } from "react";
import type { CreateGatewayKeyRequest, CreatedGatewayKey } from "../api/types";
import { GATEWAY_KEY_DEFAULT_DAYS, GATEWAY_KEY_NAME_MAX_LENGTH } from "../api/types";
import { useByokClient } from "../hooks/ByokClientContext";
import { useAction } from "../hooks/useAction";
import { ErrorAlert } from "./ErrorAlert";

/** Expiry choices; the API accepts 1 to 365 days. */
export const EXPIRY_CHOICES = [7, 30, 90, 180, 365] as const;

type Field = "name" | "expires_in_days";

/** The API's field names, as ASP.NET Core or a JSON path may spell them. */
const FIELD_ALIASES: Record<Field, string[]> = {
  name: ["name"],
  expires_in_days: ["expires_in_days", "expiresInDays"],
};

type CreateGatewayKeyFormProps = {
  onCreated: (created: CreatedGatewayKey) => void;
  onSignIn?: () => void;
};

/** Names a new gateway key and picks its lifetime; the key itself comes back once, from the API. */
export const CreateGatewayKeyForm = ({ onCreated, onSignIn }: CreateGatewayKeyFormProps) => {
  const client = useByokClient();
  const create = useAction((request: CreateGatewayKeyRequest) => client.createGatewayKey(request));
  const [name, setName] = useState("");
  const [days, setDays] = useState<number>(GATEWAY_KEY_DEFAULT_DAYS);
  const [localError, setLocalError] = useState<string>();
  const [edited, setEdited] = useState<Set<Field>>(new Set());

  const apiErrors = create.error?.kind === "validation" ? create.error.fieldErrors : {};
  const apiMessage = (field: Field): string | undefined => {
    if (edited.has(field)) {
      return undefined;
    }
    const messages = FIELD_ALIASES[field].flatMap((alias) => apiErrors[alias] ?? []);
    return messages.length > 0 ? messages.join(" ") : undefined;
  };
  const known = Object.values(FIELD_ALIASES).flat();
  const unplaced = Object.entries(apiErrors)
    .filter(([field]) => !known.includes(field))
    .flatMap(([, messages]) => messages);
  const nameError = localError ?? apiMessage("name");
  const expiryError = apiMessage("expires_in_days");

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (create.pending) {
      return;
    }
    if (name.trim().length === 0) {
      setLocalError("Enter a name, for example the tool or machine that will use the key.");
      return;
    }
    if (name.length > GATEWAY_KEY_NAME_MAX_LENGTH) {
      setLocalError(`Use at most ${GATEWAY_KEY_NAME_MAX_LENGTH} characters.`);
      return;
    }
    setLocalError(undefined);
    setEdited(new Set());
    const created = await create.run({ name, expires_in_days: days });
    if (created) {
      setName("");
      onCreated(created);
    }
  };

  const retry = async () => {
    const created = await create.retry();
    if (created) {
      setName("");
      onCreated(created);
    }
  };

  const markEdited = (field: Field) => setEdited((fields) => new Set(fields).add(field));

  return (
    <Form onSubmit={submit} noValidate aria-label="Create a gateway key" data-testid="create-gateway-key-form">
      {create.error && (
        <ErrorAlert
          title="The gateway key was not created"
          error={create.error}
          onRetry={() => void retry()}
          onSignIn={onSignIn}
          extraMessages={unplaced}
          data-testid="create-gateway-key-error"
        />
      )}
      <FormGroup label="Name" isRequired fieldId="byok-gateway-key-name">
        <TextInput
          id="byok-gateway-key-name"
          type="text"
          value={name}
          maxLength={GATEWAY_KEY_NAME_MAX_LENGTH}
          placeholder="laptop"
          validated={nameError ? "error" : "default"}
          onChange={(_event, value) => {
            setLocalError(undefined);
            markEdited("name");
            setName(value);
          }}
        />
        <FormHelperText>
          <HelperText>
            {nameError ? (
              <HelperTextItem variant="error" data-testid="gateway-key-name-error">
                {nameError}
              </HelperTextItem>
            ) : (
              <HelperTextItem>Where you will use it, for example &quot;laptop&quot; or &quot;CI&quot;.</HelperTextItem>
            )}
          </HelperText>
        </FormHelperText>
      </FormGroup>
      <FormGroup label="Expires after" fieldId="byok-gateway-key-expiry">
        <FormSelect
          id="byok-gateway-key-expiry"
          value={String(days)}
          validated={expiryError ? "error" : "default"}
          onChange={(_event, value) => {
            markEdited("expires_in_days");
            setDays(Number(value));
          }}
        >
          {EXPIRY_CHOICES.map((choice) => (
            <FormSelectOption key={choice} value={String(choice)} label={choice === 365 ? "1 year" : `${choice} days`} />
          ))}
        </FormSelect>
        {expiryError && (
          <FormHelperText>
            <HelperText>
              <HelperTextItem variant="error" data-testid="gateway-key-expiry-error">
                {expiryError}
              </HelperTextItem>
            </HelperText>
          </FormHelperText>
        )}
      </FormGroup>
      <ActionGroup>
        <Button type="submit" variant="primary" isDisabled={create.pending} isLoading={create.pending}>
          Create key
        </Button>
      </ActionGroup>
    </Form>
  );
};
