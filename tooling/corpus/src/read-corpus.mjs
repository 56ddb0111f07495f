// Reading is lazy: readCorpus() is an async generator that reads one file when its consumer pulls
// the next document, so a big corpus never sits in memory. A file that cannot be read, or is too
// big, is reported through onError with a stable code and skipped; the run goes on.
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs'

/** The default size limit: bigger files are per-document errors (MX_DOCS_TOO_LARGE), never read. */
export const defaultMaxBytes = 10 * 1024 * 1024

/** What readCorpus reports: `MX_DOCS_UNREADABLE` or `MX_DOCS_TOO_LARGE`. */
export class CorpusReadError extends Error {
  /**
   * @param {'MX_DOCS_UNREADABLE' | 'MX_DOCS_TOO_LARGE'} code
   * @param {string} message
   * @param {unknown} [cause]
   */
  constructor(code, message, cause) {
    super(`${code}: ${message}`, { cause })
    this.name = 'CorpusReadError'
    this.code = code
  }
}

/**
 * @typedef {object} ReadOptions
 * @property {number} [maxBytes] bigger files are errors, never read (default `defaultMaxBytes`)
 * @property {string | ((path: string) => string)} [mediaType] each document's media type, or
 *   how to tell it from the path (default `text/markdown`)
 * @property {string} [encoding] goes into the media type as its `charset` parameter
 * @property {boolean} [text] content as a UTF-8 string (as `readFile(path, 'utf8')` gives it)
 *   instead of the raw bytes
 * @property {boolean} [stat] adds `stat` to each document: `{ dev, ino, size, mtimeMs, ctimeMs }`
 *   of the open file, taken before its bytes were read (to tell next time whether it changed)
 * @property {(failure: { id: string, path: string, error: CorpusReadError }) => void} [onError]
 *   gets each document that cannot be read, which is then skipped; without it, readCorpus throws
 */

/**
 * Reads each listed document lazily into a SourceDocument `{ id, path, mediaType, content }`.
 * @param {Iterable<{ id: string, path: string }> | AsyncIterable<{ id: string, path: string }>} listing
 * @param {ReadOptions} [options]
 * @returns {AsyncGenerator<{ id: string, path: string, mediaType: string,
 *   content: string | Uint8Array, stat?: FileStat }>}
 */
export async function* readCorpus(listing, options = {}) {
  const { maxBytes = defaultMaxBytes, mediaType = 'text/markdown', encoding, onError } = options
  for await (const entry of listing) {
    let content
    let stat
    try {
      const read = readBounded(entry.path, maxBytes)
      content = options.text ? read.bytes.toString('utf8') : ownBytes(read.bytes)
      stat = read.stat
    } catch (caught) {
      const error =
        caught instanceof CorpusReadError
          ? caught
          : new CorpusReadError(
              'MX_DOCS_UNREADABLE',
              `${entry.id}: ${/** @type {Error} */ (caught).message}`,
              caught,
            )
      if (!onError) throw error
      onError({ ...entry, error })
      continue
    }
    const type = typeof mediaType === 'function' ? mediaType(entry.path) : mediaType
    yield {
      id: entry.id,
      path: entry.path,
      mediaType: encoding ? `${type}; charset=${encoding}` : type,
      content,
      ...(options.stat && { stat }),
    }
  }
}

/** @typedef {{ dev: number, ino: number, size: number, mtimeMs: number, ctimeMs: number }} FileStat */

/**
 * The bytes as a plain Uint8Array over an ArrayBuffer of their own: a view when the file got its
 * own buffer, a copy when it sits in Node's shared pool (small files), whose buffer must never
 * be transferred to a worker thread.
 * @param {Buffer} bytes
 */
function ownBytes(bytes) {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength)
    return new Uint8Array(bytes.buffer)
  return new Uint8Array(bytes)
}

/**
 * Reads a file unless it is bigger than `maxBytes` (checked on the open descriptor, before
 * reading), with that stat. Synchronous: three calls for a small file, where the promise API's
 * open, stat, read and close each cost a round trip through the thread pool.
 * @param {string} path
 * @param {number} maxBytes
 * @returns {{ bytes: Buffer, stat: FileStat }}
 */
function readBounded(path, maxBytes) {
  const fd = openSync(path, 'r')
  try {
    const { dev, ino, size, mtimeMs, ctimeMs } = fstatSync(fd)
    if (size > maxBytes)
      throw new CorpusReadError(
        'MX_DOCS_TOO_LARGE',
        `${path} is ${size} bytes, over the ${maxBytes}-byte limit`,
      )
    return { bytes: readFileSync(fd), stat: { dev, ino, size, mtimeMs, ctimeMs } }
  } finally {
    closeSync(fd)
  }
}
