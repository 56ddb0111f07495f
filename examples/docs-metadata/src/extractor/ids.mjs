// Stable element ids: `<section path>#<type><ordinal>`, e.g. `install/usage#p2` is the third
// paragraph under "Usage" under "Install". Ordinals count per type inside a section, so editing
// or adding a paragraph in one section keeps the ids of every other element.

const abbreviations = {
  heading: 'h',
  paragraph: 'p',
  'list-item': 'li',
  code: 'code',
  table: 'table',
  quote: 'quote',
  link: 'link',
  image: 'img',
}

/** GitHub-like heading slug: lowercase, punctuation dropped, spaces to dashes. */
export function slugify(text) {
  const slug = text
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s+/g, '-')
    .replace(/^-+|-+$/g, '')
  return slug || 'section'
}

/** Allocates ids while a parser walks a document in order. */
export function createIdAllocator() {
  /** @type {{ depth: number, slug: string }[]} */
  const stack = []
  const usedPaths = new Set()
  const ordinals = new Map()
  let path = ''
  return {
    /** Opens a section for a heading of `depth` and returns the heading's id. */
    heading(depth, text) {
      while (stack.length > 0 && stack[stack.length - 1].depth >= depth) stack.pop()
      const parent = stack.map((s) => `${s.slug}/`).join('')
      const base = slugify(text)
      // A repeated heading gets -1, -2, ...: the first free one (a heading may be named "x-1").
      let slug = base
      for (let n = 1; usedPaths.has(`${parent}${slug}`); n++) slug = `${base}-${n}`
      path = `${parent}${slug}`
      usedPaths.add(path)
      stack.push({ depth, slug })
      return `${path}#h`
    },
    /** The id of the next element of `type` in the current section. */
    next(type) {
      const key = `${path}#${abbreviations[type] ?? type}`
      const ordinal = ordinals.get(key) ?? 0
      ordinals.set(key, ordinal + 1)
      return `${key}${ordinal}`
    },
  }
}
