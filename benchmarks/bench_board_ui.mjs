// The dispatch board in headless Chromium on 200 technicians x 7 days with 5,000 jobs (board_ui_fixture.py),
// measured through the Chrome DevTools Protocol: page usable from navigation (and the server's share), DOM nodes,
// drag frames and the requests during a move, drop -> server-confirmed, and the delay until another board shows it.
//   ../env/bin/python benchmarks/board_ui_fixture.py --site S create   (from the bench's sites directory)
//   BASE_URL=http://test.localhost:8010 node benchmarks/bench_board_ui.mjs
// Needs playwright-core (e2e/node_modules) and Debian's chromium. Prints one line per figure and a JSON summary.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";
import os from "node:os";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../e2e/package.json"));
const { chromium } = require("playwright-core");

const BASE = process.env.BASE_URL || "http://test.localhost:8010";
const PASSWORD = process.env.ADMIN_PASSWORD || "admin";
const DROPS = Number(process.env.DROPS || 20);
const LOADS = Number(process.env.LOADS || 5);
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ARGS });
const figures = {};
const pct = (xs, p) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : null;
};
const r1 = (x) => (x == null ? null : Math.round(x * 10) / 10);
function report(name, value, unit, budget) {
	figures[name] = value;
	const ok = budget == null ? "" : value <= budget ? "  (within " + budget + " " + unit + ")" : "  (OVER " + budget + " " + unit + ")";
	console.log(`${name.padEnd(44)} ${String(value).padStart(9)} ${unit}${ok}`);
}

async function session() {
	const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
	const page = await context.newPage();
	const login = await page.request.post(`${BASE}/api/method/login`, { form: { usr: "Administrator", pwd: PASSWORD } });
	if (!login.ok()) throw new Error(`login ${login.status()}`);
	// Start on the week's first day with the bench's technicians only in view: the board persists its filters.
	return { context, page };
}

async function ready(page) {
	await page.waitForFunction(
		() => {
			const b = window.gigafibre_dispatch_board;
			return b && b.store.data && !b.store.loading && !b.store.busy && document.querySelector(".gdb-row .gdb-job");
		},
		null,
		{ timeout: 60000 }
	);
}

const { page, context } = await session();
// The day measured: the Wednesday of next week, the fixture's week (BENCH_DAY to choose another): a working day
// ahead of today, whatever day the benchmark runs.
await page.goto(`${BASE}/app`);
const DAY =
	process.env.BENCH_DAY ||
	(await page.evaluate(() => {
		const today = frappe.datetime.get_today();
		const back = (frappe.datetime.str_to_obj(today).getDay() + 6) % 7;
		return frappe.datetime.add_days(today, 7 - back + 2);
	}));
const BOARD = `${BASE}/app/dispatch-board?date=${DAY}`;
const cdp = await context.newCDPSession(page);
await cdp.send("Network.enable");
await cdp.send("Performance.enable");

// ------------------------------------------------------------------ load
const usable = [];
const server = [];
for (let i = 0; i < LOADS; i++) {
	const t0 = Date.now();
	await page.goto(BOARD, { waitUntil: "commit" });
	await ready(page);
	usable.push(Date.now() - t0);
	const timing = await page.evaluate(() => {
		const e = performance.getEntriesByType("resource").filter((r) => r.name.includes("api.board.get_board")).pop();
		return e ? { wait: e.responseStart - e.requestStart, total: e.responseEnd - e.startTime } : null;
	});
	if (timing) server.push(timing.wait);
}
const rows = await page.evaluate(() => window.gigafibre_dispatch_board.store.resources.length);
const jobs = await page.evaluate(() => {
	const s = window.gigafibre_dispatch_board.store;
	return s.data.resources.reduce((n, r) => n + r.segments.filter((x) => x.type === "job").length, 0);
});
console.log(`board: ${rows} rows, ${jobs} jobs on ${DAY} (day view), ${LOADS} loads, ${os.cpus().length} cores`);
report("page usable from navigation, median", pct(usable, 50), "ms", 1000);
report("page usable from navigation, max", Math.max(...usable), "ms");
report("server data, day view = 3 days (get_board TTFB), median", r1(pct(server, 50)), "ms");

