/**
 * Error patterns: failure messages grouped by a normalised template, where the parts that vary
 * from one document to the next (ids, numbers, paths, URLs, hashes, quoted values) are masked.
 * 1 000 "document a/17.md: unexpected token 'x' at line 3" become one pattern with a count.
 */
import { positiveInteger } from './checks'
import { checkKnownKeys, checkOptionsObject } from './kernel'

/** One group of failures whose messages share a template. */
export interface ErrorPattern {
  /** The message with `<id>`, `<url>`, `<path>`, `<hex>`, `<q>` and `<n>` in place of what varies. */
  template: string
  count: number
  /** ISO time of the first and the last failure of the pattern. */
  first: string
  last: string
  /** The error codes seen (`error.code`, and `error.causeCode` when there was one). */
  codes: string[]
  /** Ids of the first (at most 3) documents that failed this way. */
  examples: string[]
}

/** What a failure contributes: an `ExtractFailure`'s `error`. */
export interface PatternError {
  code: string
  message: string
  causeCode?: string | undefined
}

export interface ErrorPatterns {
  /** Counts one failure of document `id`; `at` is its time in ms since the epoch (default now). */
  add(id: string, error: PatternError, at?: number): void
  /** The patterns, most frequent first (ties: first seen first), at most `limit` of them. */
  list(limit?: number): ErrorPattern[]
  /** Failures counted. */
  readonly total: number
}

export interface ErrorPatternsOptions {
  /**
   * Most templates kept; failures of any further template are counted in one pattern whose
   * template is `<other>`. Default 100.
   */
  max?: number
}

// The keys the options take: `satisfies` makes the compiler keep the list complete.
const PATTERNS_OPTIONS = Object.keys({ max: true } satisfies Record<
  keyof ErrorPatternsOptions,
  true
>)

/** Template of the bucket that counts the failures of templates past `max`. */
export const OTHER_TEMPLATE = '<other>'
const EXAMPLES = 3
/** Messages are cut to this length before they are normalised (a bounded cost per failure). */
const MAX_MESSAGE = 1000
const MAX_TEMPLATE = 300

