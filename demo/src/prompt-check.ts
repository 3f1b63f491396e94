// The text tab's prompt, checked against the text's characters before any training: the model's vocabulary is
// exactly the characters of the text, and a prompt character outside it could not be fed to the network.

/** Why the prompt cannot start a sample from a model of `text`, or undefined when it can. */
export function promptProblem(prompt: string, text: string): string | undefined {
  if (prompt.length === 0)
    return 'The prompt is empty: type at least one character for the sample to start from.';
  const known = new Set(text);
  const unknown = [...new Set([...prompt].filter((ch) => !known.has(ch)))];
  if (unknown.length === 0) return undefined;
  const shown = unknown
    .slice(0, 5)
    .map((ch) => `"${ch}" (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`)
    .join(', ');
  return `The prompt uses ${unknown.length === 1 ? 'a character' : 'characters'} the text never does: ${shown}. The model only knows the text's ${known.size} characters; change the prompt or add text with ${unknown.length === 1 ? 'it' : 'them'}.`;
}
