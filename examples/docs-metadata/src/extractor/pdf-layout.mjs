// The geometry of a PDF page's text, no pdfjs in here: text items (pdfjs getTextContent) become
// segments (items on one baseline at one font size, split where the gap is wider than 1 em),
// aligned short segments on successive baselines become tables, the other segments chain into
// blocks (the next line down, same size, overlapping), and the blocks are put in reading order
// by XY-cut (the widest empty band first, so two columns read one after the other).
// Coordinates are PDF points, origin at the bottom left.

// A line's items split into segments where the gap is wider than this many font sizes.
const segmentGap = 1
// The next line of a block is at most this many font sizes below (single spacing is ~1.15).
const lineSpacing = 1.6
// A table cell has at most this many words (a line of prose in a column has more).
const cellWords = 5
// Successive table rows are at most this many font sizes apart.
const rowSpacing = 2.5

/**
 * @typedef {{ text: string, x0: number, x1: number, y: number, size: number }} Segment
 * @typedef {{ kind: 'block', segments: Segment[], size: number, x0: number, x1: number, top: number, bottom: number }} Block
 * @typedef {{ kind: 'table', rows: Segment[][], columns: number, size: number, x0: number, x1: number, top: number, bottom: number }} Table
 */

/**
 * Segments of a page from pdfjs text items (`{ str, transform, width }`): whitespace items
 * dropped, items on the same baseline at the same size joined left to right.
 * @param {{ str: string, transform: number[], width: number }[]} items
 * @returns {Segment[]}
 */
export function segmentsOf(items) {
  const glyphs = []
  for (const item of items) {
    if (!item.str.trim()) continue
    const [, , c, d, x, y] = item.transform
    const size = round(Math.hypot(c, d))
    if (size > 0) glyphs.push({ text: item.str, x, y, x1: x + item.width, size })
  }
  glyphs.sort((a, b) => b.y - a.y || a.x - b.x)
  /** @type {(typeof glyphs)[]} */
  const lines = []
  for (const glyph of glyphs) {
    // Lines are sorted top down: only the last few can share this baseline.
    let line
    for (let i = lines.length - 1; i >= 0; i--) {
      const first = lines[i][0]
      if (first.y - glyph.y > first.size * 0.3) break
      if (Math.abs(first.size - glyph.size) <= 0.5) {
        line = lines[i]
        break
      }
    }
    if (line) line.push(glyph)
    else lines.push([glyph])
  }
  const segments = []
  for (const line of lines) {
    line.sort((a, b) => a.x - b.x)
    /** @type {Segment | undefined} */
    let current
    for (const glyph of line) {
      const gap = current ? glyph.x - current.x1 : Number.POSITIVE_INFINITY
      if (!current || gap > glyph.size * segmentGap) {
        current = { text: glyph.text, x0: glyph.x, x1: glyph.x1, y: line[0].y, size: line[0].size }
        segments.push(current)
        continue
      }
      const space = gap > glyph.size * 0.1 && !/\s$/.test(current.text) && !/^\s/.test(glyph.text)
      current.text += (space ? ' ' : '') + glyph.text
      current.x1 = Math.max(current.x1, glyph.x1)
    }
  }
  for (const segment of segments) segment.text = segment.text.replace(/\s+/g, ' ').trim()
  return segments
}

/**
 * The page's text as blocks and tables, in reading order.
 * @param {Segment[]} segments
 * @returns {(Block | Table)[]}
 */
export function layoutPage(segments) {
  const { tables, rest } = findTables(segments)
  return readingOrder([...tables, ...chainBlocks(rest)])
}

/** Segments grouped by baseline, top down (one entry per baseline and size). */
function baselines(segments) {
  const rows = new Map()
  for (const segment of segments) {
    const key = `${segment.y}:${segment.size}`
    if (!rows.has(key)) rows.set(key, [])
    rows.get(key).push(segment)
  }
  return [...rows.values()]
    .map((row) => row.sort((a, b) => a.x0 - b.x0))
    .sort((a, b) => b[0].y - a[0].y)
}

const wordCount = (text) => text.split(' ').length

/**
 * Tables: runs of successive baselines with 2+ short segments each, whose segments line up in
 * the same columns (each overlaps a column, or starts or ends where it does). A run of 2+ rows
 * and 2+ columns is a table; its segments leave the block flow.
 */
function findTables(segments) {
  const tables = []
  const used = new Set()
  /** @type {{ rows: Segment[][], columns: Array<{ x0: number, x1: number }> } | null} */
  let run = null
  const close = () => {
    if (run && run.rows.length >= 2 && run.columns.length >= 2) {
      tables.push(tableOf(run))
      for (const row of run.rows) for (const cell of row) used.add(cell)
    }
    run = null
  }
  for (const row of baselines(segments)) {
    const isRow = row.length >= 2 && row.every((cell) => wordCount(cell.text) <= cellWords)
    // A run always has a row: its last one is there exactly when the run is.
    const lastRow = run?.rows.at(-1)
    if (!isRow) {
      // A line at the height of the run but beside it (a caption, a margin note) does not end it.
      if (lastRow && row[0].y < lastRow[0].y - row[0].size * 0.3) close()
      continue
    }
    const size = row[0].size
    const near = lastRow !== undefined && lastRow[0].y - row[0].y <= size * rowSpacing
    const matched = run && near ? matchColumns(run.columns, row, size) : null
    if (run && matched && matched.shared >= 2) {
      run.rows.push(row)
      run.columns = matched.columns
    } else {
      close()
      run = { rows: [row], columns: row.map((cell) => ({ x0: cell.x0, x1: cell.x1 })) }
    }
  }
  close()
  return { tables, rest: segments.filter((segment) => !used.has(segment)) }
}