const URL_RE = /\b[a-z][a-z\d+.-]*:\/\/[^\s'"`<>()[\]{}]+/gi
const WINDOWS_PATH_RE = /(?<![\w\\])(?:[a-z]:\\|\\\\[\w.$-]+\\)[^\s'"`<>|]*/gi
// A path: `/a/b`, `./a`, `../a`, `~/a`, or relative (`a/b.md`, `a/b/c`): decided in pathOrNot.
const PATH_RE = /(?<![\w<>/.\-\\])(?:~|\.{1,2})?\/?[\w.@+~-]*(?:\/[\w.@+~-]+)+\/?/g
const UUID_RE = /\b[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}\b/gi
// `0x…`, or 8 hex digits or more with a letter among them (digits alone are a number).
const HEX_RE = /\b0x[\da-f]+\b|(?<![\w])(?=[\da-f]*[a-f])[\da-f]{8,}(?![\w])/gi
const QUOTED_RE = /(?<![\w\\])(['"`])((?:(?!\1)[^\\\n]|\\.)*)\1(?!\w)/g
const NUMBER_RE = /\d+(?:\.\d+)*/g
// Names whose digits are part of the name, not a value: UTF-8, utf16le, sha256, md5, base64, int32.
const NAMED_NUMBER_RE = /(?:^|[^a-z])(?:utf|ucs|sha|md|base|u?int|float|x)-?$/i
const TRAILING_PUNCTUATION_RE = /[.,;:!?]+$/
const PLACEHOLDER_RE = /^<(?:id|url|path|hex|q|n)>$/

const ID_BEFORE = /[\w/.-]/
const ID_AFTER = /[\w/-]/

/** `id` → `<id>` where it stands alone (not inside a longer word or path); no RegExp per call. */
function maskId(text: string, id: string): string {
  let out = ''
  let from = 0
  let at = text.indexOf(id)
  while (at !== -1) {
    const before = text[at - 1]
    const after = text[at + id.length]
    if (
      (before === undefined || !ID_BEFORE.test(before)) &&
      (after === undefined || !ID_AFTER.test(after))
    ) {
      out += `${text.slice(from, at)}<id>`
      from = at + id.length
      at = text.indexOf(id, from)
    } else at = text.indexOf(id, at + 1)
  }
  return from === 0 ? text : out + text.slice(from)
}

// Failures repeat their messages (a breaker's fast fails, one bad extractor): the templates of
// the last messages seen are kept, so a repeat costs one lookup instead of eight passes.
const TEMPLATE_CACHE_SIZE = 256
const templates = new Map<string, string>()

/** Replaces a match by `mask`, keeping the sentence punctuation it swallowed. */
function masking(mask: string) {
  return (match: string) => {
    const trailing = TRAILING_PUNCTUATION_RE.exec(match)?.[0] ?? ''
    return trailing.length === match.length ? match : mask + trailing
  }
}

function pathOrNot(match: string): string {
  const trailing = TRAILING_PUNCTUATION_RE.exec(match)?.[0] ?? ''
  const path = match.slice(0, match.length - trailing.length)
  const rooted = /^(?:~|\.{1,2})?\//.test(path)
  const slashes = path.split('/').length - 1
  // `and/or` and `text/markdown` are words; `api/index.html` and `a/b/c` are paths.
  const relative = slashes >= 2 || /\.[a-z\d]{1,8}$/i.test(path)
  if (path.length < 2 || !(rooted || relative)) return match
  return `<path>${trailing}`
}

/** Whether a document id is specific enough to mask where it appears (not `a` or `the`). */
function maskableId(id: string): boolean {
  return id.length >= 4 || /[\d/.:_-]/.test(id)
}

/**
 * The template of a failure message: the document's id → `<id>`, URLs → `<url>`, file paths
 * (`/a/b.md`, `./x`, `docs/a.md`, `C:\x`) → `<path>`, hashes, UUIDs and `0x…` → `<hex>`, quoted
 * values (`'x'`, `"x"`, `` `x` ``) → `<q>`, numbers → `<n>`; runs of white space become one space.
 */
export function errorTemplate(message: string, id?: string): string {
  let text = message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE) : message
  if (id !== undefined && id !== '' && maskableId(id)) text = maskId(text, id)
  const known = templates.get(text)
  if (known !== undefined) return known
  const template = maskValues(text)
  if (templates.size >= TEMPLATE_CACHE_SIZE) templates.clear()
  templates.set(text, template)
  return template
}

function maskValues(message: string): string {
  const text = message
    .replace(URL_RE, masking('<url>'))
    .replace(WINDOWS_PATH_RE, masking('<path>'))
    .replace(PATH_RE, pathOrNot)
    .replace(UUID_RE, '<hex>')
    .replace(HEX_RE, '<hex>')
    .replace(QUOTED_RE, (match: string, _quote: string, inner: string) =>
      PLACEHOLDER_RE.test(inner) ? match : '<q>',
    )
    .replace(NUMBER_RE, (digits: string, offset: number, whole: string) => {
      const before = whole.slice(Math.max(0, offset - 8), offset)
      const after = whole[offset + digits.length] ?? ''
      // Digits inside a word (Uint8Array) or in a name (UTF-8, sha256) are not values.
      if (/[a-z]$/i.test(before) && /[a-z]/i.test(after)) return digits
      if (NAMED_NUMBER_RE.test(before)) return digits
      return '<n>'
    })
    .replace(/\s+/g, ' ')
    .trim()
  return text.length > MAX_TEMPLATE ? `${text.slice(0, MAX_TEMPLATE - 1)}…` : text
}

interface Group {
  template: string
  count: number
  first: number
  last: number
  codes: Set<string>
  examples: string[]
  order: number
}

/**
 * Groups failures by `errorTemplate`. Memory is bounded: at most `max` templates (and the
 * `<other>` bucket), each with at most 3 example ids.
 */
export function createErrorPatterns(options: ErrorPatternsOptions = {}): ErrorPatterns {
  checkOptionsObject(options, 'options', 'createErrorPatterns()')
  checkKnownKeys(options, PATTERNS_OPTIONS, 'createErrorPatterns()')
  const max = options.max ?? 100
  positiveInteger('max', max)
  const groups = new Map<string, Group>()
  let other: Group | undefined
  let total = 0
  return {
    get total() {
      return total
    },
    add(id, error, at = Date.now()) {
      total++
      const template = errorTemplate(String(error.message), id)
      let group = groups.get(template)
      if (!group) {
        if (groups.size >= max) {
          other ??= newGroup(OTHER_TEMPLATE, at, Number.MAX_SAFE_INTEGER)
          group = other
        } else {
          group = newGroup(template, at, groups.size)
          groups.set(template, group)
        }
      }
      group.count++
      if (at < group.first) group.first = at
      if (at > group.last) group.last = at
      group.codes.add(error.code)
      if (typeof error.causeCode === 'string') group.codes.add(error.causeCode)
      if (group.examples.length < EXAMPLES && !group.examples.includes(id)) group.examples.push(id)
    },
    list(limit = Number.POSITIVE_INFINITY) {
      const all = other ? [...groups.values(), other] : [...groups.values()]
      all.sort((a, b) => b.count - a.count || a.order - b.order)
      return all.slice(0, limit).map((g) => ({
        template: g.template,
        count: g.count,
        first: new Date(g.first).toISOString(),
        last: new Date(g.last).toISOString(),
        codes: [...g.codes],
        examples: [...g.examples],
      }))
    },
  }
}

function newGroup(template: string, at: number, order: number): Group {
  return { template, count: 0, first: at, last: at, codes: new Set(), examples: [], order }
}
