// piscina / tinypool task: a plain default-exported function.
import { trivial } from './work.mjs'

export default trivial
