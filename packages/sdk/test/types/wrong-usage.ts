// Code that must NOT compile: proves the type test can fail. Each line is one expected error.
import { App, Credentials } from "@gatehouse/sdk";

const app = new App({ id: "todo-gatehouse" });
export async function wrong(): Promise<void> {
  await app.logIn("ada@example.com"); // TS2345: a string is not Credentials
  Credentials.emailPassword("ada@example.com"); // TS2554: the password is missing
  const user = await app.logIn(Credentials.anonymous());
  const id: number = user.id; // TS2322: ids are strings
  await app.emailPasswordAuth.registerUser({ email: "ada@example.com" }); // TS2345: password missing
  console.log(id);
}
