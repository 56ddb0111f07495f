// Command-line parsing for `mx-docs extract`. A bad flag is a UsageError: main prints its
// message and the usage line and exits with code 2.
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { defaultMaxBytes } from '@mx/corpus'
import { encodingOf } from '../extractor/decode.mjs'

/** pino's levels; `silent` is no logs. */
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

export const usage = `usage: mx-docs extract [dir] [--out metadata.jsonl] [--report report.html] [--threads N]
                       [--level basic|standard|performance|enterprise] [--cache-dir DIR] [--no-cache]
                       [--redis URL] [--redis-prefix PREFIX] [--max-bytes N] [--encoding LABEL]
                       [--log-level LEVEL] [--log-file PATH] [--json] [--strict]
       mx-docs --version | --help

  dir             folder of .md/.markdown/.html/.htm/.txt/.pdf documents (default: the README,
                  CHANGELOG and docs/ of every package installed under the workspace's node_modules)
  --out           metadata, one JSON line per document, then one corpus line (default metadata.jsonl)
  --report        HTML performance report (default report.html)
  --threads       worker threads (default 2)
  --level         engine preset (default enterprise)
  --cache-dir     disk cache and version store (default .mx-cache in the current directory)
  --no-cache      no cache and no version store: every document is extracted
  --redis         Redis URL: a shared cache tier and invalidation bus
  --redis-prefix  prefix of the Redis keys (default mx:docs:)
  --max-bytes     bigger files are per-document errors, never read (default ${defaultMaxBytes})
  --encoding      the documents' encoding when they have no BOM (windows-1252, shift_jis, ...);
                  default: UTF-8, and for HTML its <meta charset>, else UTF-8 or windows-1252
  --log-level     structured logs (pino JSON lines, one per document at info, per stage at debug):
                  ${logLevels.join(', ')}; default off, info with --log-file
  --log-file      write the logs to this file (JSON lines) instead of stderr
  --json          print the summary as JSON instead of a table
  --strict        exit with code 1 when a document failed
  --version       print the versions of mx-docs, @mx/engine and Node.js
  -h, --help      formats, metadata fields, examples and exit codes`

/** What --help prints: the usage, then the formats and the metadata fields (see the README). */
export const help = `${usage}

formats
  Markdown        .md .markdown: YAML (---) or TOML (+++) front matter gives title, description,
                  tags, date, updated, authors; its other keys go to frontMatter
  HTML            .html .htm: <title>, h1-h6, <meta name="description|keywords|author">
  text            .txt: blank-line blocks; short unpunctuated lines are headings
  PDF             .pdf: text blocks per page with bbox; headings by font size; info, XMP, bookmarks

encodings
  A BOM wins, then --encoding; HTML: <meta charset> in the first 1024 bytes, else UTF-8 or
  windows-1252; Markdown and text: UTF-8, else MX_DOCS_INVALID_UTF8 naming the byte offset.

metadata (one "kind":"document" line per document, then one "kind":"corpus" line)
  title           front matter, PDF info, <title>, else the first level-1 heading
  description     front matter or <meta>, else the first paragraph (200 characters)
  format          markdown, html, text or pdf
  encoding        what the text was decoded from (null for a PDF)
  tags date updated authors frontMatter   from front matter, <meta> or PDF info, when present
  warnings        non-fatal problems (malformed front matter, a PDF page with no text)
  pdf             pages, producer, creator, bookmarks
  language        ISO 639-3 code of most of the prose; null under 20 words
  outline         headings in order: id, depth, text (and page in a PDF)
  words           words a reader counts (Chinese and Japanese: one per character); no code
  readingMinutes  words at 230 a minute
  counts          elements, headings, paragraphs, list items, code blocks, tables, quotes,
                  links, images
  codeLanguages links entities   code block languages, link targets, URLs, e-mails, versions,
                  dates, issue references
  corpus line     keywords (TF-IDF), sections, links between documents, near-duplicates

examples
  mx-docs extract                          the docs of the installed packages (a demo corpus)
  mx-docs extract ./docs --out docs.jsonl  a folder; a second run comes from .mx-cache
  mx-docs extract ./site --encoding windows-1252 --threads 4
  mx-docs extract ./docs --no-cache --strict --json > summary.json
  mx-docs extract ./docs --redis redis://127.0.0.1:6379   share the cache across machines

exit codes
  0  done: every document was read; failed ones are "ok":false lines in the output
  1  --strict and a document failed, or the run could not start (its error on stderr)
  2  bad command line (the message and the usage on stderr)

Paths printed at the end are absolute; relative paths given as flags are read from the current
directory.`

