// Markdown inline source → plain text, links and images, with marked's inline lexer.
import { Lexer } from 'marked'

/**
 * @param {string} source inline Markdown
 * @param {Record<string, { href: string, title: string | null }>} [refs] link definitions
 * @param {{ imageText?: boolean }} [options] `imageText: false` leaves images' alt text out of
 *   `text` (a heading's badges are not its title)
 * @returns {{ text: string, links: { href: string, text: string }[], images: { src: string, alt: string, href?: string }[] }}
 */
export function lexInline(source, refs, { imageText = true } = {}) {
  const lexer = new Lexer({ gfm: true })
  if (refs) Object.assign(lexer.tokens.links, refs)
  const out = { text: '', links: [], images: [], imageText }
  walk(lexer.inlineTokens(source), out, undefined)
  return {
    text: out.text.replace(/[ \t]+/g, ' ').trim(),
    links: out.links,
    images: out.images,
  }
}

function walk(tokens, out, linkHref) {
  for (const token of tokens) {
    switch (token.type) {
      case 'link': {
        // marked links a bare URL anywhere; GFM only at the start, after a space or one of
        // * _ ~ ( (spec 6.9): `"https://x.org/"` in a sentence is text on GitHub. (A bare e-mail
        // address is a link wherever it is.)
        const bare = /^(?:https?:|www\.)/i.test(token.raw)
        if (bare && out.text !== '' && !/[\s*_~(]/.test(out.text.at(-1))) {
          out.text += token.raw
          break
        }
        const start = out.text.length
        walk(token.tokens ?? [], out, token.href)
        out.links.push({ href: token.href, text: out.text.slice(start).trim() })
        break
      }
      case 'image':
        out.images.push({
          src: token.href,
          alt: token.text,
          ...(linkHref ? { href: linkHref } : {}),
        })
        if (out.imageText) out.text += token.text
        break
      case 'html':
        // Inline tags carry no text of their own; an <img> or <a> inside still counts.
        for (const [, src] of token.text.matchAll(/<img\b[^>]*\bsrc=["']([^"']+)["']/gi))
          out.images.push({ src, alt: '' })
        for (const [, href] of token.text.matchAll(/<a\b[^>]*\bhref=["']([^"']+)["']/gi))
          out.links.push({ href, text: '' })
        break
      case 'br':
        out.text += '\n'
        break
      case 'codespan':
      case 'escape':
        out.text += decode(token.text)
        break
      default:
        if (token.tokens) walk(token.tokens, out, linkHref)
        else if (typeof token.text === 'string') out.text += decode(token.text)
    }
  }
}

const named = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' }
// marked escapes text it lexes; the metadata wants the characters back.
function decode(text) {
  return text.includes('&')
    ? text.replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, name) => named[name])
    : text
}
