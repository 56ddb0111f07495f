// The corpus of a run: the documents of a folder, or of the installed packages, listed and then
// read lazily.
import { existsSync } from 'node:fs'
import { dirname, extname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { folderDocuments, installedDocuments, readCorpus } from '@mx/corpus'
import { mediaTypes } from './extractor/formats.mjs'

/** The workspace root: the nearest folder above this file with a pnpm-workspace.yaml. */
export function workspaceRoot() {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'pnpm-workspace.yaml')) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
}

/** Files of a folder that are documents, by extension. */
const documentExtensions = new Map([
  ['.md', 'markdown'],
  ['.markdown', 'markdown'],
  ['.html', 'html'],
  ['.htm', 'html'],
  ['.txt', 'text'],
  ['.pdf', 'pdf'],
])

// A symbolic link is listed too: if it leads nowhere, reading it is that document's error.
const walk = { skip: ['node_modules', '.git', '.mx-cache'], symlinks: true }

/**
 * The documents to extract as `{ id, path }`: a folder's, walked in sorted order, or the
 * installed packages' Markdown documentation (README, CHANGELOG and the like, docs/, doc/),
 * each package once, sorted by id.
 * @param {string} [dir]
 * @returns {Promise<import('@mx/corpus').DocumentEntry[]>}
 */
export async function listCorpus(dir) {
  if (!dir)
    return installedDocuments(workspaceRoot(), {
      ...walk,
      names:
        /^(readme|changelog|history|contributing|migrating|migration|upgrading)(\.[\w-]+)?\.(md|markdown)$/i,
      folders: ['docs', 'doc'],
      extensions: ['.md', '.markdown'],
    })
  return folderDocuments(resolve(dir), {
    ...walk,
    extensions: [...documentExtensions.keys()],
    order: 'found',
  })
}

/**
 * Reads the listed documents lazily as SourceDocuments: raw bytes (the extractor decides whether
 * they are text), the media type by extension, `encoding` (`--encoding`) as its `charset`.
 * Unreadable and too-large files go to `onError` and are skipped.
 * @param {{ id: string, path: string }[]} listing
 * @param {Omit<import('@mx/corpus').ReadOptions, 'mediaType' | 'text'>} options
 */
export function readDocuments(listing, options) {
  const mediaType = (path) =>
    mediaTypes[documentExtensions.get(extname(path).toLowerCase()) ?? 'markdown']
  return readCorpus(listing, { ...options, mediaType })
}
