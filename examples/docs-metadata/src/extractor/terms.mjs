// Words, sentences and index terms of a text: what word counts, TF-IDF keywords and MinHash
// shingles are computed from.

// A dot between letters or digits stays inside a word: `v2.0.0`, `node.js`, `e.g` are one word each.
const wordPattern = /[\p{L}\p{N}](?:[\p{L}\p{N}'’_-]|\.(?=[\p{L}\p{N}]))*/gu
// A sentence ends at . ! or ? before a space or the end: dots inside `v1.2.3` or `a.com` do not count.
const sentencePattern = /[\s\S]+?(?:[.!?]+(?=\s|$)|$)/g
// Words too common to say anything about a document (English; other languages pass through).
const stopwords = new Set(
  `a about above after again against all also am an and any are as at be because been before being
  below between both but by can could did do does doing down during each either else etc few for from
  further had has have having he her here hers him his how however i if in into is it its itself just
  let may me might more most must my no nor not now of off on once only or other our ours out over own
  same shall she should so some such than that the their theirs them then there these they this those
  through to too under until up upon us use used uses using very via was we were what when where which
  while who whom why will with would yet you your yours`.split(/\s+/),
)

/** @param {string} text */
export function words(text) {
  return text.match(wordPattern) ?? []
}

/** @param {string} text */
export function countSentences(text) {
  let count = 0
  for (const match of text.matchAll(sentencePattern)) if (/[\p{L}\p{N}]/u.test(match[0])) count++
  return count
}

/**
 * The index terms (lowercase words of 3+ letters, stopwords and numbers out), space-separated
 * with repeats: one string is what an element result carries (cheap to clone and store).
 * @param {string[]} tokens
 * @returns {string}
 */
export function indexTerms(tokens) {
  const terms = []
  for (const token of tokens) {
    const term = token.toLowerCase().replace(/['’]s$/, '')
    if (
      term.length < 3 ||
      term.length > 30 ||
      stopwords.has(term) ||
      !/\p{L}/u.test(term) ||
      /\d\.\d/.test(term)
    )
      continue
    terms.push(term)
  }
  return terms.join(' ')
}
