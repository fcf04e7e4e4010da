// The trivial function `npm run bench` calls: the cost measured is the call path, not the work.
exports = function (a, b) {
  return a + b;
};
