/** What an AWS SDK error says, without ever including request data (credentials are never in it). */
export function awsErrorCode(error: unknown): string | undefined {
  const name = (error as { name?: string } | undefined)?.name;
  return name?.replace(/Exception$/, '');
}

export function isNoSuchEntity(error: unknown): boolean {
  return awsErrorCode(error) === 'NoSuchEntity';
}

export function awsErrorText(error: unknown): string {
  const code = awsErrorCode(error) ?? 'Error';
  const message = (error as { message?: string } | undefined)?.message ?? String(error);
  return message.startsWith(code) ? message : `${code}: ${message}`;
}

/** Runs `call`; a NoSuchEntity means the thing is already gone. */
export async function unlessGone(call: () => Promise<unknown>): Promise<'done' | 'gone'> {
  try {
    await call();
    return 'done';
  } catch (error) {
    if (isNoSuchEntity(error)) return 'gone';
    throw error;
  }
}
