// Deletes the calling user's data, then the user itself.
//
// On App Services this function called the Admin API (`DELETE /groups/{group}/apps/{app}/users/{id}`)
// with an admin API key kept in a secret. Gatehouse offers the same operation as a service, so no key is
// needed. It runs as system: `context.user` is still the caller, and a system function may act on any
// user of the app (one that does not may act only on its caller).
exports = async function () {
  const userId = context.user.id;
  const notes = context.services.get("mongodb-atlas").db("app").collection("notes");
  const { deletedCount } = await notes.deleteMany({ owner_id: userId });
  // Ends every session of the user: its access and refresh tokens stop working at once.
  await context.services.get("gatehouse-admin").deleteUser(userId);
  return { deletedUser: userId, deletedNotes: deletedCount };
};
