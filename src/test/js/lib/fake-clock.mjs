// A clock for the page's modules that take one (webroot/js/clock.js): time moves only when a test says so,
// and the timers due by then run in order, so expiry and throttling are tested without waiting.

export class FakeClock {
  constructor(start = 1_000_000) {
    this.time = start;
    this.timers = new Map();  // id -> { at, fn, every }
    this.nextId = 1;
  }

  now = () => this.time;

  setTimeout = (fn, ms) => this.add(fn, ms, null);

  setInterval = (fn, ms) => this.add(fn, ms, ms);

  clearTimeout = (id) => {
    this.timers.delete(id);
  };

  clearInterval = (id) => {
    this.timers.delete(id);
  };

  add(fn, ms, every) {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn, every });
    return id;
  }

  pending() {
    return this.timers.size;
  }

  // Moves time forward by `ms`, running each timer due on the way at its own time. A timer that keeps
  // re-arming itself for the same moment fails the test instead of hanging it.
  advance(ms) {
    const end = this.time + ms;
    for (let ran = 0; ; ran++) {
      if (ran > 10_000) throw new Error(`more than 10,000 timers due within ${ms} ms: one re-arms itself`);
      let due = null;
      for (const [id, t] of this.timers) {
        if (t.at <= end && (due === null || t.at < due[1].at)) due = [id, t];
      }
      if (!due) break;
      const [id, timer] = due;
      this.time = timer.at;
      if (timer.every === null) this.timers.delete(id);
      else timer.at += timer.every;
      timer.fn();
    }
    this.time = end;
  }
}

// Lets promise callbacks that are already due run (an awaited fake reply, say).
export function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}
