/** A meta/v1 Status, the body of every error the API server answers. */
export interface KubeStatus {
  code: number;
  reason: string;
  message: string;
}

export function statusBody({ code, reason, message }: KubeStatus) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/** Thrown inside the fake's handlers; the server turns it into a Status answer. */
export class KubeStatusError extends Error {
  constructor(readonly status: KubeStatus) {
    super(status.message);
  }
}

export const refuse = (code: number, reason: string, message: string) => new KubeStatusError({ code, reason, message });
