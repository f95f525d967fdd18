import { Alert, Button, Flex, FlexItem, TextInput } from "@patternfly/react-core";
import type { CreatedGatewayKey } from "../api/types";
import { formatApiDate } from "../utils/formatDate";
import { CopyButton } from "./CopyButton";

type NewGatewayKeyProps = {
  created: CreatedGatewayKey;
  /** Forgets the key: after this the page cannot show it again. */
  onDone: () => void;
  locale?: string;
};

/** The one moment the user sees a gateway key: copy it now, it is not shown again. */
export const NewGatewayKey = ({ created, onDone, locale }: NewGatewayKeyProps) => (
  <Alert
    isInline
    variant="warning"
    title={`Copy your new gateway key "${created.name}" now: you will not see it again`}
    data-testid="new-gateway-key"
    actionLinks={
      <Button variant="link" isInline onClick={onDone} data-testid="new-gateway-key-done">
        I have copied it
      </Button>
    }
  >
    <p>
      The gateway keeps only a fingerprint of it, so neither this page nor an administrator can show it again. Use it
      as the API key of your tool; the snippets under &quot;Connect a tool&quot; contain it until you close this
      message. It expires on {formatApiDate(created.expires, locale)}.
    </p>
    <Flex
      className="byok-new-key"
      spaceItems={{ default: "spaceItemsSm" }}
      alignItems={{ default: "alignItemsCenter" }}
      flexWrap={{ default: "nowrap" }}
    >
      <FlexItem grow={{ default: "grow" }} className="byok-new-key__value">
        <TextInput
          readOnly
          value={created.token}
          aria-label="Your new gateway key"
          data-testid="new-gateway-key-value"
          className="byok-monospace"
          onFocus={(event) => event.currentTarget.select()}
        />
      </FlexItem>
      <FlexItem>
        <CopyButton text={created.token} label="Copy the gateway key" variant="secondary" data-testid="copy-gateway-key" />
      </FlexItem>
    </Flex>
  </Alert>
);
