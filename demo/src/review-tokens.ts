// A review as token ids for the sentiment classifier: lower-case words, each hashed (32-bit FNV-1a) into one of
// REVIEW_BUCKETS ids. Hashing instead of a vocabulary keeps the saved model self-contained: the file holds the
// network and its class names only, and any program that hashes words this way can use it, for words the demo
// never saw too (they share a bucket with some other word instead of being refused).

export const REVIEW_BUCKETS = 1024;

/** The words of a review: runs of letters, digits and inner apostrophes, lower-cased. */
export function reviewWords(review: string): string[] {
  return review.toLowerCase().match(/[\p{L}\p{N}]+(?:'[\p{L}]+)*/gu) ?? [];
}

/** 32-bit FNV-1a of the word's UTF-16 code units, modulo REVIEW_BUCKETS. */
export function wordBucket(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    h ^= word.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % REVIEW_BUCKETS;
}

/** The token ids of a review (empty when it has no words). */
export function reviewTokens(review: string): Int32Array {
  return Int32Array.from(reviewWords(review), wordBucket);
}
