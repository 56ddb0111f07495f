// The documents of a folder: a walk in sorted order that lists files by extension and skips
// build output and caches. Listing is cheap (paths only); read-corpus.mjs reads. The walk uses
// synchronous calls: one readdir per folder, no promise per entry, several times faster for
// the thousands of small folders of a node_modules tree (a CLI has nothing else to do meanwhile).
import { readdirSync } from 'node:fs'
import { extname, join } from 'node:path'

/** @typedef {{ id: string, path: string }} DocumentEntry */

/**
 * What a walk lists.
 * @typedef {object} WalkOptions
 * @property {Iterable<string>} [extensions] the files listed, by lower-case extension (default `.md`)
 * @property {Iterable<string>} [skip] folder names never entered (default `skippedFolders`)
 * @property {boolean} [symlinks] list symbolic links with such an extension too; one that leads
 *   nowhere is that document's read error (default false: files only)
 * @property {number} [maxDepth] how many folder levels below the top are entered (default: all)
 */

/**
 * `id`: sorted by id, each id once (the default). `found`: as the walk finds them, folder by
 * folder with the names of each sorted (`a/b.md` before `a-b.md`); for installed packages,
 * package by package, a package installed twice (peer variants) listed twice.
 * @typedef {'id' | 'found'} Order
 */

/** Folders a walk does not enter unless told otherwise: dependencies, VCS, build output, caches. */
export const skippedFolders = ['node_modules', '.git', 'dist', '.turbo', '.mx-cache', 'coverage']

/** Compares by `id`, code unit by code unit (what `Array#sort()` does with strings). */
export const byId = (/** @type {DocumentEntry} */ a, /** @type {DocumentEntry} */ b) =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0

/**
 * The documents under `dir` as `{ id, path }`, the id being the path relative to `dir` with
 * forward slashes. Rejects when `dir` (or a folder under it) cannot be read.
 * @param {string} dir
 * @param {WalkOptions & { order?: Order }} [options]
 * @returns {Promise<DocumentEntry[]>}
 */
export async function folderDocuments(dir, options = {}) {
  const docs = []
  for (const doc of walk(dir, '', walkRules(options))) docs.push(doc)
  return options.order === 'found' ? docs : docs.sort(byId)
}

/**
 * The options of a walk with their defaults, as `walk()` takes them.
 * @param {WalkOptions} options
 */
export function walkRules(options) {
  return {
    extensions: new Set(options.extensions ?? ['.md']),
    skip: new Set(options.skip ?? skippedFolders),
    symlinks: options.symlinks ?? false,
    maxDepth: options.maxDepth ?? Number.POSITIVE_INFINITY,
  }
}

/**
 * Walks `dir` in sorted order, yielding its documents with ids `prefix` + their relative path.
 * @param {string} dir
 * @param {string} prefix
 * @param {ReturnType<typeof walkRules>} rules
 * @returns {Generator<DocumentEntry>}
 */
export function* walk(dir, prefix, rules, depth = 0) {
  const entries = readdirSync(dir, { withFileTypes: true })
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const entry of entries) {
    const path = join(dir, entry.name)
    const id = `${prefix}${entry.name}`
    if (entry.isDirectory()) {
      if (depth < rules.maxDepth && !rules.skip.has(entry.name))
        yield* walk(path, `${id}/`, rules, depth + 1)
    } else if (
      (entry.isFile() || (rules.symlinks && entry.isSymbolicLink())) &&
      rules.extensions.has(extname(entry.name).toLowerCase())
    ) {
      yield { id, path }
    }
  }
}
