import { defineTask } from '../../dist/index.js'
import { trivial } from './work.mjs'

export default defineTask(trivial)
