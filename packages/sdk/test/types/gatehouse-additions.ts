// Additions to realm-web's API that only @gatehouse/sdk has: listeners with events, storage classes,
// client errors, the Node entry.
import {
  App,
  ClientError,
  ClientErrorCode,
  Credentials,
  GatehouseError,
  LocalStorage,
  MemoryStorage,
  type AppChangeEvent,
  type LogoutReason,
  type User,
  type UserChangeEvent,
} from "@gatehouse/sdk";
import { DirectoryStorage } from "@gatehouse/sdk/node";

export async function additions(): Promise<void> {
  const app = new App({ id: "todo-gatehouse", baseUrl: "http://localhost:9090", storage: new DirectoryStorage(".cache") });
  new App({ id: "x", baseUrl: "http://x", storage: new MemoryStorage(), clock: { now: () => 0 }, numberDecoding: "bson" });
  new App({ id: "x", baseUrl: "http://x", storage: new LocalStorage("prefix") });
  app.addListener((event: AppChangeEvent<User>) => {
    if (event.type === "userChanged" && event.event.type === "loggedOut") {
      const reason: LogoutReason = event.event.reason;
      console.log(event.user.id, reason);
    }
  });
  app.addListener(() => {}); // realm-web-style callbacks fit
  const user = await app.logIn(Credentials.anonymous());
  user.addListener((event: UserChangeEvent) => console.log(event.type));
  const anonymous: boolean = user.isAnonymous;
  const base: string = app.baseUrl;
  console.log(anonymous, base);
  try {
    app.switchUser(user);
  } catch (err) {
    if (err instanceof ClientError && err.errorCode === ClientErrorCode.UserNotLoggedIn) console.log(err.statusCode);
    if (err instanceof GatehouseError) console.log(err.errorCode, err.link);
  }
}
