import {
  CodeBlock,
  CodeBlockAction,
  CodeBlockCode,
  ExpandableSection,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Label,
  Stack,
  StackItem,
  Tab,
  TabTitleText,
  Tabs,
  Text,
  TextContent,
  TextVariants,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useMemo, useState } from "react";
import type { Provider } from "../api/types";
import {
  anthropicBaseUrl,
  defaultOpenAiTarget,
  openAiTargets,
  providerEndpoints,
  unifiedBaseUrl,
  type ProviderEndpoint,
} from "../connect/endpoints";
import { KEY_PLACEHOLDER, buildSnippets, type SnippetId } from "../connect/snippets";
import { CopyButton } from "./CopyButton";

type ConnectToolPanelProps = {
  /** The gateway's public base URL, as tools reach it. */
  gatewayUrl: string;
  providers: Provider[];
  /** Whether the user's plan lets the gateway use their stored keys. */
  byokAllowed: boolean;
  /** The freshly created gateway key while it is on screen; the placeholder otherwise. */
  apiKey?: string;
  /** The name of that key, to say which one the snippets contain. */
  apiKeyName?: string;
};

const SDK_LABEL: Record<ProviderEndpoint["sdk"], string> = {
  openai: "OpenAI SDK",
  anthropic: "Anthropic SDK",
  native: "the provider's own API",
};

