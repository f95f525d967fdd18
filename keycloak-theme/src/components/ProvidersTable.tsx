import { Button, Label } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import type { Provider } from "../api/types";

type ProvidersTableProps = {
  providers: Provider[];
  /** Absent when the user's plan does not allow adding keys. */
  onChoose?: (providerId: string) => void;
};

/** The catalogue: which providers exist, what their keys look like, which have a key stored. */
export const ProvidersTable = ({ providers, onChoose }: ProvidersTableProps) => (
  <Table aria-label="Providers" variant="compact" data-testid="providers-table" className="byok-table">
    <Thead>
      <Tr>
        <Th>Provider</Th>
        <Th>Key format</Th>
        <Th>Your key</Th>
        {onChoose && <Th screenReaderText="Actions" />}
      </Tr>
    </Thead>
    <Tbody>
      {providers.map((provider) => (
        <Tr key={provider.id} data-provider={provider.id}>
          <Td dataLabel="Provider">{provider.name}</Td>
          <Td dataLabel="Key format">
            {provider.key_format ? <code>{provider.key_format}…</code> : <span>any</span>}
          </Td>
          <Td dataLabel="Your key">
            <div>
              {provider.configured ? (
                <Label color="blue">Configured</Label>
              ) : (
                <Label color="grey">Not configured</Label>
              )}
            </div>
          </Td>
          {onChoose && (
            <Td isActionCell>
              {/* Not isInline: inline link buttons wrap (white-space: normal), "Replace key" onto two lines. */}
              <Button variant="link" onClick={() => onChoose(provider.id)}>
                {provider.configured ? "Replace key" : "Add key"}
              </Button>
            </Td>
          )}
        </Tr>
      ))}
    </Tbody>
  </Table>
);
