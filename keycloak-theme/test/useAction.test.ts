import { act, renderHook } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ByokApiError } from "../src/api/errors";
import { useAction } from "../src/hooks/useAction";

describe("useAction", () => {
  it("retries a retryable failure with the same arguments", async () => {
    const perform = vi
      .fn<(id: string) => Promise<string>>()
      .mockRejectedValueOnce(new ByokApiError("unavailable", "down"))
      .mockResolvedValueOnce("done");
    const { result } = renderHook(() => useAction(perform));

    await act(async () => {
      await result.current.run("openai");
    });
    expect(result.current.error?.kind).toBe("unavailable");

    let outcome: string | undefined;
    await act(async () => {
      outcome = await result.current.retry();
    });
    expect(outcome).toBe("done");
    expect(perform.mock.calls).toEqual([["openai"], ["openai"]]);
    expect(result.current.error).toBeUndefined();
  });

  it("forgets the arguments of a failure that cannot be retried", async () => {
    const perform = vi.fn<(key: string) => Promise<string>>().mockRejectedValue(new ByokApiError("validation", "bad"));
    const { result } = renderHook(() => useAction(perform));

    await act(async () => {
      await result.current.run("sk-secret");
    });
    await act(async () => {
      await result.current.retry();
    });

    expect(perform).toHaveBeenCalledTimes(1);
  });

  it("ignores a second run while the first is in flight", async () => {
    let release!: (value: string) => void;
    const perform = vi.fn(() => new Promise<string>((resolve) => (release = resolve)));
    const { result } = renderHook(() => useAction(perform));

    let first: Promise<string | undefined> | undefined;
    let second: string | undefined = "not run";
    await act(async () => {
      first = result.current.run();
      second = await result.current.run();
    });
    expect(result.current.pending).toBe(true);
    await act(async () => release("ok"));

    expect(await first).toBe("ok");
    expect(second).toBeUndefined();
    expect(perform).toHaveBeenCalledTimes(1);
    expect(result.current.pending).toBe(false);
  });
});
