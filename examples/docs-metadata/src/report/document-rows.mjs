// The report's per-document rows, collected as the JSON lines are written: only what its table
// shows, so a huge corpus is not held in memory a second time (keywords stay in relate()'s output).

/**
 * @typedef {{ id: string, title: string | null, format: string | null,
 *   language: string | null, words: number }} DocumentRow
 * @typedef {{ id: string, code: string, reason?: string, message: string }} FailedRow
 */

/** A failure's message in the table: its first 200 characters. */
const messageChars = 200

/** Links with a scheme (`https:`, `mailto:`) or protocol-relative (`//host`) leave the corpus. */
const external = /^[a-z][a-z\d+.-]*:|^\/\//i

export function createDocumentRows() {
  /** @type {Array<DocumentRow | FailedRow>} in output order */
  const rows = []
  const rowsOf = {
    rows,
    /** Links from the documents to outside the corpus, all of them (repeats included). */
    externalLinks: 0,
    /** @param {{ id: string, ok: boolean, metadata?: any, error?: any }} line a document's JSON line */
    add(line) {
      if (!line.ok) {
        const { code, reason, message = '' } = line.error
        rows.push({
          id: line.id,
          code,
          ...(reason && { reason }),
          message:
            message.length > messageChars ? `${message.slice(0, messageChars - 1)}…` : message,
        })
        return
      }
      const { title, format, language, words, links } = line.metadata
      rows.push({ id: line.id, title, format, language, words })
      for (const href of links ?? []) if (external.test(href)) rowsOf.externalLinks++
    },
  }
  return rowsOf
}
