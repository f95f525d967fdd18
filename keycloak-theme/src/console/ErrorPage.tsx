import { Button, EmptyState, EmptyStateBody, EmptyStateHeader, Page, PageSection } from "@patternfly/react-core";
import { useRouteError } from "react-router-dom";

/** Shown when a route fails to render; never shows the error object itself. */
export const ErrorPage = () => {
  const error = useRouteError();
  const notFound =
    typeof error === "object" && error !== null && "status" in error && (error as { status: unknown }).status === 404;
  return (
    <Page>
      <PageSection variant="light">
        <EmptyState>
          <EmptyStateHeader titleText={notFound ? "Page not found" : "Something went wrong"} headingLevel="h1" />
          <EmptyStateBody>
            {notFound ? "This page does not exist in your account console." : "Reload the page and try again."}
          </EmptyStateBody>
          <Button variant="primary" onClick={() => location.reload()}>
            Reload
          </Button>
        </EmptyState>
      </PageSection>
    </Page>
  );
};
