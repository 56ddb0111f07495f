// Front matter: a YAML (`---` … `---` or `...`) or TOML (`+++` … `+++`) block at the very start
// of a Markdown file. splitFrontMatter() takes it off the text before the Markdown lexer sees it
// (so it is never read as a setext heading or a paragraph) and parses it with `yaml` or
// `smol-toml`; frontMatterFields() maps its data to metadata fields (title, description, tags,
// dates, authors) and keeps the other keys as they are.
import { createRequire } from 'node:module'

// Loaded on the first front matter only: most documents have none, and `yaml` alone costs each
// worker thread ~20 ms to load.
const require = createRequire(import.meta.url)
let yaml
let toml
function parseYaml(source, options) {
  yaml ??= require('yaml')
  return yaml.parse(source, options)
}
function parseToml(source) {
  toml ??= require('smol-toml')
  return toml.parse(source)
}

// The opening fence, whole lines, then the closing fence on a line of its own. A `---` with no
// closing fence is a thematic break, not front matter: no match.
const blocks = [
  {
    language: 'YAML',
    pattern: /^\ufeff?---[ \t]*\r?\n((?:[^\n]*\n)*?)(?:---|\.\.\.)[ \t]*\r?(?:\n|$)/,
    // YAML 1.2's core schema, plus timestamps (`date: 2024-05-01` is a Date, as in Jekyll).
    parse: (source) => parseYaml(source, { customTags: ['timestamp'], logLevel: 'error' }),
    line: (error) => error.linePos?.[0]?.line,
  },
  {
    language: 'TOML',
    pattern: /^\ufeff?\+\+\+[ \t]*\r?\n((?:[^\n]*\n)*?)\+\+\+[ \t]*\r?(?:\n|$)/,
    parse: parseToml,
    line: (error) => error.line,
  },
]

/**
 * Takes the front matter off a Markdown text. Null when the text has none; else the text after
 * it and its data (JSON-safe: dates as ISO 8601 strings), or a warning when it is malformed
 * (the block is dropped all the same).
 * @param {string} text
 * @returns {{ body: string, data?: Record<string, unknown>, warning?: { code: string, message: string } } | null}
 */
export function splitFrontMatter(text) {
  for (const block of blocks) {
    const match = block.pattern.exec(text)
    if (!match) continue
    const body = text.slice(match[0].length)
    let data
    try {
      data = block.parse(match[1])
    } catch (error) {
      // The block's first line is the file's line 2 (line 1 is the fence).
      const line = (block.line(error) ?? 1) + 1
      const reason = String(/** @type {Error} */ (error).message)
        .split('\n')[0]
        .replace(/ at line \d+, column \d+:?$/, '')
      return {
        body,
        warning: malformed(`${block.language} front matter at line ${line}: ${reason}`),
      }
    }
    // An empty block (`---` then `---`) says nothing, and is no mistake.
    if (data === null || data === undefined) return { body }
    if (typeof data !== 'object' || Array.isArray(data))
      return {
        body,
        warning: malformed(
          `${block.language} front matter at line 2 is ${Array.isArray(data) ? 'a list' : `a ${typeof data}`}, not a mapping of keys to values`,
        ),
      }
    return { body, data: jsonSafe(data) }
  }
  return null
}

const malformed = (message) => ({ code: 'MX_DOCS_FRONT_MATTER', message })

/** Plain objects, arrays, strings, numbers and booleans only: an element is hashed and cloned. */
function jsonSafe(value) {
  if (value instanceof Date) return isoString(value)
  if (Array.isArray(value)) return value.map(jsonSafe)
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, jsonSafe(v)]))
  // YAML's .inf and .nan have no JSON form.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  return value
}

/** A date as ISO 8601: date-only at midnight UTC; a TOML date as written (local or offset). */
function isoString(date) {
  if (Number.isNaN(date.getTime())) return null
  if (toml && date instanceof toml.TomlDate) return date.toISOString()
  const iso = date.toISOString()
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso
}

const isoDate =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/
const unique = (values) => [...new Set(values)]

/**
 * The metadata fields front matter gives (key names are matched case-insensitively):
 * `title`; `description`, else `summary` or `excerpt`; `tags`, `keywords` and `categories`
 * together as tags; `date`, `published` or `publishDate`; `lastmod`, `updated`, `lastModified`
 * or `modified` as updated (ISO 8601 strings only); `author` and `authors` (a name, or an object
 * with a `name`). Every other key, and a known key whose value cannot be read so, is in
 * `frontMatter`. Empty fields are left out.
 * @param {Record<string, unknown>} data
 * @returns {{ title?: string, description?: string, tags?: string[], date?: string,
 *   updated?: string, authors?: string[], frontMatter?: Record<string, unknown> }}
 */
export function frontMatterFields(data) {
  const rest = { ...data }
  const take = (names, read) => {
    for (const name of names) {
      const key = Object.keys(rest).find((k) => k.toLowerCase() === name)
      const value = key === undefined ? undefined : read(rest[key])
      if (value === undefined) continue
      delete rest[/** @type {string} */ (key)]
      return value
    }
    return undefined
  }
  const fields = {
    title: take(['title'], text),
    description: take(['description', 'summary', 'excerpt'], text),
    tags: unique(['tags', 'keywords', 'categories'].flatMap((name) => take([name], list) ?? [])),
    date: take(['date', 'published', 'publishdate'], date),
    updated: take(['lastmod', 'updated', 'lastmodified', 'modified'], date),
    authors: unique(['author', 'authors'].flatMap((name) => take([name], names) ?? [])),
    frontMatter: rest,
  }
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) =>
      typeof value === 'object' ? Object.keys(value).length > 0 : value !== undefined,
    ),
  )
}

function text(value) {
  if (typeof value === 'number') return String(value)
  if (typeof value !== 'string') return undefined
  const collapsed = value.replace(/\s+/g, ' ').trim()
  return collapsed || undefined
}

/** A list of strings: an array of them, or one comma-separated string. */
function list(value) {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null
  if (!items?.every((item) => typeof item === 'string' || typeof item === 'number'))
    return undefined
  return items.map((item) => String(item).trim()).filter(Boolean)
}

function date(value) {
  return typeof value === 'string' && isoDate.test(value.trim()) ? value.trim() : undefined
}

/** Author names: a name, an object with a `name`, or an array of those. */
function names(value) {
  const items = Array.isArray(value) ? value : [value]
  const found = items.flatMap((item) => {
    const name = text(typeof item === 'object' && item !== null ? item.name : item)
    return name ? [name] : []
  })
  return found.length > 0 || items.length === 0 ? found : undefined
}
