// The board's page object for the browser checks (e2e/board.mjs runs e2e/board/*.mjs in order): the browser and
// Desk session, the server reads (jobs, audit trail, the store), pointer helpers (a technician's row at an hour,
// drags, hovers), records made through the API, and what the specs share (HOME: the working day; `created`: jobs
// cancelled at the end; `state.booked`: the job the drag specs move).
// Needs the demo (`bench --site S dispatch demo`), a socket.io server for the realtime checks, playwright-core (npm)
// and Debian's chromium; screenshots go to $OUT (default /tmp/e2e-board).
import { chromium, request as http } from "playwright-core";
import { mkdirSync } from "node:fs";
import { createHmac, randomUUID } from "node:crypto";

export const BASE = process.env.BASE_URL || "http://test.localhost:8010";
export const OUT = process.env.OUT || "/tmp/e2e-board";
export const PASSWORD = process.env.ADMIN_PASSWORD || "admin";
export const TECH = process.env.TECH || "DEMO-T11"; // a human with weekday shifts and free mornings in the demo
export const OTHER = process.env.OTHER_TECH || "DEMO-T12";
export const LIVE_TECH = process.env.LIVE_TECH || "DEMO-T02";
export const ABSENT_TECH = process.env.ABSENT_TECH || "DEMO-T09"; // texts an absence through the webhook
mkdirSync(OUT, { recursive: true });

export const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
export const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ARGS });
export const results = [];
let failed = 0;
export const failures = () => failed;

export function check(step, ok, detail = "") {
	results.push([step, ok, detail]);
	if (!ok) failed++;
	console.log(`${ok ? "PASS" : "FAIL"} ${step}${detail ? ` — ${detail}` : ""}`);
}

export async function step(name, fn) {
	try {
		await fn();
	} catch (e) {
		check(name, false, String(e && e.stack ? e.stack.split("\n").slice(0, 3).join(" | ") : e));
	}
}

export async function session(user = "Administrator", pwd = PASSWORD) {
	const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
	const page = await context.newPage();
	page.on("pageerror", (e) => console.log(`[${user}] pageerror: ${e.message}`));
	const login = await page.request.post(`${BASE}/api/method/login`, { form: { usr: user, pwd } });
	if (!login.ok()) throw new Error(`login ${user}: ${login.status()}`);
	return { context, page };
}

export const { page } = await session();

export async function get(method, params = {}, p = page) {
	const r = await p.request.get(`${BASE}/api/method/${method}?${new URLSearchParams(params)}`);
	return { status: r.status(), body: await r.json().catch(() => ({})) };
}
export const job_of = async (job) => (await get("gigafibre_dispatch.api.lifecycle.get_job", { job })).body.data;
export const timeline_of = async (job) => (await get("gigafibre_dispatch.api.lifecycle.get_timeline", { job })).body.data.timeline.map((e) => e.command);
// A text from a technician's phone to the webhook, signed as Twilio signs it (the site's Twilio token set for the run).
export let twilio_token = null;
export async function twilio_sms(phone, body) {
	const csrf = await page.evaluate(() => frappe.csrf_token);
	if (!twilio_token) {
		twilio_token = `e2e-twilio-${Date.now()}`;
		const put = await page.request.put(`${BASE}/api/resource/Dispatch Settings/Dispatch Settings`, { headers: { "X-Frappe-CSRF-Token": csrf }, data: { twilio_auth_token: twilio_token } });
		if (!put.ok()) throw new Error(`settings ${put.status()}`);
	}
	const settings = (await get("frappe.client.get_value", { doctype: "Dispatch Settings", fieldname: "public_base_url" })).body.message;
	const path = "/api/method/gigafibre_dispatch.api.sms.inbound";
	const url = (settings.public_base_url ? settings.public_base_url.replace(/\/$/, "") : BASE) + path;
	const params = { From: phone, To: "+14382313838", Body: body, MessageSid: `SM${randomUUID().replace(/-/g, "")}` };
	const signed = url + Object.keys(params).sort().map((k) => k + params[k]).join("");
	const signature = createHmac("sha1", twilio_token).update(Buffer.from(signed, "utf-8")).digest("base64");
	const twilio = await http.newContext(); // Twilio has no Desk session (and so no CSRF token)
	const response = await twilio.post(`${BASE}${path}`, { form: params, headers: { "X-Twilio-Signature": signature } });
	const text = await response.text();
	await twilio.dispose();
	return { ok: () => response.ok(), status: () => response.status(), text };
}
export const store = (p = page) => p.evaluate(() => {
	const s = window.gigafibre_dispatch_board.store;
	return { date: s.date, view: s.view, resources: s.resources.length, tray: s.tray.map((u) => u.job), total: s.data && s.data.unassigned_total };
});

export async function until(fn, timeout = 8000, every = 150) {
	const start = Date.now();
	let last;
	while (Date.now() - start < timeout) {
		last = await fn();
		if (last) return last;
		await new Promise((r) => setTimeout(r, every));
	}
	return last;
}

