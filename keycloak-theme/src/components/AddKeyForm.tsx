import {
  ActionGroup,
  Alert,
  AlertActionCloseButton,
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
import type { AddKeyRequest, AddKeyResponse, Provider } from "../api/types";
import { CUSTOM_PROVIDER_ID, LABEL_MAX_LENGTH } from "../api/types";
import { useByokClient } from "../hooks/ByokClientContext";
import { useAction } from "../hooks/useAction";
import { ErrorAlert } from "./ErrorAlert";

type AddKeyFormProps = {
  providers: Provider[];
  providerId: string;
  onProviderChange: (providerId: string) => void;
  onAdded: (response: AddKeyResponse) => void;
  onSignIn?: () => void;
};

type Field = "provider" | "key" | "label" | "endpoint";
const FORM_FIELDS: readonly Field[] = ["provider", "key", "label", "endpoint"];

/**
 * Adds or replaces the key for one provider. The key is never trimmed or reformatted here:
 * what the user pasted is what the API validates, and its message is shown next to the field.
 */
export const AddKeyForm = ({ providers, providerId, onProviderChange, onAdded, onSignIn }: AddKeyFormProps) => {
  const client = useByokClient();
  const add = useAction((request: AddKeyRequest) => client.addKey(request));
  const [key, setKey] = useState("");
  const [label, setLabel] = useState("");
  const [endpoint, setEndpoint] = useState("");
  const [localErrors, setLocalErrors] = useState<Partial<Record<Field, string>>>({});
  const [editedSinceError, setEditedSinceError] = useState<Set<Field>>(new Set());
  const [saved, setSaved] = useState<string>();

  const provider = providers.find((p) => p.id === providerId);
  const isCustom = providerId === CUSTOM_PROVIDER_ID;

  const apiFieldErrors = add.error?.kind === "validation" ? add.error.fieldErrors : {};
  const fieldError = (field: Field): string | undefined => {
    if (localErrors[field]) {
      return localErrors[field];
    }
    if (editedSinceError.has(field)) {
      return undefined;
    }
    const messages = apiFieldErrors[field];
    return messages && messages.length > 0 ? messages.join(" ") : undefined;
  };
  const unplacedMessages = Object.entries(apiFieldErrors)
    .filter(([field]) => !FORM_FIELDS.includes(field as Field) || (field === "endpoint" && !isCustom))
    .flatMap(([, messages]) => messages);

  const edited = (field: Field) => {
    setSaved(undefined);
    setLocalErrors((errors) => ({ ...errors, [field]: undefined }));
    setEditedSinceError((fields) => new Set(fields).add(field));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (add.pending) {
      return;
    }
    const missing: Partial<Record<Field, string>> = {};
    if (!providerId) missing.provider = "Choose a provider.";
    if (key.length === 0) missing.key = "Paste your API key.";
    if (isCustom && endpoint.trim().length === 0) missing.endpoint = "Enter the base URL of your endpoint.";
    if (label.length > LABEL_MAX_LENGTH) missing.label = `Use at most ${LABEL_MAX_LENGTH} characters.`;
    setLocalErrors(missing);
    if (Object.keys(missing).length > 0) {
      return;
    }

    const request: AddKeyRequest = { provider: providerId, key };
    if (label.trim().length > 0) request.label = label;
    if (isCustom) request.endpoint = endpoint.trim();

    setSaved(undefined);
    setEditedSinceError(new Set());
    // The key leaves the form as soon as it is sent, whatever the outcome.
    setKey("");
    const response = await add.run(request);
    if (response) {
      setLabel("");
      setEndpoint("");
      setSaved(`Your ${response.provider_name || provider?.name || providerId} key was saved.`);
      onAdded(response);
    }
  };

  const retry = async () => {
    const response = await add.retry();
    if (response) {
      setSaved(`Your ${response.provider_name || providerId} key was saved.`);
      onAdded(response);
    }
  };

  const errorFor = (field: Field) => {
    const message = fieldError(field);
    return message ? (
      <FormHelperText>
        <HelperText>
          <HelperTextItem variant="error" data-testid={`${field}-error`}>
            {message}
          </HelperTextItem>
        </HelperText>
      </FormHelperText>
    ) : undefined;
  };

  const hint = (text: string) => (
    <FormHelperText>
      <HelperText>
        <HelperTextItem>{text}</HelperTextItem>
      </HelperText>
    </FormHelperText>
  );

  return (
    <Form onSubmit={submit} noValidate aria-label="Add or replace an API key" data-testid="add-key-form">
      {saved && (
        <Alert
          isInline
          variant="success"
          title={saved}
          actionClose={<AlertActionCloseButton onClose={() => setSaved(undefined)} />}
          data-testid="add-key-success"
        />
      )}
      {add.error && (
        <ErrorAlert
          title="The key was not saved"
          error={add.error}
          onRetry={() => void retry()}
          onSignIn={onSignIn}
          extraMessages={unplacedMessages}
          data-testid="add-key-error"
        />
      )}

      <FormGroup label="Provider" isRequired fieldId="byok-provider">
        <FormSelect
          id="byok-provider"
          value={providerId}
          validated={fieldError("provider") ? "error" : "default"}
          onChange={(_event, value) => {
            edited("provider");
            onProviderChange(value);
          }}
        >
          <FormSelectOption value="" label="Choose a provider" isPlaceholder />
          {providers.map((p) => (
            <FormSelectOption key={p.id} value={p.id} label={p.configured ? `${p.name} (replace stored key)` : p.name} />
          ))}
        </FormSelect>
        {errorFor("provider") ??
          (provider?.configured ? hint("You already stored a key for this provider; saving replaces it.") : undefined)}
      </FormGroup>

      <FormGroup label="API key" isRequired fieldId="byok-key">
        <TextInput
          id="byok-key"
          name="byok-api-key"
          type="password"
          value={key}
          autoComplete="off"
          spellCheck={false}
          validated={fieldError("key") ? "error" : "default"}
          onChange={(_event, value) => {
            edited("key");
            setKey(value);
            if (add.error?.retryable) {
              // A new key replaces the one held for Retry.
              add.reset();
            }
          }}
        />
        {errorFor("key") ??
          hint(
            provider?.key_format
              ? `${provider.name} keys start with ${provider.key_format}. The key is stored encrypted and never shown again.`
              : "The key is stored encrypted and never shown again.",
          )}
      </FormGroup>

      <FormGroup label="Label" fieldId="byok-label">
        <TextInput
          id="byok-label"
          type="text"
          value={label}
          maxLength={LABEL_MAX_LENGTH}
          validated={fieldError("label") ? "error" : "default"}
          onChange={(_event, value) => {
            edited("label");
            setLabel(value);
          }}
        />
        {errorFor("label") ?? hint(`Optional, up to ${LABEL_MAX_LENGTH} characters, for example "work account".`)}
      </FormGroup>

      {isCustom && (
        <FormGroup label="Endpoint" isRequired fieldId="byok-endpoint">
          <TextInput
            id="byok-endpoint"
            type="url"
            value={endpoint}
            placeholder="https://llm.example.com/v1"
            validated={fieldError("endpoint") ? "error" : "default"}
            onChange={(_event, value) => {
              edited("endpoint");
              setEndpoint(value);
            }}
          />
          {errorFor("endpoint") ??
            hint("Base URL of your OpenAI-compatible API (https). The gateway sends your key only there.")}
        </FormGroup>
      )}

      <ActionGroup>
        <Button type="submit" variant="primary" isDisabled={add.pending} isLoading={add.pending}>
          {provider?.configured ? "Replace key" : "Save key"}
        </Button>
      </ActionGroup>
    </Form>
  );
};
