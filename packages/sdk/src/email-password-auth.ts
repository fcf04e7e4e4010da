/**
 * The email/password provider's account routes (PROTOCOL §5): register, confirm, resend, reset. They
 * need no authentication, and unlike realm-web no user token is attached (a stale token must not matter).
 */
import type { Fetcher } from "./transport/fetcher.js";
import { appRoutes, type EmailPasswordAction } from "./transport/routes.js";

/** `registerUser` details. */
export interface RegisterUserDetails {
  /** The new account's email. */
  email: string;
  /** The password, 6–128 characters. */
  password: string;
}
/** `confirmUser` details: the pair from the confirmation link or function. */
export interface ConfirmUserDetails {
  /** Token from the link. */
  token: string;
  /** Token id from the link. */
  tokenId: string;
}
/** `resendConfirmationEmail` details. */
export interface ResendConfirmationDetails {
  /** The pending account's email. */
  email: string;
}
/** `retryCustomConfirmation` details. */
export interface RetryCustomConfirmationDetails {
  /** The pending account's email. */
  email: string;
}
/** `resetPassword` details: the pair from the reset link, and the new password. */
export interface ResetPasswordDetails {
  /** Token from the link. */
  token: string;
  /** Token id from the link. */
  tokenId: string;
  /** The new password. */
  password: string;
}
/** `sendResetPasswordEmail` details. */
export interface SendResetPasswordDetails {
  /** The account's email. */
  email: string;
}
/** `callResetPasswordFunction` details. */
export interface CallResetPasswordFunctionDetails {
  /** The account's email. */
  email: string;
  /** The new password. */
  password: string;
}

/**
 * Email/password account operations (`app.emailPasswordAuth`).
 *
 * @example
 * await app.emailPasswordAuth.registerUser({ email: "ada@example.com", password: "s3cret!" });
 */
export class EmailPasswordAuth {
  /**
   * @param fetcher - Sends the requests.
   * @param providerName - Provider name (`local-userpass`).
   */
  constructor(
    private readonly fetcher: Fetcher,
    private readonly providerName = "local-userpass",
  ) {}

  /**
   * Creates an account. With `autoConfirm` it can log in at once; otherwise after confirmation.
   *
   * @example
   * await app.emailPasswordAuth.registerUser({ email, password });
   */
  registerUser(details: RegisterUserDetails): Promise<void> {
    return this.post("register", { email: details.email, password: details.password });
  }

  /**
   * Confirms an account with the token pair from the confirmation email.
   *
   * @example
   * const params = new URLSearchParams(location.search);
   * await app.emailPasswordAuth.confirmUser({ token: params.get("token")!, tokenId: params.get("tokenId")! });
   */
  confirmUser(details: ConfirmUserDetails): Promise<void> {
    return this.post("confirm", { token: details.token, tokenId: details.tokenId });
  }

  /**
   * Sends the confirmation email again.
   *
   * @example
   * await app.emailPasswordAuth.resendConfirmationEmail({ email });
   */
  resendConfirmationEmail(details: ResendConfirmationDetails): Promise<void> {
    return this.post("confirm/send", { email: details.email });
  }

  /**
   * Runs the app's custom confirmation function again.
   *
   * @example
   * await app.emailPasswordAuth.retryCustomConfirmation({ email });
   */
  retryCustomConfirmation(details: RetryCustomConfirmationDetails): Promise<void> {
    return this.post("confirm/call", { email: details.email });
  }

  /**
   * Completes a password reset with the token pair from the reset email.
   *
   * @example
   * await app.emailPasswordAuth.resetPassword({ token, tokenId, password: "n3w-secret" });
   */
  resetPassword(details: ResetPasswordDetails): Promise<void> {
    return this.post("reset", { token: details.token, tokenId: details.tokenId, password: details.password });
  }

  /**
   * Sends a password reset email.
   *
   * @example
   * await app.emailPasswordAuth.sendResetPasswordEmail({ email });
   */
  sendResetPasswordEmail(details: SendResetPasswordDetails): Promise<void> {
    return this.post("reset/send", { email: details.email });
  }

  /**
   * Runs the app's custom reset function; extra arguments are passed to it.
   *
   * @example
   * await app.emailPasswordAuth.callResetPasswordFunction({ email, password }, securityAnswer);
   */
  callResetPasswordFunction(details: CallResetPasswordFunctionDetails, ...args: unknown[]): Promise<void> {
    return this.post("reset/call", { email: details.email, password: details.password, arguments: args });
  }

  private async post(action: EmailPasswordAction, body: Record<string, unknown>): Promise<void> {
    const path = appRoutes(this.fetcher.config.appId).emailPassword(this.providerName, action);
    await this.fetcher.fetch({ method: "POST", path, body });
  }
}
