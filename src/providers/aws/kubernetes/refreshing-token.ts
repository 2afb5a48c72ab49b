import type { TokenSource } from './kube-client';

export interface RefreshingTokenOptions {
  /** A token is used for this long after it was minted, then a new one is minted. */
  refreshAfterMs: number;
  /** Epoch milliseconds. */
  now?: () => number;
}

/**
 * A token source that mints lazily and reuses the token until `refreshAfterMs` has passed,
 * well inside the token's own lifetime, so a request never leaves with a token about to expire.
 * Concurrent callers share one minting; a failed minting is not remembered, the next call
 * tries again.
 */
export function refreshingToken(mint: () => Promise<string>, options: RefreshingTokenOptions): TokenSource {
  const now = options.now ?? Date.now;
  let cached: { token: string; mintedAt: number } | undefined;
  let minting: Promise<string> | undefined;

  return async () => {
    const at = now();
    // A clock that went backwards says nothing about the token's age: mint again.
    if (cached && at >= cached.mintedAt && at - cached.mintedAt < options.refreshAfterMs) return cached.token;
    minting ??= (async () => {
      try {
        const token = await mint();
        cached = { token, mintedAt: at };
        return token;
      } finally {
        minting = undefined;
      }
    })();
    return minting;
  };
}
