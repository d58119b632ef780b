/** `1 epoch`, `3 epochs`: a count and its noun, singular for one. */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}
