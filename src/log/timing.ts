import { debugOn, log } from './logger.js';

const ms = (x: number): string => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`;

/**
 * Where a command's time goes, for --debug: each step's duration as one debug line
 * (`create c1: seccomp filter (cache hit) took 0.41 ms`), so an operator sees why a create is
 * slow. Steps follow each other: a mark ends the step that began at the previous mark (or at
 * the clock's start). Without --debug nothing is formatted or written.
 */
export class StepClock {
  private readonly start = performance.now();
  private last = this.start;

  constructor(readonly what: string) {}

  /** End the current step: log the time since the previous mark as `name`. */
  mark(name: string): void {
    const t = performance.now();
    if (debugOn()) log.debug(`${this.what}: ${name} took ${ms(t - this.last)}`);
    this.last = t;
  }

  /** Run fn as one step named `name` (the time before it is not counted in it). */
  time<T>(name: string | (() => string), fn: () => T): T {
    this.last = performance.now();
    try {
      return fn();
    } finally {
      this.mark(typeof name === 'string' ? name : name());
    }
  }

  /** The whole command, from the clock's start. */
  total(name = 'total'): void {
    if (debugOn()) log.debug(`${this.what}: ${name} ${ms(performance.now() - this.start)}`);
  }
}
