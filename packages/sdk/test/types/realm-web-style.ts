// A program written against realm-web's user API. The type test compiles it twice, unchanged except
// for the module name: against realm-web's own declarations (proving it is realm-web code) and
// against @gatehouse/sdk's (proving that code keeps compiling when only the import changes).
import * as Realm from "@gatehouse/sdk";
import { App, BSON, Credentials, MongoDBRealmError, User, UserState } from "@gatehouse/sdk";

type TodoCustomData = { name?: string; favouriteColour?: string };
type TodoFunctions = {
  sum(a: number, b: number): Promise<number>;
  createTask(task: { title: string; due: Date; owner: BSON.ObjectId }): Promise<{ _id: BSON.ObjectId }>;
};

const app = new Realm.App({ id: "todo-gatehouse", baseUrl: "https://auth.example.com" });
const typed = new App<TodoFunctions, TodoCustomData>({
  id: "todo-gatehouse",
  baseUrl: "https://auth.example.com",
  app: { name: "todo-web", version: "1.2.3" },
});
const singleton: App = App.getApp("todo-gatehouse");
const viaFunction = Realm.getApp("todo-gatehouse");

export async function loginEmailPassword(email: string, password: string): Promise<Realm.User> {
  const credentials = Realm.Credentials.emailPassword(email, password);
  const user = await app.logIn(credentials);
  console.assert(user.id === app.currentUser?.id);
  return user;
}

export async function everything(email: string, password: string): Promise<void> {
  // Accounts
  await app.emailPasswordAuth.registerUser({ email, password });
  await app.emailPasswordAuth.confirmUser({ token: "t", tokenId: "i" });
  await app.emailPasswordAuth.resendConfirmationEmail({ email });
  await app.emailPasswordAuth.retryCustomConfirmation({ email });
  await app.emailPasswordAuth.sendResetPasswordEmail({ email });
  await app.emailPasswordAuth.resetPassword({ token: "t", tokenId: "i", password });
  await app.emailPasswordAuth.callResetPasswordFunction({ email, password }, "answer", 42);

  // Credentials of every provider
  const all: Credentials[] = [
    Credentials.anonymous(),
    Credentials.anonymous(false),
    Credentials.emailPassword(email, password),
    Credentials.apiKey("key"),
    Credentials.jwt("jwt"),
    Credentials.function({ username: "ada", pin: 1234 }),
    Credentials.google({ idToken: "id" }),
    Credentials.google({ authCode: "code" }),
    Credentials.apple("id-token"),
    Credentials.facebook("access-token"),
    App.Credentials.anonymous(),
  ];
  const providerNames: string[] = all.map((c) => c.providerName);
  console.log(providerNames, all[0]?.providerType === "anon-user", all[0]?.payload);

  // Users
  const user: User = await app.logIn(Credentials.anonymous());
  const id: string = user.id;
  const state: UserState = user.state;
  const active: boolean = user.isLoggedIn && state === UserState.Active;
  const access: string | null = user.accessToken;
  const refresh: string | null = user.refreshToken;
  const device: string | null = user.deviceId;
  const provider: Realm.ProviderType = user.providerType;
  const identityTypes = user.identities.map((identity) => identity.providerType);
  const profileEmail: string | undefined = user.profile.email;
  const picture: string | undefined = user.profile.pictureUrl;
  const custom: Record<string, unknown> = user.customData;
  console.log(id, active, access, refresh, device, provider, identityTypes, profileEmail, picture, custom);
  await user.refreshProfile();
  await user.refreshAccessToken();
  const fresh = await user.refreshCustomData();
  console.log(fresh, user.toJSON());
  await user.linkCredentials(Credentials.emailPassword(email, password));

  // Functions: by name through the proxy, or callFunction
  const viaProxy = await user.functions.sum(1, 2);
  const viaIndex = await user.functions["sum"]!(1, 2);
  const viaCall = await user.callFunction("sum", 1, 2);
  const viaFactory = await user.functions.callFunction("sum", 1, 2);
  const stream: AsyncIterable<Uint8Array> = await user.functions.callFunctionStreaming("feed");
  console.log(viaProxy, viaIndex, viaCall, viaFactory, stream);

  // Typed functions and custom data
  const me = typed.currentUser;
  if (me) {
    const total: number = await me.functions.sum(1, 2);
    const task = await me.functions.createTask({ title: "docs", due: new Date(), owner: new BSON.ObjectId(me.id) });
    const colour: string | undefined = me.customData.favouriteColour;
    const refreshed: TodoCustomData = await me.refreshCustomData();
    console.log(total, task._id.toHexString(), colour, refreshed);
  }

  // API keys
  const key = await user.apiKeys.create("ci");
  const secret: string = key.key;
  const keys = await user.apiKeys.fetchAll();
  const one = await user.apiKeys.fetch(key._id);
  await user.apiKeys.disable(one._id);
  await user.apiKeys.enable(one._id);
  await user.apiKeys.delete(one._id);
  console.log(
    secret,
    keys.map((k) => k.disabled),
  );

  // Multiple users
  const everyone: User[] = Object.values(app.allUsers);
  app.switchUser(everyone[0]!);
  await app.removeUser(user);
  await app.deleteUser(everyone[0]!);
  await user.logOut();
  console.log(singleton.id, viaFunction.id);

  // Errors
  try {
    await app.logIn(Credentials.emailPassword(email, "wrong"));
  } catch (err) {
    if (err instanceof MongoDBRealmError) {
      const status: number = err.statusCode;
      const code: string | undefined = err.errorCode;
      const link: string | undefined = err.link;
      const message: string | undefined = err.error;
      console.log(status, code, link, message, err.method, err.url, err.statusText);
    }
  }
}
