import { Button, Flex, FlexItem, Text, TextContent, TextVariants } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useState } from "react";
import type { KeyTestResult, StoredKey } from "../api/types";
import { useByokClient } from "../hooks/ByokClientContext";
import { useAction } from "../hooks/useAction";
import { formatApiDate } from "../utils/formatDate";
import { ErrorAlert } from "./ErrorAlert";
import { TestStatusLabel } from "./TestStatusLabel";

type KeysTableProps = {
  keys: StoredKey[];
  onDelete: (key: StoredKey) => void;
  /** Called after each test so the list can pick up `last_tested` and `test_status`. */
  onTested: (result: KeyTestResult) => void;
  onSignIn?: () => void;
  locale?: string;
};

/** The user's stored keys, masked, with a Test and a Delete action each. */
export const KeysTable = ({ keys, onDelete, onTested, onSignIn, locale }: KeysTableProps) => (
  <Table aria-label="Your API keys" data-testid="keys-table" className="byok-table">
    <Thead>
      <Tr>
        <Th>Provider</Th>
        <Th>Key</Th>
        <Th>Label</Th>
        <Th>Added</Th>
        <Th>Last tested</Th>
        <Th>Status</Th>
        <Th screenReaderText="Actions" />
      </Tr>
    </Thead>
    <Tbody>
      {keys.map((key) => (
        <KeyRow
          // A replaced key is a new row: the old key's test result must not linger on it.
          key={`${key.provider}|${key.added_date ?? ""}|${key.key_preview}`}
          storedKey={key}
          onDelete={onDelete}
          onTested={onTested}
          onSignIn={onSignIn}
          locale={locale}
        />
      ))}
    </Tbody>
  </Table>
);

type KeyRowProps = Omit<KeysTableProps, "keys"> & { storedKey: StoredKey };

const KeyRow = ({ storedKey, onDelete, onTested, onSignIn, locale }: KeyRowProps) => {
  const client = useByokClient();
  const test = useAction(() => client.testKey(storedKey.provider));
  const [result, setResult] = useState<KeyTestResult>();
  const latest = test.pending || test.error ? undefined : result;

  const runTest = async () => {
    const outcome = await test.run();
    if (outcome) {
      setResult(outcome);
      onTested(outcome);
    }
  };

  return (
    <Tr data-provider={storedKey.provider}>
      <Td dataLabel="Provider">{storedKey.provider_name || storedKey.provider}</Td>
      <Td dataLabel="Key">
        <code>{storedKey.key_preview}</code>
      </Td>
      <Td dataLabel="Label">{storedKey.label || "—"}</Td>
      <Td dataLabel="Added">{formatApiDate(storedKey.added_date, locale)}</Td>
      <Td dataLabel="Last tested">{formatApiDate(storedKey.last_tested, locale)}</Td>
      <Td dataLabel="Status" data-testid="key-status">
        {/* A block of its own: in the stacked layout a bare label stretches across the cell. */}
        <div>
          <TestStatusLabel status={latest?.status ?? storedKey.test_status} />
        </div>
        {latest && (
          <TextContent>
            <Text component={TextVariants.small} data-testid="test-result">
              {latest.message}
            </Text>
          </TextContent>
        )}
        {test.error && (
          <ErrorAlert
            title="The key could not be tested"
            error={test.error}
            onRetry={() => void runTest()}
            onSignIn={onSignIn}
            data-testid="test-error"
          />
        )}
      </Td>
      <Td isActionCell>
        <Flex flexWrap={{ default: "nowrap" }} spaceItems={{ default: "spaceItemsSm" }}>
          <FlexItem>
            <Button
              variant="secondary"
              onClick={() => void runTest()}
              isDisabled={test.pending}
              isLoading={test.pending}
              aria-label={`Test the ${storedKey.provider_name || storedKey.provider} key`}
            >
              Test
            </Button>
          </FlexItem>
          <FlexItem>
            <Button
              variant="secondary"
              isDanger
              onClick={() => onDelete(storedKey)}
              aria-label={`Delete the ${storedKey.provider_name || storedKey.provider} key`}
            >
              Delete
            </Button>
          </FlexItem>
        </Flex>
      </Td>
    </Tr>
  );
};
