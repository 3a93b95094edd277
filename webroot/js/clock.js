// The clock and timers the modules without DOM are given, so a unit test can hand them a fake one and move
// time by hand instead of waiting.

// Wrapped rather than passed as they are: a browser refuses setTimeout called with another `this`.
export const realClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (timer) => clearInterval(timer),
};
