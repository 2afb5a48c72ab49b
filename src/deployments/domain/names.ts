/** Names derived from app and release, so a retried step always finds its own work. */

/** DNS-1123 label: lowercase alphanumerics and '-', starting and ending alphanumeric. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const MAX_RELEASE_LENGTH = 40;
export const MAX_APP_LENGTH = 20;

/** Namespace, Fargate profile and local process all share `<app>-<release>` (max 61 chars). */
export function resourceName(app: string, release: string): string {
  return `${app}-${release}`;
}

export function describeReleaseIdProblem(release: string): string | undefined {
  if (release.length === 0) return 'release id is empty';
  if (release.length > MAX_RELEASE_LENGTH) return `release id is longer than ${MAX_RELEASE_LENGTH} characters`;
  if (!DNS1123_LABEL.test(release)) {
    return 'release id must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit';
  }
  return undefined;
}

/**
 * An OCI image reference as the distribution spec defines it: [registry/]path[:tag][@digest].
 * A mutable `latest` (or no tag and no digest) is refused: a release must name exact bytes.
 */
const IMAGE_REFERENCE =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

export function describeImageReferenceProblem(reference: string): string | undefined {
  if (reference.length > 255) return 'image reference is longer than 255 characters';
  const m = IMAGE_REFERENCE.exec(reference);
  if (!m)
    return `"${reference.slice(0, 80)}" is not a valid image reference ([registry/]repository[:tag][@sha256:digest])`;
  const [, tag, digest] = m;
  if (!tag && !digest) return 'image reference needs a tag or a digest; a release must name exact bytes';
  if (tag === 'latest' && !digest) return 'image tag "latest" is mutable; tag images with the commit sha';
  return undefined;
}
