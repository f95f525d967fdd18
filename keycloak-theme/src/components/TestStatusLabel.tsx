import { Label } from "@patternfly/react-core";
import type { TestStatus } from "../api/types";

const appearance: Record<TestStatus, { color: "green" | "red" | "orange"; text: string }> = {
  valid: { color: "green", text: "Valid" },
  invalid: { color: "red", text: "Rejected by provider" },
  error: { color: "orange", text: "Test failed" },
};

/** The outcome of the last key test; "Not tested" until there is one. */
export const TestStatusLabel = ({ status }: { status: TestStatus | null | undefined }) => {
  const known = status ? appearance[status] : undefined;
  return known ? (
    <Label color={known.color} data-status={status}>
      {known.text}
    </Label>
  ) : (
    <Label color="grey" data-status="untested">
      Not tested
    </Label>
  );
};
