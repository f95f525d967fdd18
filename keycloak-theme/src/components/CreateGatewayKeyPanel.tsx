import { Stack, StackItem, Text, TextContent } from "@patternfly/react-core";
import type { CreatedGatewayKey } from "../api/types";
import { CreateGatewayKeyForm } from "./CreateGatewayKeyForm";
import { NewGatewayKey } from "./NewGatewayKey";

type CreateGatewayKeyPanelProps = {
  /** The key just created, shown once; undefined once the user closed it (or never created one). */
  created: CreatedGatewayKey | undefined;
  onCreated: (created: CreatedGatewayKey) => void;
  onForget: () => void;
  onSignIn?: () => void;
  locale?: string;
};

/** Creates a gateway key (DESIGN.md section 10) and shows it the one time it can be seen. */
export const CreateGatewayKeyPanel = ({ created, onCreated, onForget, onSignIn, locale }: CreateGatewayKeyPanelProps) => (
  <Stack hasGutter data-testid="create-gateway-key">
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
    <StackItem>
      <CreateGatewayKeyForm onCreated={onCreated} onSignIn={onSignIn} />
    </StackItem>
  </Stack>
);
