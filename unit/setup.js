// What Desk gives the board's scripts at run time: `__` (translation), `frappe` (boot, dates, route options),
// `window.location`, `localStorage`. Only what the store and time.js read; TODAY is the site's date, pinned.
export const TODAY = "2027-03-12"; // a Friday: the Sunday after is a DST change day in America/Toronto

globalThis.__ = (text, args) => String(text).replace(/\{(\d+)\}/g, (_, i) => (args ? args[i] : ""));
globalThis.frappe = {
	boot: { lang: "fr" },
	route_options: null,
	datetime: { get_today: () => TODAY },
};
const memory = new Map();
globalThis.localStorage = {
	getItem: (k) => (memory.has(k) ? memory.get(k) : null),
	setItem: (k, v) => memory.set(k, String(v)),
	removeItem: (k) => memory.delete(k),
	clear: () => memory.clear(),
};
globalThis.window = { location: { search: "" } };
