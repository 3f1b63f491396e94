// What the text and sentiment tabs show: the prompt set apart from the generated continuation, and reviews with
// their scores.

/** The prompt, a visible separator, then what the model wrote after it. */
export function showSample(el: HTMLElement, prompt: string, text: string): void {
  const promptPart = Object.assign(document.createElement('span'), {
    className: 'prompt',
    textContent: prompt,
  });
  const separator = Object.assign(document.createElement('span'), {
    className: 'separator',
    textContent: 'generated ▸',
    title: 'the prompt ends here; the model wrote the rest',
  });
  const generated = Object.assign(document.createElement('span'), {
    className: 'generated',
    textContent: text.slice(prompt.length),
  });
  el.replaceChildren(promptPart, separator, generated);
}

/** "positive · P(positive) 0.82", in the colour of the side it falls on. */
export function showScore(el: HTMLElement, positive: number): void {
  const side = positive >= 0.5 ? 'positive' : 'negative';
  el.textContent = `${side} · P(positive) ${positive.toFixed(2)}`;
  el.dataset.side = side;
}

/** Each held-out review with its label and the model's verdict; mistakes are marked. */
export function showHeldOut(
  list: HTMLElement,
  reviews: readonly { review: string; label: number; positive: number }[],
): void {
  list.replaceChildren(
    ...reviews.map((r) => {
      const item = document.createElement('li');
      const right = (r.positive >= 0.5 ? 1 : 0) === r.label;
      item.className = right ? 'right' : 'wrong';
      const score = document.createElement('span');
      showScore(score, r.positive);
      score.className = 'score';
      item.append(`${right ? '✓' : '✗'} ${r.review} `, score);
      return item;
    }),
  );
}
