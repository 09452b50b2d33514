// Desk check in headless Chromium: the Dispatch workspace, a job's ranking dialog and slot dialog.
//   BASE_URL=http://dispatch.test:8000 JOB=DEMO-J010 node e2e/desk_scheduling.mjs
// Needs playwright-core (npm) and Debian's chromium; writes screenshots to $OUT (default /tmp/e2e).
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const BASE = process.env.BASE_URL || "http://dispatch.test:8000";
const JOB = process.env.JOB || "DEMO-J010";
const OUT = process.env.OUT || "/tmp/e2e";
mkdirSync(OUT, { recursive: true });

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const fail = (msg) => {
	console.error("FAIL:", msg);
	process.exitCode = 1;
};
try {
	const login = await page.request.post(`${BASE}/api/method/login`, { form: { usr: "Administrator", pwd: process.env.ADMIN_PASSWORD || "admin" } });
	if (!login.ok()) throw new Error(`login ${login.status()}`);

	await page.goto(`${BASE}/app/dispatch`);
	await page.locator(".shortcut-widget-box", { hasText: "Dispatch Technician" }).waitFor({ timeout: 30000 });
	const shortcuts = await page.locator(".shortcut-widget-box").allInnerTexts();
	await page.screenshot({ path: `${OUT}/workspace.png` });
	for (const want of ["Dispatch Job", "Dispatch Technician", "Service Location"]) {
		if (!shortcuts.some((s) => s.includes(want))) fail(`workspace shortcut ${want} missing: ${shortcuts}`);
	}

	await page.goto(`${BASE}/app/dispatch-job/${JOB}`);
	await page.waitForSelector(".page-actions .inner-group-button", { timeout: 30000 });
	// Dates and times as the site shows them: "2026-11-24 08:30", in the site's zone, never "08:30:ss".
	const shown = await page.locator('[data-fieldname="scheduled_start"] input').first().inputValue();
	const stored = (await (await page.request.get(`${BASE}/api/method/frappe.client.get_value?doctype=Dispatch%20Job&filters=${encodeURIComponent(JSON.stringify({ name: JOB }))}&fieldname=scheduled_start`)).json()).message.scheduled_start;
	if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(shown) || !stored.startsWith(shown)) fail(`Scheduled Start shows "${shown}" for ${stored}`);
	const zone = await page.locator('[data-fieldname="scheduled_start"] .help-box, [data-fieldname="scheduled_start"] .control-value + .help-box').first().innerText().catch(() => "");
	if (!zone.includes("America/Toronto")) fail(`Scheduled Start zone "${zone}"`);
	await page.locator(".inner-group-button button", { hasText: "Dispatch" }).click();
	await page.locator(".dropdown-menu.show a", { hasText: "Best Technicians" }).click();
	const dialog = page.locator(".modal.show .modal-dialog");
	await dialog.locator("table tbody tr").first().waitFor({ timeout: 30000 });
	const rows = await dialog.locator("table tbody tr").count();
	await page.screenshot({ path: `${OUT}/ranking.png` });
	if (rows < 3) fail(`ranking dialog shows ${rows} rows`);
	const header = await dialog.locator("table thead").innerText();
	for (const col of ["Score", "km", "Proximity", "Load", "Skill"]) if (!header.includes(col)) fail(`ranking column ${col} missing`);
	await page.locator(".modal.show .btn-modal-close").click();
	await page.locator(".modal.show").waitFor({ state: "detached", timeout: 10000 }).catch(() => {});
	await page.waitForTimeout(500);

	await page.locator(".inner-group-button button", { hasText: "Dispatch" }).click();
	await page.locator(".dropdown-menu.show a", { hasText: "Suggest Slots" }).click();
	const slotDialog = page.locator(".modal.show .modal-dialog", { hasText: "Suggest Slots" });
	await slotDialog.locator("select").waitFor({ timeout: 30000 });
	const options = await slotDialog.locator("select option").count();
	await page.waitForTimeout(400);
	const chosen = await slotDialog.locator("select").evaluate((el) => el.options[el.selectedIndex]?.text || "");
	await page.screenshot({ path: `${OUT}/slots.png` });
	if (options < 1) fail("no slot offered");
	if (!/\d{2}:\d{2}.* – \S/.test(chosen)) fail(`the best slot is not pre-selected: "${chosen}"`);
	// Book goes through the lifecycle on the server (propose with the drop rules, then confirm), never a field edit.
	const timelineOf = async () =>
		(await (await page.request.get(`${BASE}/api/method/gigafibre_dispatch.api.lifecycle.get_timeline?job=${JOB}`)).json()).data.timeline;
	const auditBefore = (await timelineOf()).length;
	await slotDialog.locator(".modal-footer .btn-primary", { hasText: "Book" }).click();
	await page.locator(".modal.show .modal-dialog", { hasText: "Suggest Slots" }).waitFor({ state: "detached", timeout: 20000 });
	const booked = await timelineOf();
	const added = booked.slice(auditBefore).map((t) => t.command);
	if (added.join(",") !== "schedule_propose,schedule_confirm") fail(`booking wrote ${added}`);
	const job = (await (await page.request.get(`${BASE}/api/method/gigafibre_dispatch.api.lifecycle.get_job?job=${JOB}`)).json()).data;
	if (job.status !== "Scheduled") fail(`after Book the job is ${job.status}`);
	await page.waitForFunction(() => /Scheduled/i.test(document.querySelector(".indicator-pill")?.innerText || ""), null, { timeout: 20000 });
	await page.waitForTimeout(500);

	// Lifecycle: the form offers the commands this user may issue now; dispatching goes through the command API.
	const status = async () => (await page.locator(".indicator-pill").first().innerText()).trim();
	const before = await status();
	if (!/Scheduled/i.test(before)) fail(`expected a Scheduled demo job, got ${before}`);
	await page.locator(".inner-group-button button", { hasText: "Actions" }).click();
	const items = await page.locator(".dropdown-menu.show a").allInnerTexts();
	if (!items.some((t) => t.includes("Dispatch to Technician"))) fail(`actions offered: ${items}`);
	if (items.some((t) => t.includes("Check In"))) fail("a dispatcher is offered a technician's command");
	await page.locator(".dropdown-menu.show a", { hasText: "Dispatch to Technician" }).click();
	await page.locator(".modal.show .modal-footer .btn-primary").click();
	await page.waitForFunction(() => /Dispatched/i.test(document.querySelector(".indicator-pill")?.innerText || ""), null, { timeout: 20000 });
	await page.screenshot({ path: `${OUT}/dispatched.png` });
	const timeline = await page.request.get(`${BASE}/api/method/gigafibre_dispatch.api.lifecycle.get_timeline?job=${JOB}`);
	const commands = (await timeline.json()).data.timeline.map((t) => t.command);
	if (commands[commands.length - 1] !== "assignment_dispatch") fail(`timeline ends with ${commands.slice(-1)}`);

	// Publishing a technician's schedule from Desk: the jobs are published and two SMS are logged.
	await page.goto(`${BASE}/app/dispatch-technician/DEMO-T07`);
	await page.locator(".inner-group-button button", { hasText: "Publish" }).click();
	await page.locator(".dropdown-menu.show a", { hasText: "Publish & Text Schedule" }).click();
	await page.locator(".modal.show input[data-fieldname='date_from']").waitFor();
	// Publish from the Monday of the demo's week (DEMO_WEEK from .ci/run; else the current week's).
	const monday = await page.evaluate((demo_week) => {
		if (demo_week) return frappe.datetime.str_to_user(demo_week);
		const today = frappe.datetime.str_to_obj(frappe.datetime.get_today());
		return frappe.datetime.str_to_user(frappe.datetime.add_days(frappe.datetime.get_today(), -((today.getDay() + 6) % 7)));
	}, process.env.DEMO_WEEK || "");
	const from = page.locator(".modal.show input[data-fieldname='date_from']");
	await from.fill(monday);
	await from.press("Tab");
	await page.waitForTimeout(300);
	// The end follows a start typed past it (a Sunday's default week ends before next Monday), keeping six days.
	const to = await page.locator(".modal.show input[data-fieldname='date_to']").inputValue();
	const span = await page.evaluate(([a, b]) => frappe.datetime.get_diff(frappe.datetime.user_to_str(b), frappe.datetime.user_to_str(a)), [monday, to]);
	if (span < 0) fail(`publish dialog: to ${to} is before from ${monday}`);
	await page.locator(".modal.show .modal-footer .btn-primary").click();
	const msg = page.locator(".modal.show .msgprint");
	await msg.waitFor({ timeout: 20000 });
	const text = await msg.innerText();
	await page.screenshot({ path: `${OUT}/publish.png` });
	const published = Number((text.match(/(\d+) job\(s\) published/) || [])[1] || 0);
	if (published < 1) fail(`publish message: ${text}`);
	const logs = await page.request.get(`${BASE}/api/resource/Dispatch SMS Log?filters=${encodeURIComponent(JSON.stringify([["technician", "=", "DEMO-T07"]]))}&fields=${encodeURIComponent(JSON.stringify(["kind"]))}&limit_page_length=100`);
	const kinds = new Set((await logs.json()).data.map((l) => l.kind));
	if (!kinds.has("magic_link") || !kinds.has("calendar")) fail(`SMS logs: ${[...kinds]}`);
	console.log(JSON.stringify({ shortcuts: shortcuts.length, ranking_rows: rows, slot_options: options, actions: items.length, after: "Dispatched", publish: text.trim() }));
} catch (e) {
	await page.screenshot({ path: `${OUT}/error.png` }).catch(() => {});
	fail(e.stack || String(e));
} finally {
	await browser.close();
}