/** Base URLs and copy-ready snippets for pointing a tool at the gateway with a gateway key. */
export const ConnectToolPanel = ({ gatewayUrl, providers, byokAllowed, apiKey, apiKeyName }: ConnectToolPanelProps) => {
  const endpoints = useMemo(
    () => providerEndpoints(gatewayUrl, providers, byokAllowed),
    [gatewayUrl, providers, byokAllowed],
  );
  const targets = useMemo(() => openAiTargets(gatewayUrl, providers, byokAllowed), [gatewayUrl, providers, byokAllowed]);
  const [chosenTarget, setChosenTarget] = useState<string>();
  const target = targets.find((t) => t.id === chosenTarget) ?? defaultOpenAiTarget(targets);
  const unified = targets.find((t) => t.unified);
  const anthropic = anthropicBaseUrl(gatewayUrl, providers);
  const snippets = buildSnippets({ openai: target, anthropicBaseUrl: anthropic, apiKey });
  const [activeTab, setActiveTab] = useState<SnippetId>("openai-python");
  const shownTab = snippets.some((s) => s.id === activeTab) ? activeTab : snippets[0]?.id;

  const yours = endpoints.filter((e) => e.ownKey);
  const [showAll, setShowAll] = useState(false);

  return (
    <Stack hasGutter data-testid="connect-tool">
      <StackItem>
        <TextContent>
          <Text>
            Give a tool the gateway&apos;s address as its base URL and a gateway key as its API key. The gateway swaps in
            your provider key{byokAllowed ? "" : " (or your administrator's, where one is offered)"} and forwards the
            call.
          </Text>
          <Text component={TextVariants.small} data-testid="snippet-key-state">
            {apiKey
              ? `The snippets below contain your new key "${apiKeyName ?? ""}" until you close its message.`
              : `Replace ${KEY_PLACEHOLDER} with a gateway key: create one under "Create a gateway key" and it is filled in here while it is shown.`}
          </Text>
        </TextContent>
      </StackItem>

      {unified && (
        <StackItem>
          <Text component="h3" className="byok-subheading">
            All your providers
          </Text>
          <div className="byok-unified" data-testid="connect-unified">
            <div className="byok-unified__url">
              <code data-testid="unified-base-url">{unifiedBaseUrl(gatewayUrl)}</code>
              <CopyButton text={unifiedBaseUrl(gatewayUrl)} label="Copy the base URL for all your providers" variant="plain" />
            </div>
            <TextContent>
              <Text component={TextVariants.small}>
                One OpenAI-compatible base URL for every provider you can use: write the model as{" "}
                <code>&lt;provider&gt;/&lt;model&gt;</code>, for example <code>{unified.exampleModel}</code>. Tools that
                list models see all of yours with that prefix.
              </Text>
            </TextContent>
          </div>
        </StackItem>
      )}

      <StackItem>
        <Text component="h3" className="byok-subheading">
          Base URLs for your providers
        </Text>
        {yours.length > 0 ? (
          <EndpointTable endpoints={yours} testId="connect-base-urls" />
        ) : (
          <TextContent>
            <Text component={TextVariants.small} data-testid="connect-no-own-keys">
              {byokAllowed
                ? "You have not stored a provider key yet, so no provider is listed here."
                : "Your plan does not include your own provider keys."}
            </Text>
          </TextContent>
        )}
        <TextContent>
          <Text component={TextVariants.small}>
            Providers for which your administrator offers a key work too; this page cannot tell which ones those are.
          </Text>
        </TextContent>
        <ExpandableSection
          toggleText={showAll ? "Hide the other providers" : "Base URLs of every provider"}
          onToggle={(_event, expanded) => setShowAll(expanded)}
          isExpanded={showAll}
          data-testid="connect-all-providers"
        >
          <EndpointTable endpoints={endpoints} testId="connect-all-base-urls" />
        </ExpandableSection>
      </StackItem>

      {snippets.length > 0 && (
        <StackItem>
          <Text component="h3" className="byok-subheading">
            Snippets
          </Text>
          {targets.length > 1 && target && (
            <FormGroup label="OpenAI-compatible endpoint in the snippets" fieldId="byok-connect-target">
              <FormSelect
                id="byok-connect-target"
                value={target.id}
                onChange={(_event, value) => setChosenTarget(value)}
              >
                {targets.map((t) => (
                  <FormSelectOption
                    key={t.id}
                    value={t.id}
                    label={t.ownKey && !t.unified ? `${t.label} (your key)` : t.label}
                  />
                ))}
              </FormSelect>
            </FormGroup>
          )}
          <Tabs
            activeKey={shownTab}
            onSelect={(_event, key) => setActiveTab(key as SnippetId)}
            aria-label="Snippets"
            className="byok-snippet-tabs"
          >
            {snippets.map((snippet) => (
              <Tab
                key={snippet.id}
                eventKey={snippet.id}
                title={<TabTitleText>{snippet.title}</TabTitleText>}
                data-testid={`snippet-tab-${snippet.id}`}
              >
                <div className="byok-snippet">
                  <TextContent>
                    <Text component={TextVariants.small}>{snippet.hint}</Text>
                  </TextContent>
                  <CodeBlock
                    data-testid={`snippet-${snippet.id}`}
                    actions={
                      <CodeBlockAction>
                        <CopyButton
                          text={snippet.code}
                          label={`Copy the ${snippet.title} snippet`}
                          variant="plain"
                          data-testid={`copy-snippet-${snippet.id}`}
                        />
                      </CodeBlockAction>
                    }
                  >
                    <CodeBlockCode className="byok-snippet__code">{snippet.code}</CodeBlockCode>
                  </CodeBlock>
                </div>
              </Tab>
            ))}
          </Tabs>
        </StackItem>
      )}
    </Stack>
  );
};

const EndpointTable = ({ endpoints, testId }: { endpoints: ProviderEndpoint[]; testId: string }) => (
  <Table aria-label="Base URLs" variant="compact" data-testid={testId} className="byok-table byok-endpoints">
    <Thead>
      <Tr>
        <Th>Provider</Th>
        <Th>Base URL</Th>
        <Th screenReaderText="Copy" />
      </Tr>
    </Thead>
    <Tbody>
      {endpoints.map((endpoint) => (
        <Tr key={endpoint.provider} data-provider={endpoint.provider}>
          <Td dataLabel="Provider">
            <div>
              {endpoint.name}
              {endpoint.ownKey && (
                <>
                  {" "}
                  <Label color="blue" isCompact>
                    your key
                  </Label>
                </>
              )}
            </div>
          </Td>
          <Td dataLabel="Base URL" modifier="breakWord">
            <code data-testid="base-url">{endpoint.baseUrl}</code>
            <div className="byok-endpoints__sdk">for {SDK_LABEL[endpoint.sdk]}</div>
          </Td>
          <Td isActionCell>
            <CopyButton text={endpoint.baseUrl} label={`Copy the ${endpoint.name} base URL`} variant="plain" />
          </Td>
        </Tr>
      ))}
    </Tbody>
  </Table>
);
