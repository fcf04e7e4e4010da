// Deletes the calling user through the Admin API — the variant App Services documented: log in with an
// operator API key kept in secret values, then `DELETE /groups/{groupId}/apps/{appId}/users/{userId}`.
// On Gatehouse the Admin API is the server's own (`adminApiBaseUrl`, e.g. https://auth.example.com/api/admin/v3.0)
// and the key comes from `gatehouse admin-keys create`. Its notes are deleted first, as in deleteMyAccount.
exports = async function () {
  const base = context.values.get("adminApiBaseUrl");
  const userId = context.user.id;

  const login = await context.http.post({
    url: `${base}/auth/providers/mongodb-cloud/login`,
    body: { username: context.values.get("adminApiPublicKey"), apiKey: context.values.get("adminApiPrivateKey") },
    encodeBodyAsJSON: true,
  });
  if (login.statusCode !== 200) throw new Error(`admin API login failed (${login.statusCode}): ${login.body.text()}`);
  const { access_token } = JSON.parse(login.body.text());
  const headers = { Authorization: [`Bearer ${access_token}`] };

  // The project (group) id is the admin profile's first role's.
  const profile = await context.http.get({ url: `${base}/auth/profile`, headers });
  const groupId = JSON.parse(profile.body.text()).roles[0].group_id;
  const appId = context.values.get("adminApiAppId");

  const notes = context.services.get("mongodb-atlas").db("app").collection("notes");
  const { deletedCount } = await notes.deleteMany({ owner_id: userId });

  const deleted = await context.http.delete({ url: `${base}/groups/${groupId}/apps/${appId}/users/${userId}`, headers });
  if (deleted.statusCode !== 204) throw new Error(`admin API delete failed (${deleted.statusCode}): ${deleted.body.text()}`);
  // The admin session is not needed any more.
  await context.http.delete({
    url: `${base}/auth/session`,
    headers: { Authorization: [`Bearer ${JSON.parse(login.body.text()).refresh_token}`] },
  });
  return { deletedUser: userId, deletedNotes: deletedCount };
};
