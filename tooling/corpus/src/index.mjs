// The examples' corpus walker: list a folder's documents or the installed packages'
// documentation as `{ id, path }`, then read them lazily with a byte bound.
export { folderDocuments } from './folder-documents.mjs'
export { installedDocuments } from './installed-documents.mjs'
export { CorpusReadError, defaultMaxBytes, readCorpus } from './read-corpus.mjs'

/** @typedef {import('./folder-documents.mjs').DocumentEntry} DocumentEntry */
/** @typedef {import('./read-corpus.mjs').ReadOptions} ReadOptions */
/** @typedef {import('./read-corpus.mjs').FileStat} FileStat */