// Week view data for the same board (the heaviest range a dispatcher opens daily).
await page.click("[data-view=week]");
await ready(page).catch(() => {});
await page.waitForFunction(() => !window.gigafibre_dispatch_board.store.loading, null, { timeout: 60000 });
const week = await page.evaluate(() => {
	const e = performance.getEntriesByType("resource").filter((r) => r.name.includes("api.board.get_board")).pop();
	const app = e.serverTiming.find((t) => t.name === "app");
	return { wait: e.responseStart - e.requestStart, total: e.responseEnd - e.startTime, server: app ? app.duration : null };
});
if (week.server == null) throw new Error("the week's answer carries no Server-Timing");
// The budget is the server's ("week data on the server"): its own Server-Timing. The browser's TTFB adds the
// network and the queueing of a 2-core machine that also runs the browser.
report("week data on the server (Server-Timing, as the board asks)", r1(week.server), "ms", 150);
report("week data, browser TTFB (as the board asks)", r1(week.wait), "ms");
// The week's data again, several times, as the board asks (detail=week) and, as the baseline in the same run, the
// full detail a day view reads (travel and coordinates too); every request must succeed.
// One get_board from the page, timed by the browser's resource timing (request to last byte: the network and the
// server, not the page's JSON parsing or its garbage collection); {ok, ms}.
const TIMED_GET = `async (args) => {
	const q = new URLSearchParams(args);
	const url = new URL("/api/method/gigafibre_dispatch.api.board.get_board?" + q, location.href).href;
	const r = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
	await r.text();
	const e = performance.getEntriesByName(url).pop();
	performance.clearResourceTimings();
	const app = e && e.serverTiming.find((t) => t.name === "app");
	return { ok: r.ok, ms: e ? e.responseEnd - e.requestStart : null, server: app ? app.duration : null };
}`;
const timed = (p, runs) =>
	p.evaluate(async ([fn, runs]) => {
		const one = eval(fn); // eslint-disable-line no-eval
		const out = {};
		for (let i = 0; i < 6; i++) for (const [name, args] of Object.entries(runs)) (out[name] = out[name] || []).push(await one(args));
		return out;
	}, [TIMED_GET, runs]);
const [wk_from, wk_to] = await page.evaluate(() => window.gigafibre_dispatch_board.store.range);
const week_runs = await timed(page, { week: { date_from: wk_from, date_to: wk_to, detail: "week" }, full: { date_from: wk_from, date_to: wk_to } });
if (![...week_runs.week, ...week_runs.full].every((x) => x.ok && x.server != null)) throw new Error("a week request failed");
report("week data, detail=week, on the server, median (Server-Timing)", r1(pct(week_runs.week.map((x) => x.server), 50)), "ms", 150);
report("week data, baseline full detail, on the server, median", r1(pct(week_runs.full.map((x) => x.server), 50)), "ms");
report("week data, detail=week, median (request to last byte)", r1(pct(week_runs.week.map((x) => x.ms), 50)), "ms");
report("week data, baseline full detail, median", r1(pct(week_runs.full.map((x) => x.ms), 50)), "ms");
report("DOM nodes, week view", await page.evaluate(() => document.querySelectorAll("*").length), "nodes", 5000);
await page.click("[data-view=day]");
await ready(page);

// ------------------------------------------------------------------ DOM nodes while scrolling the rows
let max_nodes = 0;
for (let i = 0; i < 12; i++) {
	await page.locator(".gdb-day").evaluate((el, k) => (el.scrollTop = k * 800), i);
	await page.waitForTimeout(60);
	max_nodes = Math.max(max_nodes, await page.evaluate(() => document.querySelectorAll("*").length));
}
await page.locator(".gdb-day").evaluate((el) => (el.scrollTop = 0));
report("DOM nodes, day view, max while scrolling", max_nodes, "nodes", 5000);

