// Preloaded (`node --expose-gc --import`) into a step the tests run: the garbage collector runs
// every few milliseconds, so a wait whose timer is held only weakly shows up as a hang.
const collect = globalThis.gc
if (typeof collect !== 'function') throw new Error('force-gc.js needs node --expose-gc')
globalThis.setInterval(collect, 10).unref()
