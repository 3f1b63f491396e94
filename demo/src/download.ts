// Saving bytes from the page as a file, the way a browser download does it: an object URL behind a link.

export const MODEL_FILES = {
  text: 'wasm-rnn-text.safetensors',
  forecast: 'wasm-rnn-forecast.safetensors',
  sentiment: 'wasm-rnn-sentiment.safetensors',
  dates: 'wasm-rnn-dates.safetensors',
} as const;

export function saveFile(bytes: Uint8Array<ArrayBuffer>, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked a moment later: the browser reads the URL after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
