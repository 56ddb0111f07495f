// Words, sentences and index terms of a text: what word counts, TF-IDF keywords and MinHash
// shingles are computed from.

// A dot between letters or digits stays inside a word: `v2.0.0`, `node.js`, `e.g` are one word each.
// Combining marks (\p{M}) belong to the word: Devanagari `करना` is one word, not `करन`.
const wordPattern = /[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}'’_-]|\.(?=[\p{L}\p{N}]))*/gu
// Scripts written without spaces between words (ー: the kana length mark, script Common).
const spaceless = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ーｰ\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}`
const hasSpaceless = new RegExp(`[${spaceless}]`, 'u')
// Split with a capture: runs of those scripts land at the odd indexes.
const spacelessRuns = new RegExp(`([${spaceless}][${spaceless}\\p{M}]*)`, 'u')
// Japanese words in hiragana alone are particles and endings (の, です, ます): no index terms.
const hiraganaOnly = /^\p{Script=Hiragana}+$/u
// A sentence ends at . ! or ? before a space or the end (dots inside `v1.2.3` or `a.com` do not
// count), or at 。！？, the danda । ॥ or ؟ right away.
const sentencePattern = /[\s\S]+?(?:[.!?]+(?=\s|$)|[。！？｡।॥؟]+|$)/g
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

// What a reader counts as a word: a whitespace-separated token with a letter or digit in it
// (`and/or`, `f(a,b)`, `v2.0.0` are one word each; a lone `-` or `|` is none). Han and kana count
// one word per character, as Microsoft Word and Google Docs count Chinese and Japanese (字数):
// where a word ends there is a matter of convention, and segmenters disagree by 5–15%.
const readerWord = /\S*[\p{L}\p{N}]\S*/gu
const cjkCharacter = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ーｰ々〆]/gu
// Thai, Lao, Khmer and Myanmar have no spaces either, but no per-character convention.
const segmentedRun =
  /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}][\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{M}]*/gu

/**
 * The number of words a reader counts in `text` (see readerWord above). words() gives the
 * tokens that index terms and shingles are made of, which split finer (`and/or` is 2 there).
 * @param {string} text
 */
export function countWords(text) {
  if (!hasSpaceless.test(text)) return text.match(readerWord)?.length ?? 0
  let count = 0
  const rest = text
    .replace(cjkCharacter, () => {
      count++
      return ' '
    })
    .replace(segmentedRun, (run) => {
      for (const s of segmenter().segment(run)) if (s.isWordLike) count++
      return ' '
    })
  return count + (rest.match(readerWord)?.length ?? 0)
}

/** @param {string} text */
export function words(text) {
  if (!hasSpaceless.test(text)) return text.match(wordPattern) ?? []
  // Runs of Han, kana, Thai, ... go to the word segmenter (a dictionary); the rest keeps the regex.
  const tokens = []
  const parts = text.split(spacelessRuns)
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) tokens.push(...(parts[i].match(wordPattern) ?? []))
    else for (const s of segmenter().segment(parts[i])) if (s.isWordLike) tokens.push(s.segment)
  }
  return tokens
}

/** @type {Intl.Segmenter | undefined} */
let wordSegmenter
// One per thread, made on first use: creating one loads ICU's word dictionaries (~10 ms).
const segmenter = () => (wordSegmenter ??= new Intl.Segmenter('en', { granularity: 'word' }))

/** @param {string} text */
export function countSentences(text) {
  let count = 0
  for (const match of text.matchAll(sentencePattern)) if (/[\p{L}\p{N}]/u.test(match[0])) count++
  return count
}

/**
 * The index terms (lowercase words of 3+ letters, or 2+ in Han, kana, Thai, ...; stopwords,
 * numbers and hiragana-only words out), space-separated with repeats: one string is what an
 * element result carries (cheap to clone and store).
 * @param {string[]} tokens
 * @returns {string}
 */
export function indexTerms(tokens) {
  const terms = []
  for (const token of tokens) {
    const term = token.toLowerCase().replace(/['’]s$/, '')
    if (
      (term.length < 3 && !(term.length === 2 && hasSpaceless.test(term))) ||
      term.length > 30 ||
      stopwords.has(term) ||
      !/\p{L}/u.test(term) ||
      /\d\.\d/.test(term) ||
      hiraganaOnly.test(term)
    )
      continue
    terms.push(term)
  }
  return terms.join(' ')
}