/** The run's columns widened by the row's cells, and how many cells fit an existing column. */
function matchColumns(columns, row, size) {
  const next = columns.map((column) => ({ ...column }))
  const taken = new Set()
  let shared = 0
  for (const cell of row) {
    const index = next.findIndex(
      (column, i) =>
        !taken.has(i) &&
        ((cell.x0 < column.x1 && cell.x1 > column.x0) ||
          Math.abs(cell.x0 - column.x0) <= size ||
          Math.abs(cell.x1 - column.x1) <= size),
    )
    if (index === -1) {
      // A cell where no column is: a new column, if it overlaps none.
      if (next.some((column) => cell.x0 < column.x1 && cell.x1 > column.x0)) return null
      next.push({ x0: cell.x0, x1: cell.x1 })
      taken.add(next.length - 1)
      continue
    }
    taken.add(index)
    shared++
    next[index] = { x0: Math.min(next[index].x0, cell.x0), x1: Math.max(next[index].x1, cell.x1) }
  }
  return { columns: next.sort((a, b) => a.x0 - b.x0), shared }
}

/** @returns {Table} */
function tableOf(run) {
  const cells = run.rows.flat()
  return {
    kind: 'table',
    rows: run.rows,
    columns: run.columns.length,
    size: run.rows[0][0].size,
    ...extent(cells),
  }
}

/**
 * Blocks: each segment joins the block whose last line is just above it (within 1.6 font
 * sizes), at the same size and overlapping it horizontally; else it starts a block.
 * @param {Segment[]} segments
 * @returns {Block[]}
 */
function chainBlocks(segments) {
  const sorted = [...segments].sort((a, b) => b.y - a.y || a.x0 - b.x0)
  /** @type {Array<{ kind: 'block', segments: Segment[], size: number }>} */
  const blocks = []
  for (const segment of sorted) {
    const block = blocks.findLast((b) => {
      const last = /** @type {Segment} */ (b.segments.at(-1))
      const drop = last.y - segment.y
      return (
        Math.abs(b.size - segment.size) <= 0.5 &&
        drop > 0 &&
        drop <= segment.size * lineSpacing &&
        segment.x0 < last.x1 &&
        segment.x1 > last.x0
      )
    })
    if (block) block.segments.push(segment)
    else blocks.push({ kind: 'block', segments: [segment], size: segment.size })
  }
  return blocks.map((block) => ({ ...block, ...extent(block.segments) }))
}

/** The box around segments: x from their ends, y from the lowest baseline to the top line's top. */
export function extent(segments) {
  let x0 = Number.POSITIVE_INFINITY
  let x1 = Number.NEGATIVE_INFINITY
  let top = Number.NEGATIVE_INFINITY
  let bottom = Number.POSITIVE_INFINITY
  for (const s of segments) {
    x0 = Math.min(x0, s.x0)
    x1 = Math.max(x1, s.x1)
    top = Math.max(top, s.y + s.size)
    bottom = Math.min(bottom, s.y)
  }
  return { x0, x1, top, bottom }
}

/**
 * XY-cut: split the boxes at the widest empty band, horizontal (top part first) or vertical
 * (left part first), and order each part the same way; boxes no band separates go top down.
 * @template {{ x0: number, x1: number, top: number, bottom: number }} T
 * @param {T[]} boxes
 * @returns {T[]}
 */
export function readingOrder(boxes) {
  if (boxes.length <= 1) return boxes
  const horizontal = widestGap(
    boxes,
    (b) => -b.top,
    (b) => -b.bottom,
  )
  const vertical = widestGap(
    boxes,
    (b) => b.x0,
    (b) => b.x1,
  )
  const cut = vertical && (!horizontal || vertical.gap > horizontal.gap) ? vertical : horizontal
  if (!cut) return [...boxes].sort((a, b) => b.top - a.top || a.x0 - b.x0)
  return [...readingOrder(cut.before), ...readingOrder(cut.after)]
}

/** The widest band between boxes along one axis (start/end as increasing numbers), or null. */
function widestGap(boxes, start, end) {
  const sorted = [...boxes].sort((a, b) => start(a) - start(b))
  let best = null
  let reach = end(sorted[0])
  for (let i = 1; i < sorted.length; i++) {
    const gap = start(sorted[i]) - reach
    if (gap > 0 && (!best || gap > best.gap)) best = { gap, at: i }
    reach = Math.max(reach, end(sorted[i]))
  }
  return best && { gap: best.gap, before: sorted.slice(0, best.at), after: sorted.slice(best.at) }
}

/** A number rounded to 0.1. */
export function round(value) {
  return Math.round(value * 10) / 10
}
