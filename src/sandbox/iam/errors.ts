/** An IAM/STS error as the real service returns it: a code, a message and an HTTP status. */
export class IamError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export const noSuchEntity = (message: string) => new IamError('NoSuchEntity', message, 404);
export const deleteConflict = (message: string) => new IamError('DeleteConflict', message, 409);
export const limitExceeded = (message: string) => new IamError('LimitExceeded', message, 409);
export const alreadyExists = (message: string) => new IamError('EntityAlreadyExists', message, 409);
export const validationError = (message: string) => new IamError('ValidationError', message, 400);
export const invalidInput = (message: string) => new IamError('InvalidInput', message, 400);
export const malformedPolicy = (message: string) => new IamError('MalformedPolicyDocument', message, 400);
