// The extractor's version, on its own so that the run can read it without loading the parsers.

/** Bump when the metadata changes shape or meaning: it is part of every cache key. */
export const version = '3'
