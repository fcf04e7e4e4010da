// Stores a note owned by the calling user.
exports = async function (text) {
  const notes = context.services.get("mongodb-atlas").db("app").collection("notes");
  const { insertedId } = await notes.insertOne({ owner_id: context.user.id, text, createdAt: new Date() });
  return insertedId;
};
