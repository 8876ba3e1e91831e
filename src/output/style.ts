import { Chalk, type ChalkInstance } from 'chalk';

/**
 * Colours only when the stream is a terminal and neither NO_COLOR (https://no-color.org)
 * nor --no-color says otherwise; FORCE_COLOR forces them on.
 */
export function createStyle(options: { stream: { isTTY?: boolean }; env: NodeJS.ProcessEnv; colorFlag: boolean }): ChalkInstance {
  const { env } = options;
  let enabled = Boolean(options.stream.isTTY) && env.TERM !== 'dumb';
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') enabled = true;
  if ((env.NO_COLOR !== undefined && env.NO_COLOR !== '') || !options.colorFlag) enabled = false;
  return new Chalk({ level: enabled ? 1 : 0 });
}
