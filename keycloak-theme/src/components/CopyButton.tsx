import { Button, Flex, FlexItem } from "@patternfly/react-core";
import { CheckIcon, CopyIcon } from "@patternfly/react-icons";
import { useEffect, useRef, useState } from "react";
import { copyText } from "../utils/clipboard";

type CopyButtonProps = {
  /** What is copied; read when clicked, so it is always the current text. */
  text: string;
  /** Accessible name, for example "Copy the gateway key". */
  label: string;
  variant?: "primary" | "secondary" | "control" | "plain";
  "data-testid"?: string;
};

type Outcome = "copied" | "failed" | undefined;

/**
 * A copy button that reports what really happened: "Copied" only after the clipboard accepted
 * the text, otherwise how to copy by hand (the Clipboard API needs https or localhost).
 */
export const CopyButton = ({ text, label, variant = "control", ...rest }: CopyButtonProps) => {
  const [outcome, setOutcome] = useState<Outcome>();
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = async () => {
    const copied = await copyText(text);
    setOutcome(copied ? "copied" : "failed");
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setOutcome(undefined), copied ? 3000 : 8000);
  };

  return (
    <Flex
      spaceItems={{ default: "spaceItemsSm" }}
      alignItems={{ default: "alignItemsCenter" }}
      flexWrap={{ default: "nowrap" }}
    >
      <FlexItem>
        <Button
          variant={variant}
          aria-label={label}
          onClick={() => void copy()}
          icon={outcome === "copied" ? <CheckIcon /> : <CopyIcon />}
          data-testid={rest["data-testid"]}
          data-copy-state={outcome ?? "idle"}
        >
          {variant === "plain" ? undefined : "Copy"}
        </Button>
      </FlexItem>
      <FlexItem>
        <span role="status" className="byok-copy-status">
          {outcome === "copied" ? "Copied" : outcome === "failed" ? "Copying is blocked here: select the text and copy it." : ""}
        </span>
      </FlexItem>
    </Flex>
  );
};
