/**
 * Writes text to the clipboard and says whether it worked. The Clipboard API exists only in
 * secure contexts (https, localhost) and may be refused by the browser; then the caller tells
 * the user to select and copy by hand instead of claiming success.
 */
export async function copyText(text: string, clipboard: Clipboard | undefined = globalThis.navigator?.clipboard): Promise<boolean> {
  if (!clipboard?.writeText) {
    return false;
  }
  try {
    await clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
