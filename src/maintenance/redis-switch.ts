/**
 * `redisMaintenanceSwitch()`: one maintenance switch for a whole fleet, a
 * Redis key every instance polls.
 */
import { clip } from '../core/bound.js';
import { MAX_TIMER_MS, checkNumberOption, checkOptionKeys, optionNames } from '../core/options.js';
import { logField } from '../core/report.js';
import { describeError } from '../express/report.js';
import { withDeadline } from '../express/store-calls.js';

/**
 * The state of a shared maintenance switch: off, or on with the
 * `Retry-After` seconds and the message the operator set (absent: the
 * `retryAfter` and `message` of `maintenance()`).
 */
export interface MaintenanceState {
  readonly on: boolean;
  readonly retryAfter?: number;
  readonly message?: string;
}

/** Options of `redisMaintenanceSwitch()`. */
export interface RedisMaintenanceSwitchOptions {
  /**
   * Sends one Redis command and resolves to its reply, as rate-limit-redis
   * takes it: node-redis `(args) => client.sendCommand(args)`, ioredis
   * `([command, ...rest]) => client.call(command, ...rest)`.
   */
  readonly sendCommand: (args: string[]) => Promise<unknown>;
  /** The key the operator sets. @default 'kompliant-envelope:maintenance' */
  readonly key?: string;
  /**
   * Milliseconds between two reads of the key: every instance follows a
   * change within `pollInterval + storeTimeout`. From 50 to 60000.
   * @default 1000
   */
  readonly pollInterval?: number;
  /** Milliseconds a read may take before it counts as Redis being unreachable. @default 500 */
  readonly storeTimeout?: number;
  /** The state until the first read answers (and if Redis is unreachable from the start). @default false (off) */
  readonly initial?: boolean;
}

/** A shared maintenance switch: pass it as `maintenance({ enabled })`. */
export interface RedisMaintenanceSwitch {
  /** The last state read (one frozen object until the key changes). */
  readonly state: () => MaintenanceState;
  /** `state().on`. */
  readonly isOn: () => boolean;
  /** Settles when the first read is done (answered or failed); never rejects. */
  readonly ready: Promise<void>;
  /** Stops polling; the state stays as it was. Call it when the server closes. */
  readonly close: () => void;
}

const OPTIONS = optionNames<RedisMaintenanceSwitchOptions>({ sendCommand: true, key: true, pollInterval: true, storeTimeout: true, initial: true });
const OFF: MaintenanceState = Object.freeze({ on: false });
const ON: MaintenanceState = Object.freeze({ on: true });
const OFF_WORDS: ReadonlySet<string> = new Set(['', '0', 'off', 'false', 'no']);

/** The state a value of the key stands for, and a problem with it worth logging, if any. */
function stateOf(reply: unknown): { state: MaintenanceState; problem?: string } {
  if (reply === null || reply === undefined) return { state: OFF };
  const text = typeof reply === 'string' ? reply.trim() : Buffer.isBuffer(reply) ? reply.toString('utf8').trim() : undefined;
  if (text === undefined) return { state: ON, problem: 'the key holds no string; maintenance is on with the defaults' };
  if (OFF_WORDS.has(text.toLowerCase())) return { state: OFF };
  if (!text.startsWith('{')) return { state: ON };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { state: ON, problem: 'the key holds malformed JSON; maintenance is on with the defaults' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { state: ON, problem: 'the key holds JSON that is not an object; maintenance is on with the defaults' };
  const { retryAfter, message } = parsed as { retryAfter?: unknown; message?: unknown };
  const state: { on: true; retryAfter?: number; message?: string } = { on: true };
  const problems: string[] = [];
  if (Number.isSafeInteger(retryAfter) && (retryAfter as number) >= 0) state.retryAfter = retryAfter as number;
  else if (retryAfter !== undefined) problems.push('retryAfter is not a whole number of seconds, 0 or more');
  if (typeof message === 'string' && message.trim() !== '') state.message = clip(message);
  else if (message !== undefined) problems.push('message is not a non-empty string');
  return problems.length === 0 ? { state: Object.freeze(state) } : { state: Object.freeze(state), problem: `${problems.join('; ')}: the default is used` };
}

/**
 * A maintenance switch shared by every instance: each one reads a Redis key
 * every `pollInterval` ms (one `GET`, off the request path; requests only read
 * the last state). The operator turns the whole fleet to 503 with one command,
 * `redis-cli SET kompliant-envelope:maintenance on` (or a JSON object with
 * `retryAfter` and `message`), and back with `redis-cli DEL
 * kompliant-envelope:maintenance`. When Redis is unreachable each instance
 * keeps its last known state and logs it once (and once more when Redis
 * answers again). The timer is unref'd; `close()` stops it.
 *
 * @example
 * ```ts
 * const fleet = redisMaintenanceSwitch({ sendCommand: (args) => redis.sendCommand(args) });
 * app.use(maintenance({ enabled: fleet, skip: (req) => req.path === '/health' }));
 * server.on('close', fleet.close);
 * ```
 */
export function redisMaintenanceSwitch(options: RedisMaintenanceSwitchOptions): RedisMaintenanceSwitch {
  const where = 'redisMaintenanceSwitch()';
  const needs = `${where} needs an options object with a \`sendCommand\` function.`;
  if (options === null || typeof options !== 'object') throw new TypeError(needs);
  checkOptionKeys(options, OPTIONS, where);
  const { sendCommand, key = 'kompliant-envelope:maintenance', pollInterval = 1000, storeTimeout = 500, initial = false } = options;
  if (typeof sendCommand !== 'function') throw new TypeError(needs);
  if (typeof key !== 'string' || key === '') throw new TypeError(`The \`key\` option of ${where} must be a non-empty string.`);
  checkNumberOption(pollInterval, 'pollInterval', where, { min: 50, max: 60_000, unit: 'milliseconds' });
  checkNumberOption(storeTimeout, 'storeTimeout', where, { min: 1, max: MAX_TIMER_MS, unit: 'milliseconds' });
  if (typeof initial !== 'boolean') throw new TypeError(`The \`initial\` option of ${where} must be a boolean.`);

  const keyField = logField('key', key, 200);
  const log = (text: string) => process.stderr.write(`kompliant-envelope: maintenance switch ${keyField} ${text}\n`);
  let state = initial ? ON : OFF;
  let lastText: string | undefined;
  let unreachable = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  const read = async (): Promise<void> => {
    try {
      const reply = await withDeadline(Promise.resolve().then(() => sendCommand(['GET', key])), storeTimeout, () => new Error(`Redis did not answer GET within ${storeTimeout} ms.`));
      if (unreachable) {
        unreachable = false;
        log('Redis answers again');
      }
      const text = reply === null || reply === undefined ? undefined : String(reply);
      if (text === lastText && lastText !== undefined) return;
      lastText = text;
      const next = stateOf(reply);
      if (next.problem !== undefined) log(`value ignored in part: ${next.problem}`);
      if (next.state.on !== state.on) log(next.state.on ? 'turned on: this instance answers 503' : 'turned off: this instance serves requests');
      state = next.state;
    } catch (error) {
      if (unreachable) return;
      unreachable = true;
      log(`unreachable: this instance keeps its last known state (${state.on ? 'on' : 'off'}) until Redis answers ${describeError(error, false)}`);
    }
  };
  const loop = async (): Promise<void> => {
    await read();
    if (closed) return;
    timer = setTimeout(loop, pollInterval);
    timer.unref();
  };
  const ready = loop();

  return Object.freeze({
    state: () => state,
    isOn: () => state.on,
    ready,
    close: () => {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  });
}
