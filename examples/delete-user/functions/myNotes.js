// The calling user's notes, oldest first.
exports = function () {
  const notes = context.services.get("mongodb-atlas").db("app").collection("notes");
  return notes.find({ owner_id: context.user.id }).sort({ createdAt: 1 }).toArray();
};