export const levels = ['basic', 'standard', 'performance', 'enterprise']

/** A bad command line: exit code 2. */
export class UsageError extends Error {
  constructor(message) {
    super(message)
    this.name = 'UsageError'
    this.code = 'MX_USAGE'
  }
}

/**
 * What `mx-docs extract` runs with (paths absolute).
 * @typedef {{ help: false, version?: false, dir?: string, out: string, report: string,
 *   threads: number, level: string, cacheDir?: string, cache: boolean, redis?: string,
 *   redisPrefix: string, maxBytes: number, encoding?: string, logLevel: string, logFile?: string,
 *   json: boolean, strict: boolean }} RunOptions
 */

/**
 * @param {string[]} argv the arguments after the program name
 * @returns {{ help: true } | { help: false, version: true } | RunOptions}
 */
export function parseCommandLine(argv) {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string', default: 'metadata.jsonl' },
        report: { type: 'string', default: 'report.html' },
        threads: { type: 'string', default: '2' },
        level: { type: 'string', default: 'enterprise' },
        'cache-dir': { type: 'string' },
        'no-cache': { type: 'boolean', default: false },
        redis: { type: 'string' },
        'redis-prefix': { type: 'string', default: 'mx:docs:' },
        'max-bytes': { type: 'string', default: String(defaultMaxBytes) },
        encoding: { type: 'string' },
        'log-level': { type: 'string' },
        'log-file': { type: 'string' },
        json: { type: 'boolean', default: false },
        strict: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    })
  } catch (error) {
    // node:util names the flag ("Unknown option '--x'"); keep its words, drop its hint.
    throw new UsageError(/** @type {Error} */ (error).message.split('. ')[0])
  }
  const { values, positionals } = parsed
  if (values.help) return { help: true }
  if (values.version) return { help: false, version: true }
  const [command, dir, ...extra] = positionals
  if (command !== 'extract')
    throw new UsageError(
      command
        ? `unknown command ${JSON.stringify(command)}: the command is extract`
        : 'missing command: extract',
    )
  if (extra.length > 0)
    throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}: give at most one dir`)
  const threads = positiveInteger('--threads', values.threads)
  const maxBytes = positiveInteger('--max-bytes', values['max-bytes'])
  if (!levels.includes(values.level))
    throw new UsageError(
      `--level must be one of ${levels.join(', ')}, got ${JSON.stringify(values.level)}`,
    )
  if (values['no-cache'] && values.redis !== undefined)
    throw new UsageError('--no-cache and --redis exclude each other (Redis is a cache tier)')
  if (values['no-cache'] && values['cache-dir'])
    throw new UsageError('--no-cache and --cache-dir exclude each other')
  if (values.redis !== undefined && !/^rediss?:\/\/./.test(values.redis))
    throw new UsageError(
      `--redis must be a redis:// or rediss:// URL, got ${JSON.stringify(values.redis)}`,
    )
  // The WHATWG label's canonical name (`latin1` is windows-1252), as TextDecoder knows it.
  const encoding = values.encoding === undefined ? undefined : encodingOf(values.encoding)
  if (values.encoding !== undefined && !encoding)
    throw new UsageError(
      `--encoding must be an encoding label such as utf-8, windows-1252 or shift_jis, got ${JSON.stringify(values.encoding)}`,
    )
  for (const flag of ['out', 'report', 'log-file'])
    if (values[flag] === '') throw new UsageError(`--${flag} must be a file path`)
  const logLevel = values['log-level'] ?? (values['log-file'] === undefined ? 'silent' : 'info')
  if (!logLevels.includes(logLevel))
    throw new UsageError(
      `--log-level must be one of ${logLevels.join(', ')}, got ${JSON.stringify(logLevel)}`,
    )
  return {
    help: false,
    dir,
    // Absolute from here on: what the summary prints points where the files are, wherever the
    // command was run from.
    out: resolve(values.out),
    report: resolve(values.report),
    threads,
    level: values.level,
    cacheDir: values['no-cache'] ? undefined : (values['cache-dir'] ?? '.mx-cache'),
    cache: !values['no-cache'],
    redis: values.redis,
    redisPrefix: values['redis-prefix'],
    maxBytes,
    encoding,
    logLevel,
    logFile: values['log-file'] === undefined ? undefined : resolve(values['log-file']),
    json: values.json,
    strict: values.strict,
  }
}

function positiveInteger(flag, text) {
  const value = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1)
    throw new UsageError(`${flag} must be a positive integer, got ${JSON.stringify(text)}`)
  return value
}
