// piscina / tinypool task: a plain default-exported function.
import { cpu } from './work.mjs'

export default cpu
