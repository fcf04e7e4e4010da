/**
 * The real SMTP server on loopback that the server's tests use, so SDK tests follow confirmation and
 * reset links the way a user would.
 */
export { MailCatcher, linkTokens } from "../../../server/test/helpers/smtp.ts";
