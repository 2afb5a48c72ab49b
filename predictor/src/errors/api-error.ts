/** The stable error body every cutover service answers with. */
export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/** An expected, client-caused failure: carries its own status and stable code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}
