import { addRetries } from '../retry-count.js';
import { reasonOf, statusOf } from './kind.js';

const RATE_LIMIT_REASONS = new Set(['userRateLimitExceeded', 'rateLimitExceeded', 'quotaExceeded']);

/** Whether Google asked us to slow down: 429, or 403 with a rate-limit reason. */
export function isRateLimited(error: unknown): boolean {
  const status = statusOf(error);
  return status === 429 || (status === 403 && RATE_LIMIT_REASONS.has(reasonOf(error) ?? ''));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface RetryableError {
  config?: { method?: string; url?: unknown; retryConfig?: { currentRetryAttempt?: number } };
  response?: { headers?: Headers | Record<string, string> };
}

function retryAfterMs(error: RetryableError): number | undefined {
  const headers = error.response?.headers;
  const raw = headers instanceof Headers ? headers.get('retry-after') : headers?.['retry-after'];
  const seconds = Number(raw);
  return raw && Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/**
 * gaxios retry options for every Admin SDK call: 429 and Google's 403 rate-limit reasons are
 * retried for any method (the request was not carried out); 5xx only for methods that are safe
 * to repeat (not a transfer insert). Backoff honours Retry-After, else doubles with jitter.
 */
export function googleRetryConfig(maxRetries: number, firstDelayMs: number) {
  return {
    retry: maxRetries,
    httpMethodsToRetry: ['GET', 'PUT', 'POST', 'DELETE', 'PATCH'],
    statusCodesToRetry: [
      [403, 403],
      [429, 429],
      [500, 599],
    ],
    noResponseRetries: 2,
    shouldRetry: (error: RetryableError) => {
      const attempt = error.config?.retryConfig?.currentRetryAttempt ?? 0;
      if (attempt >= maxRetries) return false;
      if (isRateLimited(error)) return true;
      const status = statusOf(error) ?? 0;
      const repeatable = !(error.config?.method === 'POST' && String(error.config.url).includes('/datatransfer/'));
      return status >= 500 && repeatable;
    },
    retryBackoff: (error: RetryableError) => {
      const attempt = error.config?.retryConfig?.currentRetryAttempt ?? 0;
      addRetries();
      return sleep(retryAfterMs(error) ?? firstDelayMs * 2 ** attempt * (0.5 + Math.random() / 2));
    },
  };
}
