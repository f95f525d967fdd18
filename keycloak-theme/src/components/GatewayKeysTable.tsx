import { Button, Label } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import type { GatewayKey } from "../api/types";
import { formatApiDay, isPast } from "../utils/formatDate";

type GatewayKeysTableProps = {
  keys: GatewayKey[];
  onRevoke: (key: GatewayKey) => void;
  locale?: string;
  now?: Date;
};

/** The user's gateway keys by name and preview, each with Revoke. */
export const GatewayKeysTable = ({ keys, onRevoke, locale, now }: GatewayKeysTableProps) => (
  <Table aria-label="Your gateway keys" variant="compact" data-testid="gateway-keys-table" className="byok-table">
    <Thead>
      <Tr>
        <Th>Name</Th>
        <Th>Key</Th>
        <Th>Created</Th>
        <Th>Expires</Th>
        <Th>Last used</Th>
        <Th screenReaderText="Actions" />
      </Tr>
    </Thead>
    <Tbody>
      {keys.map((key) => (
        <Tr key={key.id} data-gateway-key={key.id}>
          <Td dataLabel="Name" modifier="breakWord">
            {key.name}
          </Td>
          <Td dataLabel="Key" modifier="nowrap">
            <code>{key.token_preview}</code>
          </Td>
          <Td dataLabel="Created" modifier="nowrap">
            {formatApiDay(key.created, locale)}
          </Td>
          <Td dataLabel="Expires" modifier="nowrap">
            {isPast(key.expires, now) ? (
              <div>
                <Label color="red" isCompact data-status="expired">
                  Expired
                </Label>
              </div>
            ) : (
              formatApiDay(key.expires, locale)
            )}
          </Td>
          <Td dataLabel="Last used" modifier="nowrap">
            {key.last_used ? formatApiDay(key.last_used, locale) : "Never"}
          </Td>
          <Td isActionCell>
            <Button
              variant="secondary"
              isDanger
              onClick={() => onRevoke(key)}
              aria-label={`Revoke the gateway key ${key.name}`}
            >
              Revoke
            </Button>
          </Td>
        </Tr>
      ))}
    </Tbody>
  </Table>
);
