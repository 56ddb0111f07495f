// Keyset pagination cursors: the last row's sort key (id, and its rank for a search), opaque to
// clients (base64url JSON). A page after a cursor starts strictly after that row, so rows inserted
// or removed meanwhile never make a page repeat or skip one of the others.

/** A cursor that cannot be read: the API answers 400. */
export class BadCursorError extends Error {
  code = 'MX_SERVICE_BAD_CURSOR'
  constructor() {
    super('cursor: not a cursor this API gave out (pass the "next" of the previous page as it is)')
  }
}

/** @param {{ id: string, rank?: number }} row @param {boolean} ranked */
export function encodeCursor(row, ranked) {
  const key = ranked ? { i: row.id, r: row.rank } : { i: row.id }
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/**
 * @param {string | undefined} cursor
 * @param {boolean} ranked whether the listing is a search (rank, then id)
 * @returns {{ id: string, rank?: number } | undefined}
 */
export function decodeCursor(cursor, ranked) {
  if (cursor === undefined) return undefined
  let key
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString())
  } catch {
    throw new BadCursorError()
  }
  if (
    typeof key?.i !== 'string' ||
    (ranked && typeof key.r !== 'number') ||
    (!ranked && 'r' in key)
  ) {
    throw new BadCursorError()
  }
  return ranked ? { id: key.i, rank: key.r } : { id: key.i }
}
