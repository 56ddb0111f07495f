// Where documents come from. Listing is cheap (paths only); reading is lazy: readCorpus() is an
// async generator that reads one file when the engine pulls the next document, so a big corpus
// never sits in memory. A file that cannot be read, or is too big, is reported through
// onError with a stable code and skipped; the run goes on.
import { existsSync } from 'node:fs'
import { open, opendir, readdir, readFile, realpath, stat } from 'node:fs/promises'
import { extname, join, relative, sep } from 'node:path'
import { mediaTypes } from './extractor/parse.mjs'

/** Files of a folder that are documents, by extension. */
export const documentExtensions = new Map([
  ['.md', 'markdown'],
  ['.markdown', 'markdown'],
  ['.html', 'html'],
  ['.htm', 'html'],
  ['.txt', 'text'],
  ['.pdf', 'pdf'],
])
// Documentation files at the top of an installed package.
const packageDocNames =
  /^(readme|changelog|history|contributing|migrating|migration|upgrading)(\.[\w-]+)?\.(md|markdown)$/i
const skippedDirs = new Set(['node_modules', '.git', '.mx-cache'])

/** The default size limit: bigger files are per-document errors (MX_DOCS_TOO_LARGE), never read. */
export const defaultMaxBytes = 10 * 1024 * 1024

/** Thrown into onError by readCorpus. */
export class CorpusReadError extends Error {
  constructor(code, message, cause) {
    super(`${code}: ${message}`, { cause })
    this.name = 'CorpusReadError'
    this.code = code
  }
}

/**
 * The documents under `dir` (.md, .markdown, .html, .htm, .txt, .pdf), walked in sorted order, as
 * `{ id, path }` with the path relative to `dir` as id (forward slashes).
 * @param {string} dir
 * @returns {AsyncGenerator<{ id: string, path: string }>}
 */
export async function* folderDocuments(dir) {
  const entries = []
  for await (const entry of await opendir(dir)) entries.push(entry)
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory() && !skippedDirs.has(entry.name)) {
      for await (const doc of folderDocuments(path))
        yield { id: `${entry.name}/${doc.id}`, path: doc.path }
    } else if (
      // A symbolic link is listed too: if it leads nowhere, reading it is that document's error.
      (entry.isFile() || entry.isSymbolicLink()) &&
      documentExtensions.has(extname(entry.name).toLowerCase())
    ) {
      yield { id: entry.name, path }
    }
  }
}

/**
 * The Markdown documentation (README, CHANGELOG, docs/**) of the packages installed under
 * `root`'s node_modules, pnpm layout included (node_modules/.pnpm/<id>/node_modules/<name>).
 * A package installed twice (symlinks, peer-dependency variants) is listed once, as
 * `<name>@<version>/<path in the package>`.
 * @param {string} root the workspace root
 * @returns {Promise<{ id: string, path: string }[]>}
 */
export async function installedDocuments(root) {
  const docs = new Map()
  for (const dir of await packageDirs(root)) {
    let manifest
    try {
      manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))
    } catch {
      continue
    }
    if (typeof manifest.name !== 'string') continue
    const prefix = `${manifest.name}@${manifest.version ?? '0.0.0'}`
    const paths = (await readdir(dir))
      .filter((name) => packageDocNames.test(name))
      .map((name) => join(dir, name))
    for (const docsDir of ['docs', 'doc']) {
      const path = join(dir, docsDir)
      if ((await stat(path).catch(() => null))?.isDirectory())
        for await (const doc of folderDocuments(path))
          if (documentExtensions.get(extname(doc.path).toLowerCase()) === 'markdown')
            paths.push(doc.path)
    }
    for (const path of paths) {
      const id = `${prefix}/${relative(dir, path).split(sep).join('/')}`
      if (!docs.has(id)) docs.set(id, { id, path })
    }
  }
  return [...docs.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

async function packageDirs(root) {
  const dirs = new Set()
  const scan = async (modules) => {
    const names = await readdir(modules).catch(() => [])
    for (const name of names) {
      if (name.startsWith('.')) continue
      const inner = name.startsWith('@')
        ? (await readdir(join(modules, name)).catch(() => [])).map((s) => join(name, s))
        : [name]
      for (const pkg of inner) {
        const real = await realpath(join(modules, pkg)).catch(() => null)
        if (real) dirs.add(real)
      }
    }
  }
  const store = join(root, 'node_modules', '.pnpm')
  if (existsSync(store))
    for (const id of (await readdir(store)).sort()) await scan(join(store, id, 'node_modules'))
  await scan(join(root, 'node_modules'))
  return [...dirs].sort()
}

/**
 * Reads each listed document lazily into a SourceDocument (raw bytes: the extractor decides
 * whether they are text). Unreadable and too-large files go to `onError` and are skipped.
 * `encoding` (`--encoding`) goes to the extractor as the media type's `charset` parameter.
 * @param {Iterable<{ id: string, path: string }> | AsyncIterable<{ id: string, path: string }>} listing
 * @param {{ maxBytes?: number, encoding?: string, onError: (failure: { id: string, path: string, error: CorpusReadError }) => void }} options
 */
export async function* readCorpus(listing, { maxBytes = defaultMaxBytes, encoding, onError }) {
  for await (const entry of listing) {
    const content = await readBounded(entry.path, maxBytes).catch((error) => {
      onError({
        ...entry,
        error:
          error instanceof CorpusReadError
            ? error
            : new CorpusReadError('MX_DOCS_UNREADABLE', `${entry.id}: ${error.message}`, error),
      })
      return null
    })
    if (content === null) continue
    const format = documentExtensions.get(extname(entry.path).toLowerCase()) ?? 'markdown'
    const mediaType = encoding ? `${mediaTypes[format]}; charset=${encoding}` : mediaTypes[format]
    yield { id: entry.id, path: entry.path, mediaType, content }
  }
}

/** Reads a file unless it is bigger than `maxBytes` (checked on the open handle, before reading). */
async function readBounded(path, maxBytes) {
  const handle = await open(path, 'r')
  try {
    const { size } = await handle.stat()
    if (size > maxBytes)
      throw new CorpusReadError(
        'MX_DOCS_TOO_LARGE',
        `${path} is ${size} bytes, over the ${maxBytes}-byte limit`,
      )
    return new Uint8Array(await handle.readFile())
  } finally {
    await handle.close()
  }
}
