/**
 * What the server config holds for one app, and the SMTP settings: shapes only.
 * Part of the server config that `../server-config.ts` gathers.
 */

/** A named HS256 token signing secret. */
export interface SigningKey {
  kid: string;
  secret: string;
}

/** SMTP settings for confirmation and reset mail (nodemailer transport options). */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465). Otherwise STARTTLS is used when the server offers it. */
  secure?: boolean;
  auth?: { user: string; pass: string };
  /** The From: address. */
  from: string;
}

/** Settings of one app that do not belong in its App Services export: secrets and Gatehouse options. */
export interface AppServerSettings {
  /** HS256 token signing keys; the last one signs. Generated and kept in the store when absent. */
  signingKeys?: SigningKey[];
  /** Secret values by name (what `secret_config` and `from_secret` values refer to). */
  secrets?: Record<string, string>;
  /**
   * How emails are compared. App Services compared them exactly (case-sensitively), which is the
   * default so migrated users keep logging in; `case-insensitive` treats `A@x.io` and `a@x.io` as one.
   */
  emailMatching?: "exact" | "case-insensitive";
  /**
   * Connection strings of the app's data sources by service name (`mongodb-atlas`, ...): exports carry
   * none. A data source without one is served by builtin collections in Gatehouse's own database.
   */
  dataSources?: Record<string, { uri: string }>;
  /**
   * Whether deleting a user (admin API, `/auth/delete`, `gatehouse-admin`) also deletes its custom user
   * data document. Default false: App Services left that document to the app.
   */
  deleteCustomUserData?: boolean;
}
