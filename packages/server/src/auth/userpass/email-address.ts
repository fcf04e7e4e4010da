/**
 * What an email address must look like to be registered. Mail libraries read an address string as an
 * address *list* with display names and comments (`victim@x.io <thief@y.io>` mails the thief), and a
 * bidi control makes one address display as another, so registration accepts exactly one bare
 * `local@domain` and nothing a mail header could reinterpret:
 * - local part: a dot-atom of RFC 5322 `atext` or non-ASCII letters, marks and digits (RFC 6531), at most 64;
 * - domain: dot-separated labels of letters, digits and inner hyphens (ASCII or IDN U-labels), no IP literal;
 * - at most 254 characters; no whitespace, control, format (bidi) or quoting characters anywhere.
 *
 * Addresses are compared and stored in Unicode NFC, so the composed and decomposed forms of `é` are one
 * account ({@link normalizeEmail}).
 */

const LOCAL_CHAR = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\p{L}\p{M}\p{N}]$/u;
const LABEL = /^[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]{0,61}[\p{L}\p{M}\p{N}])?$/u;
/** Controls, format characters (bidi overrides and isolates, zero-width joiners), separators. */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Z}\s]/u;

/** The address in Unicode NFC: the form it is stored, compared and mailed in. */
export function normalizeEmail(email: string): string {
  return email.normalize("NFC");
}

/** Whether `email` (already NFC) is one bare address Gatehouse will register and mail. */
export function isRegistrableEmail(email: string): boolean {
  if (email.length > 254 || FORBIDDEN.test(email)) return false;
  const at = email.lastIndexOf("@");
  if (at <= 0 || at === email.length - 1) return false;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if ([...local].length > 64) return false;
  const atoms = local.split(".");
  if (atoms.some((atom) => atom === "" || ![...atom].every((c) => LOCAL_CHAR.test(c)))) return false;
  const labels = domain.split(".");
  return labels.length >= 2 && labels.every((label) => LABEL.test(label));
}