// ------------------------------------------------------------------ drag frames
const requests = [];
page.on("request", (r) => r.url().includes("/api/") && requests.push(r.url()));
const techs = await page.evaluate(() => window.gigafibre_dispatch_board.store.resources.map((r) => r.id).filter((id) => id.startsWith("BUI-")));
const rows_box = await page.locator(".gdb-rows").boundingBox();
// The row of `tech` at `hour` of the day shown, scrolled into view (the board says where a time is drawn).
async function point(tech, hour) {
	const x = await page.evaluate(([t, h]) => {
		const line = window.gigafibre_dispatch_board.timeline;
		line.scroll_to_row(t);
		line.scroll_to_min(line.at(h));
		return line.x_of(line.at(h));
	}, [tech, hour]);
	const row = page.locator(`.gdb-row[data-tech="${tech}"]`);
	await row.waitFor();
	const box = await row.boundingBox();
	const rb = await page.locator(".gdb-rows").boundingBox();
	return { x: rb.x + 200 + x + 3, y: box.y + box.height / 2 };
}
const tray_item = () => page.locator(".gdb-tray-item").first();
const src = await tray_item().boundingBox();
await page.evaluate(() => {
	window.__frames = [];
	let last = performance.now();
	const loop = (t) => {
		window.__frames.push(t - last);
		last = t;
		if (window.__framing) requestAnimationFrame(loop);
	};
	window.__framing = true;
	requestAnimationFrame(loop);
	window.__long = 0;
	new PerformanceObserver((l) => (window.__long += l.getEntries().length)).observe({ type: "longtask", buffered: false });
	// Long animation frames with the scripts that ran in them: what a long task was, when there is one.
	window.__loaf = [];
	new PerformanceObserver((l) => {
		for (const e of l.getEntries()) {
			if (e.blockingDuration <= 0) continue;
			const scripts = e.scripts.map((s) => `${s.invoker} ${s.sourceFunctionName || ""} ${(s.sourceURL || "").split("/").pop()}:${s.sourceCharPosition} ${Math.round(s.duration)} ms`);
			window.__loaf.push(`frame ${Math.round(e.duration)} ms (blocking ${Math.round(e.blockingDuration)}, style and layout ${Math.round(e.duration - (e.renderStart ? e.renderStart - e.startTime : e.duration))} ms): ${scripts.join("; ") || "no script"}`);
		}
	}).observe({ type: "long-animation-frame", buffered: false });
	// Event Timing: pointer moves whose handling up to the next paint took 16 ms or more (the API's floor).
	window.__slow = [];
	window.__work = [];
	new PerformanceObserver((l) => {
		for (const e of l.getEntries()) {
			if (e.name !== "pointermove") continue;
			window.__slow.push(e.duration);
			window.__work.push(e.processingEnd - e.processingStart);
		}
	}).observe({ type: "event", durationThreshold: 16, buffered: false });
});
requests.length = 0;
const move_ms = [];
await page.mouse.move(src.x + 10, src.y + src.height / 2);
await page.mouse.down();
const target_first = await point(techs[3], 9);
for (let i = 1; i <= 120; i++) {
	// Across rows and hours: the target changes often, as a real sweep does.
	const x = src.x + ((target_first.x + (i % 40) * 9 - src.x) * Math.min(1, i / 20));
	const y = src.y + ((target_first.y + Math.floor(i / 10) * 46 - src.y) * Math.min(1, i / 20));
	const t = performance.now();
	await page.mouse.move(x, Math.min(y, rows_box.y + 900));
	move_ms.push(performance.now() - t);
	await page.waitForTimeout(8);
}
await page.waitForTimeout(500); // hovering still: the debounced rule check fires once
await page.keyboard.press("Escape");
await page.mouse.up();
await page.waitForTimeout(200);
const frames = await page.evaluate(() => {
	window.__framing = false;
	return { frames: window.__frames.slice(2), long: window.__long, slow: window.__slow, work: window.__work, loaf: window.__loaf };
});
for (const line of frames.loaf) console.log(`  long frame during the drag: ${line}`);
const during = requests.filter((u) => !u.includes("check_drop"));
// At 60 Hz a frame lasts 16.67 ms; Chromium's frame clock jitters by a few tenths: p95 within one frame (17 ms)
// means no frame was dropped while dragging.
report("drag: rAF frame interval p95", r1(pct(frames.frames, 95)), "ms", 17);
report("drag: frames dropped (intervals >= 25 ms)", frames.frames.filter((f) => f >= 25).length, `of ${frames.frames.length}`);
report("drag: rAF frame interval max", r1(Math.max(...frames.frames)), "ms");
// In headless Chromium an event's duration runs to the next presented frame (60 Hz), so most moves show >= 16 ms
// whatever they do; the handler time (processingStart..processingEnd) is the board's own work per move.
report("drag: pointermoves >= 16 ms to next paint", frames.slow.length, `of ${move_ms.length}`);
report("drag: worst such pointermove (to next paint)", r1(frames.slow.length ? Math.max(...frames.slow) : 0), "ms");
report("drag: worst pointermove handler time", r1(frames.work.length ? Math.max(...frames.work) : 0), "ms", 16);
report("drag: CDP mouse.move round trip p95 (incl. IPC)", r1(pct(move_ms, 95)), "ms");
report("drag: long tasks (>50 ms) during the move", frames.long, "tasks", 0);
report("drag: requests other than check_drop", during.length, "requests", 0);
report("drag: check_drop requests (debounced)", requests.length - during.length, "requests");

