// Sorting: a header's data-type says how its column compares; a cell's data-sort, when it has one, is the number
// it sorts by. Empty cells go last in both orders. Filtering the tests table toggles `hidden` on rows, with the
// words to match read once, and shows at most the table's data-limit rows (the first matches in the order shown):
// what costs time with 10,000 rows is the browser laying them out, not the matching.
const collator = new Intl.Collator(undefined, { numeric: true });
function sortKey(cell, numeric) {
  const text = cell.dataset.sort ?? cell.textContent.trim();
  if (text === "") return null;
  return numeric ? Number(text) : text;
}
function sortBy(table, header) {
  const column = header.cellIndex;
  const numeric = header.dataset.type === "number";
  // Numbers start biggest first (slowest, most flaky), words start at A; a second click turns the order round.
  const current = header.getAttribute("aria-sort");
  const descending = current ? current === "ascending" : numeric;
  const body = table.tBodies[0];
  const keyed = Array.from(body.rows, (row) => [sortKey(row.cells[column], numeric), row]);
  keyed.sort(([a], [b]) => {
    if (a === null || b === null) return (a === null) - (b === null);
    const order = numeric ? a - b : collator.compare(a, b);
    return descending ? -order : order;
  });
  const fragment = document.createDocumentFragment();
  keyed.forEach(([, row]) => fragment.appendChild(row));
  body.appendChild(fragment);
  for (const other of header.parentElement.cells) other.removeAttribute("aria-sort");
  header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  table.dispatchEvent(new Event("sorted"));
}
document.querySelectorAll("table.sortable").forEach((table) => {
  for (const header of table.tHead.rows[0].cells) {
    header.addEventListener("click", () => sortBy(table, header));
    header.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(table, header); }
    });
  }
});
const tests = document.getElementById("all-tests");
if (tests) {
  const text = document.getElementById("filter-text");
  const tier = document.getElementById("filter-tier");
  const outcome = document.getElementById("filter-outcome");
  const count = document.getElementById("tests-count");
  const more = document.getElementById("tests-more");
  const noMatch = document.getElementById("no-match");
  const limit = Number(tests.dataset.limit);
  const body = tests.tBodies[0];
  const keys = new Map(Array.from(body.rows, (row) => [row, {
    nodeid: row.cells[0].textContent.toLowerCase(), tier: row.dataset.tier, outcome: row.dataset.outcome,
  }]));
  const filter = () => {
    const words = text.value.trim().toLowerCase();
    let matches = 0;
    for (const row of body.rows) {  // in the order shown, so that the first `limit` matches are the ones shown
      const key = keys.get(row);
      const match = (!words || key.nodeid.includes(words)) && (!tier.value || key.tier === tier.value)
        && (!outcome.value || key.outcome === outcome.value);
      const shown = match && matches < limit;
      if (row.hidden === shown) row.hidden = !shown;  // only touch rows that change
      if (match) matches += 1;
    }
    count.textContent = `${matches} of ${keys.size} tests`;
    count.dataset.shown = matches;
    more.hidden = matches <= limit;
    noMatch.hidden = matches > 0;
  };
  text.addEventListener("input", filter);
  tier.addEventListener("change", filter);
  outcome.addEventListener("change", filter);
  tests.addEventListener("sorted", filter);  // another order: other rows among the first `limit`
  filter();  // a browser may restore the fields' values on reload
}
document.body.dataset.ready = "true";
