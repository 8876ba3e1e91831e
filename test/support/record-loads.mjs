// Loaded with `node --import`: writes every module URL the process loads to $REVOKE_LOAD_LOG.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (process.env.REVOKE_LOAD_LOG) appendFileSync(process.env.REVOKE_LOAD_LOG, url + '\\n');
  return next(url, context);
}`),
);
