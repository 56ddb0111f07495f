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
  const usedPaths = new Map()
  const ordinals = new Map()
  let path = ''
  return {
    /** Opens a section for a heading of `depth` and returns the heading's id. */
    heading(depth, text) {
      while (stack.length > 0 && stack[stack.length - 1].depth >= depth) stack.pop()
      const parent = stack.map((s) => s.slug).join('/')
      const base = slugify(text)
      const key = `${parent}/${base}`
      const seen = usedPaths.get(key) ?? 0
      usedPaths.set(key, seen + 1)
      stack.push({ depth, slug: seen === 0 ? base : `${base}-${seen}` })
      path = stack.map((s) => s.slug).join('/')
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
