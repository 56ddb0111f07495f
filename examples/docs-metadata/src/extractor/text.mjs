// Plain text → elements: blank-line separated blocks; a short line without end punctuation
// before a block is a heading, `- `/`1. ` lines are list items, indented blocks are code.

// Many plain-text documents indent their prose under headings at the margin: an indented block
// is code only when it does not read as sentences (few letters, or symbols code is made of).
const symbols = /[{}[\]();=<>$\\|&*#/]/g
const letters = /\p{L}/gu
const sentenceInside = /[\p{L}\p{N})][.!?](?:\s|$)/u
function isProse(block) {
  const dense = block.replace(/\s+/g, '')
  if (dense.length === 0) return false
  const letterShare = (dense.match(letters)?.length ?? 0) / dense.length
  const symbolShare = (dense.match(symbols)?.length ?? 0) / dense.length
  return letterShare >= 0.75 && symbolShare <= 0.02 && sentenceInside.test(block)
}

const bullet = /^\s*(?:[-*+•]|\d+[.)])\s+/
// A line that ends like a sentence or a clause is not a heading (。：，、 in CJK text too).
const sentenceEnd = /[.!?:;,。！？：；，、]$/

/**
 * @param {string} text
 * @param {ReturnType<import('./ids.mjs').createIdAllocator>} ids
 */
export function parseText(text, ids) {
  const blocks = text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)
  const elements = []
  let headings = 0
  blocks.forEach((raw, index) => {
    const block = raw.replace(/^\n+|\s+$/g, '')
    if (!block.trim()) return
    const lines = block.split('\n')
    if (lines.every((line) => /^(?: {4}|\t)/.test(line)) && !isProse(block)) {
      const code = lines.map((line) => line.replace(/^(?: {4}|\t)/, '')).join('\n')
      elements.push({ id: ids.next('code'), type: 'code', format: 'text', text: code })
      return
    }
    const line = block.trim()
    const underlined = lines.length === 2 && /^[=-]{3,}\s*$/.test(lines[1])
    if (
      underlined ||
      (lines.length === 1 &&
        line.length <= 80 &&
        !sentenceEnd.test(line) &&
        index < blocks.length - 1)
    ) {
      const depth = underlined ? (lines[1].trim()[0] === '=' ? 1 : 2) : headings === 0 ? 1 : 2
      const heading = underlined ? lines[0].trim() : line
      headings++
      elements.push({
        id: ids.heading(depth, heading),
        type: 'heading',
        format: 'text',
        depth,
        text: heading,
      })
      return
    }
    if (lines.every((l) => bullet.test(l) || /^\s{2,}\S/.test(l)) && bullet.test(lines[0])) {
      const items = []
      for (const l of lines) {
        if (bullet.test(l)) items.push(l.replace(bullet, ''))
        else items[items.length - 1] += ` ${l.trim()}`
      }
      const ordered = /^\s*\d/.test(lines[0])
      for (const item of items)
        elements.push({
          id: ids.next('list-item'),
          type: 'list-item',
          format: 'text',
          ordered,
          text: item,
        })
      return
    }
    elements.push({
      id: ids.next('paragraph'),
      type: 'paragraph',
      format: 'text',
      text: lines.map((l) => l.trim()).join(' '),
    })
  })
  return elements
}
