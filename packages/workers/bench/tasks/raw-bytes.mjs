// piscina / tinypool task: a plain default-exported function.
import { bytes } from './work.mjs'

export default bytes