// ------------------------------------------------------------------ drop -> server-confirmed, and the other board
const other = await session();
await other.page.goto(BOARD);
await ready(other.page);
await other.page.waitForSelector(".gdb-pill.live", { timeout: 15000 }).catch(() => console.log("warning: the other board is not live"));
const confirmed = [];
const seen = [];
let drops_ok = 0;
const timings = new Map();
cdp.on("Network.requestWillBeSent", (e) => e.request.url.includes("api.board.drop") && timings.set(e.requestId, { start: e.timestamp }));
cdp.on("Network.loadingFinished", (e) => timings.has(e.requestId) && (timings.get(e.requestId).end = e.timestamp));
for (let i = 0; i < DROPS; i++) {
	await ready(page);
	const job = await page.evaluate(() => window.gigafibre_dispatch_board.store.tray[0].job);
	const tech = techs[(i * 7) % 16];
	const hour = 16 + (i % 4) * 0.5; // a free late afternoon (the bench jobs end by 17:30)
	const { x, y } = await point(tech, hour);
	const item = page.locator(`.gdb-tray-item[data-job="${job}"]`);
	const b = await item.boundingBox();
	await page.mouse.move(b.x + 10, b.y + b.height / 2);
	await page.mouse.down();
	for (let k = 1; k <= 10; k++) await page.mouse.move(b.x + 10 + ((x - b.x - 10) * k) / 10, b.y + b.height / 2 + ((y - b.y - b.height / 2) * k) / 10);
	await page.waitForFunction(() => /allowed|warning|blocked/.test(document.querySelector(".gdb-floating")?.className || ""), null, { timeout: 8000 });
	const response = page.waitForResponse((r) => r.url().includes("api.board.drop"), { timeout: 15000 });
	await page.mouse.up();
	const r = await response;
	const at = Date.now();
	if (!r.ok()) console.log(`drop ${job} refused: ${r.status()}`);
	else drops_ok++;
	const shown = await other.page
		.waitForSelector(`.gdb-row[data-tech="${tech}"] [data-job="${job}"]`, { state: "attached", timeout: 10000 })
		.then(() => Date.now() - at)
		.catch(() => null);
	if (shown != null) seen.push(shown);
}
for (const t of timings.values()) if (t.end) confirmed.push((t.end - t.start) * 1000);
report("drop -> server-confirmed p50", r1(pct(confirmed, 50)), "ms");
report("drop -> server-confirmed p95", r1(pct(confirmed, 95)), "ms", 200);
report("another board shows it, p50 (after confirm)", r1(pct(seen, 50)), "ms");
report("another board shows it, p95 (after confirm)", r1(pct(seen, 95)), "ms", 300);
report("another board shows it, seen", seen.length, `of ${DROPS}`);
if (drops_ok !== DROPS) throw new Error(`${DROPS - drops_ok} drops failed`);
// What the other board asks for on each event (the patch: the job's rows only) against the baseline in the same
// run, a whole reload of its three days.
const [day_from, day_to] = await other.page.evaluate(() => window.gigafibre_dispatch_board.store.range);
const patch_runs = await timed(other.page, {
	patch: { date_from: day_from, date_to: day_to, technicians: JSON.stringify([techs[0]]) },
	reload: { date_from: day_from, date_to: day_to },
});
if (![...patch_runs.patch, ...patch_runs.reload].every((x) => x.ok)) throw new Error("a patch request failed");
report("live patch request (one row), median", r1(pct(patch_runs.patch.map((x) => x.ms), 50)), "ms");
report("baseline: whole reload of the day view, median", r1(pct(patch_runs.reload.map((x) => x.ms), 50)), "ms");

console.log(JSON.stringify({ rows, jobs_today: jobs, ...figures }));
await other.context.close();
await browser.close();