// The steps never work on "today": they run on any day of the week and at any hour. They work on HOME, a weekday
// of the demo's week after today (DEMO_WEEK, its Monday, from .ci/run; else this week's and the next), where TECH
// has a shift and the hours the steps use free, and OTHER and LIVE_TECH too.
export const add_days = (iso, n) => {
	const d = new Date(`${iso}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
};
export const weekday_of = (iso) => new Date(`${iso}T00:00:00Z`).getUTCDay(); // 0 = Sunday
export const NEEDS = [
	[TECH, ["09:00", "13:00"]],
	[TECH, ["16:00", "18:00"]],
	[OTHER, ["13:30", "17:00"]],
	[LIVE_TECH, ["15:00", "16:00"]],
];
export async function pick_home() {
	if (process.env.WORK_DAY) return process.env.WORK_DAY;
	await page.goto(`${BASE}/app`);
	const today = await page.evaluate(() => frappe.datetime.get_today());
	const monday = process.env.DEMO_WEEK || add_days(today, -((weekday_of(today) + 6) % 7));
	let fallback = null;
	for (const from of [monday, add_days(monday, 7)]) {
		const rows = (await get("gigafibre_dispatch.api.board.get_board", { date_from: from, date_to: add_days(from, 6) })).body.message.resources;
		const segments = (id) => (rows.find((r) => r.id === id) || { segments: [] }).segments;
		for (let i = 0; i < 5; i++) {
			const day = add_days(from, i);
			if (day <= today) continue;
			const on_shift = (id) => segments(id).some((s) => s.type === "shift" && s.start.slice(0, 10) === day);
			const free = (id, [a, b]) =>
				!segments(id).some((s) => ["job", "assist", "absence"].includes(s.type) && s.start < `${day}T${b}` && s.end > `${day}T${a}`);
			if (NEEDS.every(([id, hours]) => on_shift(id) && free(id, hours))) return day;
			fallback = fallback || (on_shift(TECH) ? day : null);
		}
	}
	if (!fallback) throw new Error(`no working day of ${TECH} after ${today} in the demo's week (${monday})`);
	console.log(`note: no day fits every step's free hours; working on ${fallback}`);
	return fallback;
}

export async function open_board(p = page, day = HOME) {
	await p.goto(`${BASE}/app/dispatch-board?date=${day}`);
	await p.waitForSelector(".gdb-root", { timeout: 30000 });
	await p.waitForFunction(() => window.gigafibre_dispatch_board && window.gigafibre_dispatch_board.store.data && !window.gigafibre_dispatch_board.store.loading, null, { timeout: 30000 });
}

export async function go_day(day, p = page) {
	await p.evaluate((d) => window.gigafibre_dispatch_board.store.go_day(d), day);
	await settle(p);
}
export const go_home = (p = page) => go_day(HOME, p);

export async function settle(p = page) {
	await p.waitForFunction(() => {
		const s = window.gigafibre_dispatch_board.store;
		return s.data && !s.loading && !s.busy;
	}, null, { timeout: 20000 });
}

// A point of the day timeline: the row of `tech`, at `hour` of the day shown, both scrolled into view (the timeline
// holds three days; the board says where a time is drawn).
export async function point(tech, hour, p = page, { scroll = true } = {}) {
	const x = await p.evaluate(([t, h, sc]) => {
		const line = window.gigafibre_dispatch_board.timeline;
		const min = line.at(h);
		if (sc) {
			line.scroll_to_row(t);
			line.scroll_to_min(min, sc === "center");
		}
		return line.x_of(min);
	}, [tech, hour, scroll]);
	const row = p.locator(`.gdb-row[data-tech="${tech}"]`);
	await row.waitFor({ timeout: 8000 });
	const rows = await p.locator(".gdb-rows").boundingBox();
	const box = await row.boundingBox();
	return { x: rows.x + 200 + x + 3, y: box.y + box.height / 2 };
}

// Press on `from`, move in steps to (x, y), wait for the rule check's colour, then release (or `before_release`).
export async function drag(from, x, y, { before_release = null, grab_dx = 10 } = {}) {
	const b = await from.boundingBox();
	const sx = b.x + Math.min(grab_dx, b.width / 3);
	const sy = b.y + b.height / 2;
	await page.mouse.move(sx, sy);
	await page.mouse.down();
	const steps = 12;
	for (let i = 1; i <= steps; i++) await page.mouse.move(sx + ((x - sx) * i) / steps, sy + ((y - sy) * i) / steps);
	await page.waitForFunction(
		() => /\b(allowed|warning|blocked)\b/.test(document.querySelector(".gdb-floating")?.className || ""),
		null,
		{ timeout: 8000 }
	);
	const level = await page.evaluate(() => ["allowed", "warning", "blocked"].find((c) => document.querySelector(".gdb-floating").classList.contains(c)));
	const message = await page.locator("[data-role=drop-state]").innerText();
	if (before_release) await before_release(level);
	await page.mouse.up();
	return { level, message };
}

// The same on another board: press on `from`, move to `tech` at `hour`, wait for the rule check; the caller releases.
export async function hover_on(p, from, tech, hour) {
	const { x, y } = await point(tech, hour, p);
	const b = await from.boundingBox();
	const sx = b.x + Math.min(10, b.width / 3);
	const sy = b.y + b.height / 2;
	await p.mouse.move(sx, sy);
	await p.mouse.down();
	for (let i = 1; i <= 12; i++) await p.mouse.move(sx + ((x - sx) * i) / 12, sy + ((y - sy) * i) / 12);
	await p.waitForFunction(() => /\b(allowed|warning)\b/.test(document.querySelector(".gdb-floating")?.className || ""), null, { timeout: 8000 });
}

// A new work order of this run, triaged, and a way to run its lifecycle commands (each with its own key).
export async function triaged_work_order(subject) {
	const csrf = await page.evaluate(() => frappe.csrf_token);
	const location = (await get("frappe.client.get_list", { doctype: "Service Location", fields: JSON.stringify(["name"]), limit_page_length: 1 })).body.message[0].name;
	const made = await page.request.post(`${BASE}/api/method/gigafibre_dispatch.api.scheduling.create_work_order`, {
		headers: { "X-Frappe-CSRF-Token": csrf },
		data: { subject, service_location: location, priority: "medium", duration_h: 1 },
	});
	if (!made.ok()) throw new Error(`work order: ${made.status()} ${await made.text()}`);
	const job = (await made.json()).message.name;
	created.push(job);
	const command = (name, data) =>
		page.request.post(`${BASE}/api/v2/document/Dispatch%20Job/${encodeURIComponent(job)}/method/${name}`, {
			headers: { "X-Frappe-CSRF-Token": csrf, "Idempotency-Key": randomUUID() },
			data,
		});
	if ((await job_of(job)).status === "New") await command("triage", { priority: "medium" });
	return { job, command };
}

// + WO's Create: the new job is the one the board selects (a job selected before does not count); kept for cleanup.
export async function create_from(dialog) {
	const before = await page.evaluate(() => window.gigafibre_dispatch_board.store.selected);
	await dialog.locator(".modal-footer .btn-primary").click();
	const name = await until(() => page.evaluate((b) => {
		const s = window.gigafibre_dispatch_board.store.selected;
		return s && s !== b ? s : null;
	}, before), 15000);
	if (name) created.push(name);
	return name;
}

// A user of this run (a password, a language, one role) and how to delete it afterwards.
export async function new_user(kind, fields, role) {
	const email = `board.${kind}.e2e.${Date.now()}@example.com`;
	const pwd = `E2e-${kind}-pw-1!`;
	const csrf = await page.evaluate(() => frappe.csrf_token);
	const made = await page.request.post(`${BASE}/api/resource/User`, {
		headers: { "X-Frappe-CSRF-Token": csrf },
		data: { email, send_welcome_email: 0, new_password: pwd, roles: [{ role }], ...fields },
	});
	if (!made.ok()) throw new Error(`user ${made.status()} ${await made.text()}`);
	const drop = () => page.request.delete(`${BASE}/api/resource/User/${encodeURIComponent(email)}`, { headers: { "X-Frappe-CSRF-Token": csrf } });
	return { email, pwd, drop };
}

// Scroll the (virtualised) tray to a job, as a dispatcher would (52 px an item).
export const scroll_tray_to = (job) =>
	page.evaluate((j) => {
		const i = window.gigafibre_dispatch_board.store.tray.findIndex((u) => u.job === j);
		const list = document.querySelector(".gdb-tray-list");
		if (i >= 0 && list) list.scrollTop = Math.max(0, i * 52 - 40);
	}, job);

export const alerts = () => page.evaluate(() => Array.from(document.querySelectorAll("#alert-container .alert")).map((a) => a.innerText.trim()));

// ------------------------------------------------------------------------------------------------ steps
export const HOME = await pick_home();
console.log(`working day: ${HOME}`);
export const state = { booked: null }; // booked: the job dropped from the tray on TECH at 10:00
export const created = []; // cancelled at the end, so that a rerun starts from the same board

// The steps take jobs from the tray: fresh ones, urgent so that they lead it (a rerun needs no demo reload).
{
	await page.goto(`${BASE}/app`);
	const csrf = await page.evaluate(() => frappe.csrf_token);
	const location = (await get("frappe.client.get_list", { doctype: "Service Location", fields: JSON.stringify(["name"]), limit_page_length: 1 })).body.message[0].name;
	for (let i = 0; i < 8; i++) {
		const r = await page.request.post(`${BASE}/api/method/gigafibre_dispatch.api.scheduling.create_work_order`, {
			headers: { "X-Frappe-CSRF-Token": csrf },
			data: { subject: `E2E tray ${i + 1}`, service_location: location, priority: "urgent", duration_h: 1 },
		});
		if (!r.ok()) throw new Error(`tray job: ${r.status()} ${await r.text()}`);
		created.push((await r.json()).message.name);
	}
}

