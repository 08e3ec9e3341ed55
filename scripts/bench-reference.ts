// The floor of every toolkit action, for `npm run bench`: load @actions/core, read one input,
// make one HTTP request. Bundled by the bench with ncc and the flags of scripts/package.js, and
// timed side by side with dist/main/index.js from process start to its first request.
import * as core from '@actions/core'
import { request } from 'node:http'

request(core.getInput('url'), res => res.resume()).end()
