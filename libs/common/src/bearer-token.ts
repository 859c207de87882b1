/** The token of an `Authorization: Bearer <token>` header, or undefined. The one parser every bearer check uses. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}
