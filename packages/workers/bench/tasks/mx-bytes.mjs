import { defineTask } from '../../dist/index.js'
import { bytes } from './work.mjs'

export default defineTask(bytes)
