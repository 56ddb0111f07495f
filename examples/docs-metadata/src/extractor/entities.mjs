// Entities found in an element's text through regular expressions compiled once per process
// (module scope: each worker thread compiles them once, not once per element).

const patterns = {
  urls: /\bhttps?:\/\/[^\s<>()"'`[\]{}]+[^\s<>()"'`[\]{}.,;:!?*_]/g,
  emails: /\b[\w.+-]+@[a-z\d-]+(?:\.[a-z\d-]+)*\.[a-z]{2,}\b/gi,
  versions:
    /(?<![\w./-])v?(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-[\da-z-]+(?:\.[\da-z-]+)*)?(?:\+[\da-z-]+(?:\.[\da-z-]+)*)?(?![\w./-]*\w)/gi,
  dates:
    /\b(?:\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{4})\b/gi,
  issues: /(?:(?<=^|[\s(,[])#\d{1,7}\b|\b[\w.-]+\/[\w.-]+#\d{1,7}\b|\bGH-\d{1,7}\b)/g,
}

/** Entity kinds, in output order. */
export const entityKinds = /** @type {const} */ (['urls', 'emails', 'versions', 'dates', 'issues'])

/**
 * Unique matches of each entity kind in `text`, in order of appearance.
 * @param {string} text
 * @returns {Record<(typeof entityKinds)[number], string[]>}
 */
export function findEntities(text) {
  const found = /** @type {Record<(typeof entityKinds)[number], string[]>} */ ({})
  for (const kind of entityKinds) {
    const re = patterns[kind]
    re.lastIndex = 0
    found[kind] = [...new Set(text.match(re) ?? [])]
  }
  return found
}
