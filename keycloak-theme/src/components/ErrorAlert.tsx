import { Alert, AlertActionLink } from "@patternfly/react-core";
import type { ByokApiError } from "../api/errors";

type ErrorAlertProps = {
  /** What the user was doing, for example "Could not load your API keys". */
  title: string;
  error: ByokApiError;
  onRetry?: () => void;
  /** Offered when the session has expired; the console sends the user to Keycloak's login. */
  onSignIn?: () => void;
  /** Field messages the form could not place next to a field. */
  extraMessages?: string[];
  "data-testid"?: string;
};

/** Shows an API error in words, with the action that can fix it: Retry or Sign in again. */
export const ErrorAlert = ({ title, error, onRetry, onSignIn, extraMessages, ...rest }: ErrorAlertProps) => {
  const sessionExpired = error.kind === "session-expired";
  const actions = [];
  if (error.retryable && onRetry) {
    actions.push(
      <AlertActionLink key="retry" onClick={onRetry}>
        Retry
      </AlertActionLink>,
    );
  }
  if (sessionExpired && onSignIn) {
    actions.push(
      <AlertActionLink key="sign-in" onClick={onSignIn}>
        Sign in again
      </AlertActionLink>,
    );
  }

  return (
    <Alert
      isInline
      variant={error.retryable ? "warning" : "danger"}
      title={sessionExpired ? "Session expired" : title}
      actionLinks={actions.length > 0 ? actions : undefined}
      data-testid={rest["data-testid"]}
      data-error-kind={error.kind}
    >
      <p>{error.message}</p>
      {extraMessages && extraMessages.length > 0 && (
        <ul>
          {extraMessages.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </Alert>
  );
};
